package dev.smileflow.train.validation;

import dev.smileflow.train.data.Column;
import dev.smileflow.train.data.DataError;
import dev.smileflow.train.data.DataException;
import dev.smileflow.train.data.Table;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Checks a loaded table before training. Hard failures (a class with fewer training rows than
 * folds) throw {@link DataException}; everything else (missing values, duplicate rows, constant
 * columns kept with {@code --keep}, class imbalance, many-level categoricals) is returned as
 * findings, which the job logs as run tags.
 */
public final class DataValidator {
  /** Largest/smallest class ratio above which imbalance is reported. */
  public static final double IMBALANCE_RATIO = 3.0;

  private DataValidator() {}

  /**
   * Validates {@code table}, whose training part {@code train} will be cross-validated with {@code
   * folds} folds.
   *
   * @throws DataException when a class has fewer training rows than folds
   */
  public static List<Finding> validate(Table table, Table train, int folds) {
    int[] counts = train.classCounts();
    for (int c = 0; c < counts.length; c++) {
      if (counts[c] < folds) {
        int total = table.classCounts()[c];
        throw new DataException(
            DataError.TOO_FEW_ROWS_PER_CLASS,
            table.source()
                + ", column '"
                + table.labelName()
                + "': class '"
                + table.classes().get(c)
                + "' has "
                + total
                + " rows ("
                + counts[c]
                + " after the hold-out split); stratified "
                + folds
                + "-fold CV needs at least "
                + folds
                + " training rows per class"
                + continuousHint(table, train, folds));
      }
    }
    List<Finding> findings = new ArrayList<>();
    for (Column column : table.columns()) {
      long missing = 0;
      for (int i = 0; i < column.size(); i++) {
        if (column.isMissing(i)) {
          missing++;
        }
      }
      if (missing > 0) {
        findings.add(
            new Finding(
                "missing_values",
                String.format(
                    Locale.ROOT,
                    "column '%s': %d missing values (%.1f%%), imputed",
                    column.name(),
                    missing,
                    100.0 * missing / column.size())));
      }
      if (isConstant(column)) {
        findings.add(
            new Finding(
                "constant_column",
                "column '" + column.name() + "' has a single value; it carries no information"));
      }
      if (column instanceof Column.Categorical c
          && c.levels().size() > Math.max(20, table.rows() / 2)) {
        findings.add(
            new Finding(
                "high_cardinality",
                "column '"
                    + c.name()
                    + "' has "
                    + c.levels().size()
                    + " levels for "
                    + table.rows()
                    + " rows"));
      }
    }
    int duplicates = duplicateRows(table);
    if (duplicates > 0) {
      findings.add(
          new Finding(
              "duplicate_rows", duplicates + " rows repeat an earlier row (features and label)"));
    }
    int[] all = table.classCounts();
    int max = Arrays.stream(all).max().orElse(0);
    int min = Arrays.stream(all).min().orElse(0);
    if (min > 0 && (double) max / min > IMBALANCE_RATIO) {
      findings.add(
          new Finding(
              "class_imbalance",
              String.format(
                  Locale.ROOT,
                  "largest class has %.1fx the rows of the smallest (%d vs %d)",
                  (double) max / min,
                  max,
                  min)));
    }
    return List.copyOf(findings);
  }

  /**
   * When the label has more classes than the training rows can give {@code folds} rows each, it is
   * most likely a measurement rather than a class: says so, since no split would help.
   */
  private static String continuousHint(Table table, Table train, int folds) {
    int classes = table.classes().size();
    if (classes <= train.rows() / folds) {
      return "";
    }
    return String.format(
        Locale.ROOT,
        "; the label has %d distinct values in %d rows, more classes than %d training rows can"
            + " fill %d each: if it is a continuous target, bin it into classes or choose another"
            + " --label (this job trains classifiers)",
        classes,
        table.rows(),
        train.rows(),
        folds);
  }

  private static boolean isConstant(Column column) {
    Object first = null;
    for (int i = 0; i < column.size(); i++) {
      if (column.isMissing(i)) {
        continue;
      }
      Object v =
          switch (column) {
            case Column.Numeric n -> n.value(i);
            case Column.Categorical c -> c.value(i);
          };
      if (first == null) {
        first = v;
      } else if (!first.equals(v)) {
        return false;
      }
    }
    return true;
  }

  private static int duplicateRows(Table table) {
    Set<List<Object>> seen = new HashSet<>();
    int duplicates = 0;
    for (int i = 0; i < table.rows(); i++) {
      List<Object> key = new ArrayList<>(table.row(i).values());
      key.add(table.label(i));
      key.add(table.row(i).keySet().size());
      if (!seen.add(key)) {
        duplicates++;
      }
    }
    return duplicates;
  }
}
