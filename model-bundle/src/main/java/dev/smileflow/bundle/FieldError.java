package dev.smileflow.bundle;

/** One problem with one field of an input row, e.g. {@code sepal_length: field required}. */
public record FieldError(String field, String problem) {
  public FieldError {
    if (problem.isBlank()) {
      throw new IllegalArgumentException("problem must not be blank");
    }
  }

  /** {@code field: problem}, the form shown to API clients. */
  public String message() {
    return field + ": " + problem;
  }

  @Override
  public String toString() {
    return message();
  }
}
