package dev.smileflow.train;

/** A bad option value or configuration (exit code 2). */
public final class UsageException extends RuntimeException {
  public UsageException(String message) {
    super(message);
  }

  /** The value {@code refused} names in its message, as a usage error. */
  public UsageException(IllegalArgumentException refused) {
    super(refused.getMessage(), refused);
  }
}
