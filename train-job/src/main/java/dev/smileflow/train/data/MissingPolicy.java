package dev.smileflow.train.data;

import java.util.Locale;

/**
 * What to do with a missing feature value (an empty field or one of {@code NA}, {@code N/A}, {@code
 * NaN}, {@code null}, {@code ?}). A missing label is always an error, except under {@link #DROP},
 * which drops the row. The default for a user's CSV is {@link #IMPUTE}, as in AutoML tools (H2O,
 * AutoGluon, scikit-learn pipelines with an imputer): real data has holes, and a model that can
 * answer for a row with a hole is what their users expect; the bundled Iris, which has none, loads
 * under {@link #REJECT}.
 */
public enum MissingPolicy {
  /** Fail on the first missing value, naming file, column and row. */
  REJECT,
  /** Drop every row with a missing value. */
  DROP,
  /**
   * Keep the row (the default); inside each CV fold (and for the final model, over the training
   * split) a missing numeric value becomes the training rows' median and a missing categorical
   * value their most frequent value. The fills are part of the bundle's features, so the served
   * model imputes a null or absent field exactly as training did.
   */
  IMPUTE;

  /** Parses {@code reject|drop|impute}, case-insensitively. */
  public static MissingPolicy parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown missing-value policy '" + text + "' (expected reject, drop or impute)", e);
    }
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
