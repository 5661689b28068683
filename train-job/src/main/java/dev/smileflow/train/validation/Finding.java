package dev.smileflow.train.validation;

/**
 * One validation result that did not stop the job.
 *
 * @param code machine-readable kind, used in the tag key {@code validation.<code>}
 * @param message what was found, naming the column or class
 */
public record Finding(String code, String message) {
  public Finding {
    if (!code.matches("[a-z_]+")) {
      throw new IllegalArgumentException("finding code must be snake_case: " + code);
    }
  }
}
