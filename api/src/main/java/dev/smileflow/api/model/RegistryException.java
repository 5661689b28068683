package dev.smileflow.api.model;

import java.util.Objects;

/** The registry could not give what was asked; {@link #kind()} says whether retrying may help. */
public final class RegistryException extends RuntimeException {

  /** Why the registry call failed. */
  public enum Kind {
    /** Connection refused, timeouts, 5xx: retrying later may help. */
    UNREACHABLE,
    /** 401/403: credentials are missing or wrong. */
    UNAUTHORIZED,
    /** The model, alias, stage or version does not exist. */
    NOT_FOUND,
    /** Anything else the registry refused. */
    FAILED
  }

  private final Kind kind;

  public RegistryException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  public RegistryException(Kind kind, String message) {
    super(message);
    this.kind = Objects.requireNonNull(kind, "kind");
  }

  /** Machine-readable code: {@code REGISTRY_} plus the kind. */
  public String code() {
    return "REGISTRY_" + kind.name();
  }

  /** True when a later attempt may succeed. */
  public boolean retryable() {
    return kind == Kind.UNREACHABLE;
  }
}
