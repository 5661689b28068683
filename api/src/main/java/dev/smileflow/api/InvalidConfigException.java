package dev.smileflow.api;

import java.util.List;
import java.util.Objects;

/** Start-up configuration is invalid; the message lists every problem, one per line. */
public final class InvalidConfigException extends RuntimeException {
  private final List<String> problems;

  InvalidConfigException(List<String> problems) {
    super("invalid configuration:\n  - " + String.join("\n  - ", problems));
    this.problems = List.copyOf(problems);
  }

  /** Each problem, naming its variable. */
  public List<String> problems() {
    return problems;
  }

  /** Never null: every constructor takes the message. */
  @Override
  public String getMessage() {
    return Objects.requireNonNull(super.getMessage());
  }
}
