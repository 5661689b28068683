package dev.smileflow.api.http;

import java.util.List;
import java.util.Objects;

/** A request the service answers with an error envelope; {@link Kind} fixes the status. */
public final class ApiException extends RuntimeException {

  /** The closed set of errors the API reports, each with its status and {@code raised} name. */
  public enum Kind {
    VALIDATION(400, "ValidationError"),
    UNAUTHORIZED(401, "Unauthorized"),
    NOT_FOUND(404, "NotFound"),
    METHOD_NOT_ALLOWED(405, "MethodNotAllowed"),
    TOO_LARGE(413, "PayloadTooLarge"),
    UNSUPPORTED_MEDIA_TYPE(415, "UnsupportedMediaType"),
    INTERNAL(500, "InternalError"),
    MODEL_NOT_READY(503, "ModelNotReady"),
    DRAINING(503, "ServiceDraining");

    private final int status;
    private final String raised;

    Kind(int status, String raised) {
      this.status = status;
      this.raised = raised;
    }

    public int status() {
      return status;
    }

    public String raised() {
      return raised;
    }
  }

  /** More problems than this in one request are counted, not listed. */
  private static final int MAX_PROBLEMS_SHOWN = 20;

  private final Kind kind;

  public ApiException(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = Objects.requireNonNull(kind);
  }

  public Kind kind() {
    return kind;
  }

  static ApiException validation(String message) {
    return new ApiException(Kind.VALIDATION, message);
  }

  /** {@code problems} joined with {@code "; "}; past the first 20, only their number. */
  static String listed(List<String> problems) {
    int shown = Math.min(problems.size(), MAX_PROBLEMS_SHOWN);
    String listed = String.join("; ", problems.subList(0, shown));
    return shown == problems.size()
        ? listed
        : listed + "; and " + (problems.size() - shown) + " more";
  }

  static ApiException notReady() {
    return new ApiException(Kind.MODEL_NOT_READY, "model: not loaded yet, retry shortly");
  }

  static ApiException draining() {
    return new ApiException(
        Kind.DRAINING,
        "service: draining before shutdown; requests in flight finish, send new ones elsewhere");
  }

  /** Never null: every constructor takes the message. */
  @Override
  public String getMessage() {
    return Objects.requireNonNull(super.getMessage());
  }
}
