package dev.smileflow.train.data;

import java.util.Set;

/**
 * How to read a CSV file.
 *
 * @param label the label column's header name
 * @param missing the missing-value policy
 * @param categorical columns to treat as categorical even when every value is a number (e.g.
 *     integer codes)
 */
public record LoadOptions(String label, MissingPolicy missing, Set<String> categorical) {
  public LoadOptions {
    if (label.isBlank()) {
      throw new IllegalArgumentException("label column name is blank");
    }
    categorical = Set.copyOf(categorical);
  }

  /** Iris defaults: label {@code species}, reject missing values, no forced categoricals. */
  public static LoadOptions iris() {
    return new LoadOptions("species", MissingPolicy.REJECT, Set.of());
  }
}
