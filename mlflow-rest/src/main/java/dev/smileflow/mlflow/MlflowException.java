package dev.smileflow.mlflow;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The one error of this client: what went wrong ({@link #kind()}), MLflow's {@code error_code} when
 * the server sent one, the HTTP status (0 when no response arrived) and a one-line message fit for
 * an operator. Immutable.
 */
public final class MlflowException extends RuntimeException {

  /** What kind of failure this is; callers branch on this, not on HTTP statuses. */
  public enum Kind {
    /**
     * The experiment, run, model, version or alias does not exist (404 / RESOURCE_DOES_NOT_EXIST).
     */
    NOT_FOUND,
    /**
     * The entity exists already (RESOURCE_ALREADY_EXISTS, sent as HTTP 400, or 409 ALREADY_EXISTS).
     */
    ALREADY_EXISTS,
    /**
     * The request was rejected as invalid (400 INVALID_PARAMETER_VALUE and other client errors).
     */
    INVALID,
    /** No or wrong credentials (401). */
    UNAUTHENTICATED,
    /** Credentials lack a permission, or the server's host-header check refused the call (403). */
    PERMISSION_DENIED,
    /** A conflicting concurrent change (409 RESOURCE_CONFLICT, ABORTED). */
    CONFLICT,
    /**
     * The server could not be reached or kept failing (connect errors, timeouts, 408/429/5xx after
     * retries).
     */
    UNAVAILABLE,
    /**
     * The server answered something this client cannot understand (malformed JSON, unexpected
     * shape).
     */
    PROTOCOL,
    /**
     * The operation is not supported by this client or server (e.g. a {@code s3:} artifact URI).
     */
    UNSUPPORTED
  }

  private final Kind kind;
  private final int httpStatus;
  private final @Nullable String errorCode;
  private final String message;

  public MlflowException(Kind kind, int httpStatus, @Nullable String errorCode, String message) {
    this(kind, httpStatus, errorCode, message, null);
  }

  public MlflowException(
      Kind kind,
      int httpStatus,
      @Nullable String errorCode,
      String message,
      @Nullable Throwable cause) {
    super(oneLine(message), cause);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
    this.message = oneLine(message);
  }

  public Kind kind() {
    return kind;
  }

  /** The HTTP status of the last response, or 0 when none arrived (connect error, timeout). */
  public int httpStatus() {
    return httpStatus;
  }

  /**
   * MLflow's {@code error_code} (e.g. {@code RESOURCE_DOES_NOT_EXIST}), or null for non-JSON error
   * bodies.
   */
  public @Nullable String errorCode() {
    return errorCode;
  }

  /** The one-line message (same as {@link #getMessage()}). */
  public String message() {
    return message;
  }

  @Override
  public String getMessage() {
    return message;
  }

  /** What {@code read} returns, or empty when it fails with {@link Kind#NOT_FOUND}. */
  static <T> Optional<T> unlessNotFound(Supplier<T> read) {
    try {
      return Optional.of(read.get());
    } catch (MlflowException e) {
      if (e.kind() == Kind.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }

  static String oneLine(String s) {
    String flat = s.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    return flat.length() > 1000 ? flat.substring(0, 1000) + "…" : flat;
  }
}
