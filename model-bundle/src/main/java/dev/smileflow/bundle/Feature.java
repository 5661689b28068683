package dev.smileflow.bundle;

import java.util.HashSet;
import java.util.List;

/**
 * One input column of a model and how it is encoded into the model's numeric vector. The list of a
 * model's features <em>is</em> its preprocessing: see {@link Features}.
 */
public sealed interface Feature permits Feature.Numeric, Feature.Categorical {

  /** The column name as it appears in a request or a CSV header. */
  String name();

  /**
   * A numeric column, encoded as {@code (x - mean) / std} (0 when {@code std} is 0). {@code min}
   * and {@code max} are the range seen in training, used to flag out-of-range requests.
   */
  record Numeric(String name, double min, double max, double mean, double std) implements Feature {
    public Numeric {
      requireName(name);
      requireFinite(name, "min", min);
      requireFinite(name, "max", max);
      requireFinite(name, "mean", mean);
      requireFinite(name, "std", std);
      if (min > max) {
        throw new IllegalArgumentException("feature " + name + ": min " + min + " > max " + max);
      }
      if (std < 0) {
        throw new IllegalArgumentException("feature " + name + ": std must be >= 0, got " + std);
      }
    }
  }

  /**
   * A categorical column, encoded one-hot in {@code levels} order (one encoded column per level).
   */
  record Categorical(String name, List<String> levels) implements Feature {
    public Categorical {
      requireName(name);
      levels = List.copyOf(levels);
      if (levels.isEmpty()) {
        throw new IllegalArgumentException("feature " + name + ": needs at least one level");
      }
      var seen = new HashSet<String>();
      for (String level : levels) {
        if (level.isBlank()) {
          throw new IllegalArgumentException("feature " + name + ": blank level");
        }
        if (!seen.add(level)) {
          throw new IllegalArgumentException(
              "feature " + name + ": duplicate level '" + level + "'");
        }
      }
    }
  }

  private static void requireName(String name) {
    if (name.isBlank()) {
      throw new IllegalArgumentException("feature name must not be blank");
    }
  }

  private static void requireFinite(String name, String what, double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(
          "feature " + name + ": " + what + " must be finite, got " + value);
    }
  }
}
