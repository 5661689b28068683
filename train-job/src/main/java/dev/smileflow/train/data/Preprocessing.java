package dev.smileflow.train.data;

import dev.smileflow.bundle.Feature;
import dev.smileflow.bundle.Features;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The preprocessing fitted on some training rows: the model-bundle {@link Feature}s. Numeric: mean,
 * std and range. Categorical: the levels that keep their own one-hot column (at most {@value
 * #MAX_LEVELS}, each seen in at least {@value #MIN_LEVEL_COUNT} rows) and an other bucket for the
 * rest. Under {@link MissingPolicy#IMPUTE}, every feature also carries its fill: the rows' median
 * (numeric) or most frequent value (categorical). Fitting it on a CV fold's training rows only is
 * what keeps the folds free of leakage; the fills then travel in the bundle, so the served model
 * imputes exactly as training did.
 *
 * @param features the features, in table column order
 */
public record Preprocessing(List<Feature> features) {
  /**
   * The most levels a categorical feature one-hot encodes; less frequent levels fold into its other
   * bucket. Twenty is the width at which our data validation already warns of high cardinality.
   */
  public static final int MAX_LEVELS = 20;

  /**
   * The fewest training rows a level needs for a column of its own: a one-hot column backed by
   * fewer rows teaches a model noise, so such levels fold into the other bucket.
   */
  public static final int MIN_LEVEL_COUNT = 5;

  public Preprocessing {
    features = Features.validate(features);
  }

  /**
   * Fits the statistics, the kept levels and (when the table was loaded under {@link
   * MissingPolicy#IMPUTE}) the fills on {@code rows} of {@code table}. A level of the table that is
   * rare in (or absent from) {@code rows} goes to the other bucket.
   */
  public static Preprocessing fit(Table table, int[] rows) {
    boolean impute = table.missingPolicy() == MissingPolicy.IMPUTE;
    List<Feature> features = new ArrayList<>();
    for (Column column : table.columns()) {
      features.add(
          switch (column) {
            case Column.Numeric n -> numeric(n, rows, impute);
            case Column.Categorical c -> categorical(c, rows, impute);
          });
    }
    return new Preprocessing(features);
  }

  private static Feature.Numeric numeric(Column.Numeric n, int[] rows, boolean impute) {
    double[] present = Arrays.stream(n.values(rows)).filter(x -> !Double.isNaN(x)).toArray();
    if (present.length == 0) {
      return new Feature.Numeric(n.name(), 0, 0, 0, 0, impute ? 0.0 : null);
    }
    Arrays.sort(present);
    double mean = Arrays.stream(present).sum() / present.length;
    double squares = 0;
    for (double x : present) {
      squares += (x - mean) * (x - mean);
    }
    int mid = present.length / 2;
    double median = present.length % 2 == 1 ? present[mid] : (present[mid - 1] + present[mid]) / 2;
    return new Feature.Numeric(
        n.name(),
        present[0],
        present[present.length - 1],
        mean,
        Math.sqrt(squares / present.length),
        impute ? median : null);
  }

  private static Feature.Categorical categorical(Column.Categorical c, int[] rows, boolean impute) {
    Map<String, Integer> counts = new HashMap<>();
    for (int row : rows) {
      String v = c.value(row);
      if (v != null) {
        counts.merge(v, 1, Integer::sum);
      }
    }
    // Most frequent first; ties in level (alphabetical) order, as the sort is stable.
    List<String> ranked =
        c.levels().stream()
            .sorted(Comparator.comparingInt((String l) -> counts.getOrDefault(l, 0)).reversed())
            .toList();
    Set<String> kept = new HashSet<>();
    for (String level : ranked.subList(0, Math.min(MAX_LEVELS, ranked.size()))) {
      if (counts.getOrDefault(level, 0) >= MIN_LEVEL_COUNT) {
        kept.add(level);
      }
    }
    List<String> levels = c.levels().stream().filter(kept::contains).toList();
    boolean other = levels.size() < c.levels().size();
    return new Feature.Categorical(c.name(), levels, other, impute ? ranked.getFirst() : null);
  }

  /** The encoded column names, in vector order. */
  public List<String> encodedNames() {
    return Features.encodedNames(features);
  }

  /**
   * Encodes {@code rows} of {@code table} through {@link Features#encode}, which imputes a missing
   * value with its feature's fill, exactly as the served model does.
   */
  public double[][] encode(Table table, int[] rows) {
    return Arrays.stream(rows)
        .mapToObj(row -> Features.encode(features, table.row(row)))
        .toArray(double[][]::new);
  }

  /**
   * One row of {@code table} by feature name, with missing values replaced by their feature's fill
   * (the form of a bundle's input example).
   */
  public Map<String, Object> completeRow(Table table, int row) {
    Map<String, Object> values = new LinkedHashMap<>(table.row(row));
    for (Feature f : features) {
      Object fill = f.fill();
      if (fill != null) {
        values.putIfAbsent(f.name(), fill);
      }
    }
    return values;
  }
}
