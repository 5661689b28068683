package dev.smileflow.train.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smileflow.train.data.Column;
import dev.smileflow.train.data.Table;
import dev.smileflow.train.search.Evaluation;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;

/**
 * The chosen model's hold-out scores per slice of the hold-out rows: one slice per level of every
 * categorical feature, one per quantile bin ({@value #NUMERIC_BINS} bins, quartiles) of every
 * numeric feature, and one of the rows where a feature is missing. Each slice has its row count,
 * correct predictions, accuracy and macro F1 ({@link Evaluation}'s definitions).
 *
 * <p>A slice is <b>flagged</b> when its accuracy is more than {@value #MARGIN} below the accuracy
 * of all hold-out rows and it has at least {@value #MIN_ROWS} rows; smaller slices are reported but
 * never flagged (one error in 5 rows moves accuracy by 0.2). Macro F1 is reported, not flagged on:
 * a slice that holds one class (an island with one species) has its macro F1 halved by a single
 * error, because the class wrongly predicted counts with F1 0.
 *
 * <p>Numeric bins are cut at the quartiles of the feature's hold-out values (linear interpolation
 * between order statistics, as numpy's default), repeated edges dropped, the first bin closed on
 * both sides: {@code [min, q1], (q1, q2], (q2, q3], (q3, max]}.
 *
 * @param rows the number of hold-out rows
 * @param accuracy the accuracy of all hold-out rows, the flagging reference
 * @param f1Macro the macro F1 of all hold-out rows
 * @param slices every slice, feature by feature in table order, levels sorted, bins ascending
 */
public record Slices(int rows, double accuracy, double f1Macro, List<Slice> slices) {
  /** Number of quantile bins of a numeric feature. */
  public static final int NUMERIC_BINS = 4;

  /** The fewest rows a slice needs to be flagged. */
  public static final int MIN_ROWS = 10;

  /** How far below the overall accuracy a slice's accuracy must fall to be flagged. */
  public static final double MARGIN = 0.05;

  /** The file name inside the report directory. */
  public static final String FILE = "slices.json";

  /** Compensates for binary fractions: a gap of exactly {@link #MARGIN} is not "more than". */
  private static final double TOLERANCE = 1e-9;

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final List<String> TABLE_COLUMNS =
      List.of(
          "feature", "slice", "rows", "correct", "accuracy", "f1_macro", "accuracy_gap", "flagged");

  /**
   * One slice: the feature, a description ({@code island = Dream}, {@code petal_width in (1.6,
   * 2.5]}, {@code sex is missing}) and its scores.
   */
  public record Slice(
      String feature,
      String description,
      int rows,
      int correct,
      double accuracy,
      double f1Macro,
      boolean flagged) {}

  public Slices {
    slices = List.copyOf(slices);
  }

  /**
   * The slices of {@code holdout}, whose rows {@code evaluation} scored in the same order.
   *
   * @throws IllegalArgumentException when the two differ in rows
   */
  public static Slices of(Table holdout, Evaluation evaluation) {
    if (holdout.rows() != evaluation.size()) {
      throw new IllegalArgumentException(
          holdout.rows() + " hold-out rows but " + evaluation.size() + " evaluated");
    }
    double overall = evaluation.accuracy();
    List<Slice> slices = new ArrayList<>();
    for (Column column : holdout.columns()) {
      for (Group g : groups(column)) {
        int[] members = IntStream.range(0, holdout.rows()).filter(g.member()).toArray();
        if (members.length > 0) {
          slices.add(slice(column.name(), g.description(), evaluation.select(members), overall));
        }
      }
    }
    return new Slices(evaluation.size(), overall, evaluation.f1Macro(), slices);
  }

  private static Slice slice(String feature, String description, Evaluation e, double overall) {
    double accuracy = e.accuracy();
    int correct = (int) Math.round(accuracy * e.size());
    boolean flagged = e.size() >= MIN_ROWS && overall - accuracy > MARGIN + TOLERANCE;
    return new Slice(feature, description, e.size(), correct, accuracy, e.f1Macro(), flagged);
  }

  /** A named subset of the rows. */
  private record Group(String description, IntPredicate member) {}

  private static List<Group> groups(Column column) {
    String name = column.name();
    List<Group> groups = new ArrayList<>();
    switch (column) {
      case Column.Categorical c -> {
        for (String level : c.levels()) {
          groups.add(new Group(name + " = " + level, i -> level.equals(c.value(i))));
        }
      }
      case Column.Numeric n -> {
        double[] edges = edges(n);
        for (int b = 1; b < edges.length; b++) {
          double lo = edges[b - 1];
          double hi = edges[b];
          boolean first = b == 1;
          groups.add(
              new Group(
                  name + " in " + (first ? "[" : "(") + number(lo) + ", " + number(hi) + "]",
                  i ->
                      !n.isMissing(i)
                          && (first ? n.value(i) >= lo : n.value(i) > lo)
                          && n.value(i) <= hi));
        }
        if (edges.length == 1) {
          groups.add(new Group(name + " = " + number(edges[0]), i -> !n.isMissing(i)));
        }
      }
    }
    groups.add(new Group(name + " is missing", column::isMissing));
    return groups;
  }

  /** The distinct quantile edges of the column's present values; empty when all are missing. */
  static double[] edges(Column.Numeric column) {
    double[] values =
        IntStream.range(0, column.size())
            .filter(i -> !column.isMissing(i))
            .mapToDouble(column::value)
            .sorted()
            .toArray();
    if (values.length == 0) {
      return new double[0];
    }
    double[] edges = new double[NUMERIC_BINS + 1];
    for (int q = 0; q <= NUMERIC_BINS; q++) {
      double h = (values.length - 1) * (double) q / NUMERIC_BINS;
      int lo = (int) Math.floor(h);
      int hi = Math.min(lo + 1, values.length - 1);
      edges[q] = values[lo] + (h - lo) * (values[hi] - values[lo]);
    }
    return Arrays.stream(edges).distinct().toArray();
  }

  /**
   * An edge with every digit of its integer part and 3 significant digits more (at least 4 in all),
   * trailing zeros dropped: 2008.5, 6.75, 0.3333, 3750.
   */
  static String number(double value) {
    int integerDigits = Math.abs(value) < 1 ? 1 : (int) Math.floor(Math.log10(Math.abs(value))) + 1;
    return BigDecimal.valueOf(value)
        .round(new MathContext(Math.max(4, integerDigits + 3)))
        .stripTrailingZeros()
        .toPlainString();
  }

  /** The flagged slices, in the order of {@link #slices}. */
  public List<Slice> flagged() {
    return slices.stream().filter(Slice::flagged).toList();
  }

  /**
   * Why {@code slice} is flagged, on one line: {@code island = Dream: accuracy 0.70 vs 0.93 overall
   * (n=12)}.
   */
  public String why(Slice slice) {
    return String.format(
        Locale.ROOT,
        "%s: accuracy %.2f vs %.2f overall (n=%d)",
        slice.description(),
        slice.accuracy(),
        accuracy,
        slice.rows());
  }

  /** The rules in one line, for the run's tags and the docs' wording. */
  public static String rules() {
    return String.format(
        Locale.ROOT,
        "flagged when accuracy is more than %.2f below overall and rows >= %d;"
            + " numeric features in %d quantile bins of the hold-out rows",
        MARGIN,
        MIN_ROWS,
        NUMERIC_BINS);
  }

  /**
   * The slices as MLflow's table layout ({@code mlflow.log_table}, pandas {@code orient="split"}):
   * {@code {"columns": [...], "data": [[...], ...]}}, the first row being all hold-out rows
   * (feature {@code *}). Scores are rounded to 6 decimals.
   */
  public String table() {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode columns = root.putArray("columns");
    TABLE_COLUMNS.forEach(columns::add);
    ArrayNode data = root.putArray("data");
    int correct = (int) Math.round(accuracy * rows);
    row(data, new Slice("*", "all hold-out rows", rows, correct, accuracy, f1Macro, false));
    slices.forEach(s -> row(data, s));
    return root.toString();
  }

  private void row(ArrayNode data, Slice s) {
    data.addArray()
        .add(s.feature())
        .add(s.description())
        .add(s.rows())
        .add(s.correct())
        .add(round(s.accuracy()))
        .add(round(s.f1Macro()))
        .add(round(accuracy - s.accuracy()))
        .add(s.flagged());
  }

  private static double round(double value) {
    return Math.round(value * 1e6) / 1e6;
  }
}
