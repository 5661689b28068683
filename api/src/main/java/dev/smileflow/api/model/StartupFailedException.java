package dev.smileflow.api.model;

import java.util.Objects;

/** No model could be loaded at start-up; the service must not start. */
public final class StartupFailedException extends RuntimeException {
  private final String code;

  StartupFailedException(String code, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code);
  }

  /** Machine-readable reason, e.g. {@code REGISTRY_UNREACHABLE}. */
  public String code() {
    return code;
  }

  /** Never null: every constructor takes the message. */
  @Override
  public String getMessage() {
    return Objects.requireNonNull(super.getMessage());
  }
}
