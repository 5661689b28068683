package dev.smileflow.train.data;

import dev.smileflow.bundle.Feature;
import dev.smileflow.bundle.Features;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The preprocessing fitted on some training rows: the model-bundle {@link Feature}s (numeric mean,
 * std and range; categorical levels) and the values that fill a missing field under {@link
 * MissingPolicy#IMPUTE} (the rows' mean or most frequent level). Fitting it on a CV fold's training
 * rows only is what keeps the folds free of leakage.
 *
 * @param features the features, in table column order
 * @param fill the imputation value per feature name ({@code Double} or {@code String})
 */
public record Preprocessing(List<Feature> features, Map<String, Object> fill) {
  public Preprocessing {
    features = Features.validate(features);
    fill = Map.copyOf(fill);
  }

  /**
   * Fits the statistics on {@code rows} of {@code table}; categorical levels are the whole table's
   * levels.
   */
  public static Preprocessing fit(Table table, int[] rows) {
    List<Feature> features = new ArrayList<>();
    Map<String, Object> fill = new HashMap<>();
    for (Column column : table.columns()) {
      switch (column) {
        case Column.Numeric n -> {
          double min = Double.POSITIVE_INFINITY;
          double max = Double.NEGATIVE_INFINITY;
          double sum = 0;
          int count = 0;
          for (int row : rows) {
            double x = n.value(row);
            if (!Double.isNaN(x)) {
              min = Math.min(min, x);
              max = Math.max(max, x);
              sum += x;
              count++;
            }
          }
          if (count == 0) {
            min = 0;
            max = 0;
          }
          double mean = count == 0 ? 0 : sum / count;
          double squares = 0;
          for (int row : rows) {
            double x = n.value(row);
            if (!Double.isNaN(x)) {
              squares += (x - mean) * (x - mean);
            }
          }
          double std = count == 0 ? 0 : Math.sqrt(squares / count);
          features.add(new Feature.Numeric(n.name(), min, max, mean, std));
          fill.put(n.name(), mean);
        }
        case Column.Categorical c -> {
          Map<String, Integer> counts = new HashMap<>();
          for (int row : rows) {
            String v = c.value(row);
            if (v != null) {
              counts.merge(v, 1, Integer::sum);
            }
          }
          String mode = c.levels().getFirst();
          int best = -1;
          for (String level : c.levels()) {
            int count = counts.getOrDefault(level, 0);
            if (count > best) {
              best = count;
              mode = level;
            }
          }
          features.add(new Feature.Categorical(c.name(), c.levels()));
          fill.put(c.name(), mode);
        }
      }
    }
    return new Preprocessing(features, fill);
  }

  /** The encoded column names, in vector order. */
  public List<String> encodedNames() {
    return Features.encodedNames(features);
  }

  /**
   * Encodes {@code rows} of {@code table} through {@link Features#encode}, filling missing values
   * first.
   */
  public double[][] encode(Table table, int[] rows) {
    double[][] out = new double[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      out[i] = Features.encode(features, completeRow(table, rows[i]));
    }
    return out;
  }

  /** One row of {@code table} by feature name, with missing values replaced by their fill value. */
  public Map<String, Object> completeRow(Table table, int row) {
    Map<String, Object> values = new LinkedHashMap<>(table.row(row));
    for (Feature f : features) {
      values.putIfAbsent(f.name(), fill.get(f.name()));
    }
    return values;
  }
}
