package dev.smileflow.train.data;

import java.util.Locale;

/**
 * What to do with a missing feature value (an empty field or one of {@code NA}, {@code N/A}, {@code
 * NaN}, {@code null}, {@code ?}). A missing label is always an error, except under {@link #DROP},
 * which drops the row.
 */
public enum MissingPolicy {
  /** Fail on the first missing value, naming file, column and row (the default). */
  REJECT,
  /** Drop every row with a missing value. */
  DROP,
  /**
   * Keep the row; inside each CV fold (and for the final model) a missing numeric value becomes the
   * training rows' mean and a missing categorical value their most frequent level. The served model
   * still requires every field.
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
