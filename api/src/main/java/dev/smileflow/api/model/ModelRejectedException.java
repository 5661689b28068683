package dev.smileflow.api.model;

import java.util.Objects;

/** A model version was refused: it could not be downloaded, verified, loaded or warmed up. */
public final class ModelRejectedException extends RuntimeException {
  private final String code;

  public ModelRejectedException(String code, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** Machine-readable reason, e.g. {@code CHECKSUM_MISMATCH} or {@code WARMUP_FAILED}. */
  public String code() {
    return code;
  }

  /** Never null: every constructor takes the message. */
  @Override
  public String getMessage() {
    return Objects.requireNonNull(super.getMessage());
  }
}
