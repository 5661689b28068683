package dev.smileflow.api;

import java.util.List;
import java.util.Objects;

/** Start-up configuration is invalid; the message lists every problem, one per line. */
public final class InvalidConfigException extends RuntimeException {
  InvalidConfigException(List<String> problems) {
    super("invalid configuration:\n  - " + String.join("\n  - ", problems));
  }

  /** Never null: every constructor takes the message. */
  @Override
  public String getMessage() {
    return Objects.requireNonNull(super.getMessage());
  }
}
