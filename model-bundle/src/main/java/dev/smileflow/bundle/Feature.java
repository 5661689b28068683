package dev.smileflow.bundle;

import java.util.HashSet;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One input column of a model and how it is encoded into the model's numeric vector. The list of a
 * model's features <em>is</em> its preprocessing: see {@link Features}.
 *
 * <p>A feature may carry a {@link #fill()}: the imputation value fitted in training (when the job
 * ran with {@code --missing impute}). A null or absent field is then encoded as if the fill had
 * been sent; without a fill the field is required.
 */
public sealed interface Feature permits Feature.Numeric, Feature.Categorical {

  /** The column name as it appears in a request or a CSV header. */
  String name();

  /**
   * The value a null or absent field is replaced with ({@code Double} for a numeric feature, {@code
   * String} for a categorical one), or null when the field is required.
   */
  @Nullable Object fill();

  /** The number of columns this feature takes in the encoded vector. */
  int width();

  /** Whether a request must send this field (true when there is no {@link #fill()}). */
  default boolean required() {
    return fill() == null;
  }

  /**
   * A numeric column, encoded as {@code (x - mean) / std} (0 when {@code std} is 0). {@code min}
   * and {@code max} are the range seen in training, used to flag out-of-range requests. {@code
   * fill}, when set, stands in for a null or absent value (the training rows' median).
   */
  record Numeric(
      String name, double min, double max, double mean, double std, @Nullable Double fill)
      implements Feature {
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
      if (fill != null) {
        requireFinite(name, "fill", fill);
      }
    }

    /** One column: the standardized value. */
    @Override
    public int width() {
      return 1;
    }
  }

  /**
   * A categorical column, encoded one-hot in {@code levels} order (one encoded column per level),
   * then, when {@code otherBucket} is set, one more column {@code name=__other__} for every value
   * that is not one of {@code levels}: the levels that were too rare in training, or beyond the
   * most frequent ones, and levels never seen. Without the bucket an unknown value is refused.
   * {@code fill}, when set, stands in for a null or absent value (the training rows' most frequent
   * value); it is one of {@code levels} unless the feature has the other bucket.
   */
  record Categorical(String name, List<String> levels, boolean otherBucket, @Nullable String fill)
      implements Feature {
    /**
     * The level part of the bucket's encoded column name ({@code name=__other__}). A real level
     * called {@code other} keeps its own column {@code name=other}.
     */
    public static final String OTHER_LEVEL = "__other__";

    public Categorical {
      requireName(name);
      levels = List.copyOf(levels);
      if (levels.isEmpty() && !otherBucket) {
        throw new IllegalArgumentException(
            "feature " + name + ": needs at least one level or the other bucket");
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
      if (otherBucket && seen.contains(OTHER_LEVEL)) {
        throw new IllegalArgumentException(
            "feature " + name + ": level '" + OTHER_LEVEL + "' clashes with the other bucket");
      }
      if (fill != null) {
        if (fill.isBlank()) {
          throw new IllegalArgumentException("feature " + name + ": blank fill");
        }
        if (!otherBucket && !seen.contains(fill)) {
          throw new IllegalArgumentException(
              "feature " + name + ": fill '" + fill + "' is not one of its levels");
        }
      }
    }

    /** One column per level, plus one for the other bucket. */
    @Override
    public int width() {
      return levels.size() + (otherBucket ? 1 : 0);
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
