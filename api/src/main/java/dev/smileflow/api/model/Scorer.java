package dev.smileflow.api.model;

import java.util.Map;

/** A loaded model's prediction function; must be safe to call from many threads at once. */
@FunctionalInterface
public interface Scorer {
  /**
   * Classifies one row of named values ({@code Double} for numbers, {@code String} for categories).
   *
   * @throws InvalidRowException when the model itself rejects the row
   */
  Prediction predict(Map<String, Object> row);
}
