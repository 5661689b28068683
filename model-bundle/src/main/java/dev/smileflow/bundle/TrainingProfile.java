package dev.smileflow.bundle;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * How each feature was distributed in the rows a model was trained on, so that a serving process
 * can tell how far the rows it sees have drifted from them. Stored in {@code bundle.json} as the
 * optional {@code training_profile} (format version 2; bundles written before it have none).
 *
 * @param features the profile of every feature, by feature name
 */
public record TrainingProfile(Map<String, FeatureProfile> features) {

  /** The number of evenly spaced quantiles a numeric profile keeps: probabilities 0, 0.01, … 1. */
  public static final int QUANTILES = 101;

  /** The number of equal-frequency bins a numeric profile aims for (fewer when values repeat). */
  public static final int BINS = 10;

  public TrainingProfile {
    features = Collections.unmodifiableMap(new TreeMap<>(features));
    features.forEach((name, profile) -> {
      if (name.isBlank()) {
        throw new IllegalArgumentException("training profile: blank feature name");
      }
      Objects.requireNonNull(profile, () -> "training profile of " + name);
    });
  }

  /** One feature's training distribution. */
  public sealed interface FeatureProfile permits Numeric, Categorical {
    /** The training rows that had a value (missing values are not profiled). */
    long count();
  }

  /**
   * A numeric feature: {@link #QUANTILES} evenly spaced quantiles (the first is the minimum, the
   * last the maximum; for a Kolmogorov-Smirnov comparison), and a histogram for the population
   * stability index: bin i holds the values in {@code (binEdges[i-1], binEdges[i]]}, the first bin
   * everything up to {@code binEdges[0]}, the last everything above the last edge.
   *
   * @param binEdges strictly increasing interior edges, each below the maximum
   * @param binCounts the training rows in each bin ({@code binEdges.size() + 1} of them)
   */
  public record Numeric(
      long count, List<Double> quantiles, List<Double> binEdges, List<Long> binCounts)
      implements FeatureProfile {
    public Numeric {
      quantiles = List.copyOf(quantiles);
      binEdges = List.copyOf(binEdges);
      binCounts = List.copyOf(binCounts);
      if (count < 1) {
        throw new IllegalArgumentException("numeric profile: count must be >= 1, got " + count);
      }
      if (quantiles.size() != QUANTILES) {
        throw new IllegalArgumentException(
            "numeric profile: " + QUANTILES + " quantiles expected, got " + quantiles.size());
      }
      for (int i = 0; i < quantiles.size(); i++) {
        double q = quantiles.get(i);
        if (!Double.isFinite(q) || (i > 0 && q < quantiles.get(i - 1))) {
          throw new IllegalArgumentException(
              "numeric profile: quantiles must be finite and non-decreasing");
        }
      }
      for (int i = 0; i < binEdges.size(); i++) {
        double e = binEdges.get(i);
        if (!Double.isFinite(e)
            || (i > 0 && e <= binEdges.get(i - 1))
            || e >= quantiles.getLast()) {
          throw new IllegalArgumentException(
              "numeric profile: bin edges must be finite, strictly increasing and below the max");
        }
      }
      if (binCounts.size() != binEdges.size() + 1) {
        throw new IllegalArgumentException(
            "numeric profile: " + (binEdges.size() + 1) + " bin counts expected");
      }
      if (binCounts.stream().anyMatch(c -> c < 0)
          || binCounts.stream().mapToLong(Long::longValue).sum() != count) {
        throw new IllegalArgumentException(
            "numeric profile: bin counts must be >= 0 and add up to the count " + count);
      }
    }

    /** The smallest training value. */
    public double min() {
      return quantiles.getFirst();
    }

    /** The largest training value. */
    public double max() {
      return quantiles.getLast();
    }

    /**
     * The profile of some training values (at least one, all finite): quantile i is the order
     * statistic at rank {@code round(i * (n - 1) / 100)}; the bin edges are the distinct deciles
     * below the maximum, and the counts exact.
     */
    public static Numeric of(double[] values) {
      if (values.length == 0) {
        throw new IllegalArgumentException("numeric profile: no values");
      }
      double[] sorted = values.clone();
      Arrays.sort(sorted);
      int n = sorted.length;
      List<Double> quantiles = new ArrayList<>(QUANTILES);
      for (int i = 0; i < QUANTILES; i++) {
        quantiles.add(sorted[(int) Math.round((double) i * (n - 1) / (QUANTILES - 1))]);
      }
      List<Double> edges = new ArrayList<>();
      for (int b = 1; b < BINS; b++) {
        double edge = quantiles.get(b * (QUANTILES - 1) / BINS);
        if (edge < sorted[n - 1] && (edges.isEmpty() || edge > edges.getLast())) {
          edges.add(edge);
        }
      }
      long[] counts = new long[edges.size() + 1];
      for (double v : sorted) {
        counts[bin(edges, v)]++;
      }
      return new Numeric(n, quantiles, edges, Arrays.stream(counts).boxed().toList());
    }

    /** The index of the bin {@code value} falls in. */
    public int bin(double value) {
      return bin(binEdges, value);
    }

    private static int bin(List<Double> edges, double value) {
      int i = 0;
      while (i < edges.size() && value > edges.get(i)) {
        i++;
      }
      return i;
    }
  }

  /**
   * A categorical feature: how many training rows had each level (every level seen in training, the
   * rare ones that share an other bucket included).
   */
  public record Categorical(long count, Map<String, Long> levels) implements FeatureProfile {
    public Categorical {
      levels = Collections.unmodifiableMap(new TreeMap<>(levels));
      if (levels.isEmpty()) {
        throw new IllegalArgumentException("categorical profile: no levels");
      }
      levels.forEach((level, n) -> {
        if (level.isBlank() || n == null || n < 1) {
          throw new IllegalArgumentException(
              "categorical profile: level '" + level + "' needs a count >= 1");
        }
      });
      if (levels.values().stream().mapToLong(Long::longValue).sum() != count) {
        throw new IllegalArgumentException(
            "categorical profile: level counts must add up to the count " + count);
      }
    }

    /** The profile of some level counts (levels with a zero count are left out). */
    public static Categorical of(Map<String, Long> counts) {
      var seen = new TreeMap<String, Long>();
      counts.forEach((level, n) -> {
        if (n > 0) {
          seen.put(level, n);
        }
      });
      return new Categorical(seen.values().stream().mapToLong(Long::longValue).sum(), seen);
    }
  }

  /** Fails unless every profiled feature is one of {@code features}, of the same kind. */
  void requireMatches(List<Feature> features) {
    this.features.forEach((name, profile) -> {
      Feature feature =
          features.stream()
              .filter(f -> f.name().equals(name))
              .findFirst()
              .orElseThrow(() ->
                  new IllegalArgumentException(
                      "training profile of " + name + ": not a feature of the model"));
      boolean same =
          switch (feature) {
            case Feature.Numeric _ -> profile instanceof Numeric;
            case Feature.Categorical _ -> profile instanceof Categorical;
          };
      if (!same) {
        throw new IllegalArgumentException(
            "training profile of " + name + ": its kind does not match the feature");
      }
    });
  }
}
