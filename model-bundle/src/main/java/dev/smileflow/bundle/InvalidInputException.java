package dev.smileflow.bundle;

import java.util.List;
import java.util.stream.Collectors;

/**
 * An input row does not match the model's features. Carries every problem found, not only the
 * first; the message joins them with {@code "; "}. Unchecked: callers map it to a client error.
 */
public final class InvalidInputException extends RuntimeException {
  /** Machine-readable code, stable across releases. */
  public static final String CODE = "INVALID_INPUT";

  private final List<FieldError> errors;

  public InvalidInputException(List<FieldError> errors) {
    super(join(errors));
    this.errors = List.copyOf(errors);
  }

  private static String join(List<FieldError> errors) {
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("an InvalidInputException needs at least one error");
    }
    return errors.stream().map(FieldError::message).collect(Collectors.joining("; "));
  }

  public String code() {
    return CODE;
  }

  /** Every problem, in feature order, then unknown fields by name. */
  public List<FieldError> errors() {
    return errors;
  }
}
