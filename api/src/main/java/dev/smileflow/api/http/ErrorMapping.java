package dev.smileflow.api.http;

import dev.smileflow.bundle.FieldError;
import dev.smileflow.bundle.InvalidInputException;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.validation.ValidationException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that maps exception types to HTTP statuses and the error envelope. Javalin's own
 * responses (404, 405, 413, validation) are rewritten here too, so no body is ever echoed and no
 * stack trace ever leaves the service.
 */
public final class ErrorMapping {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorMapping.class);

  /** The context attribute that marks a response whose body is already the error envelope. */
  private static final String ENVELOPE_ATTR = "smileflow.envelope";

  private final String tag;
  private final long maxBodyBytes;

  /** The route table: {@code raisedOn} and the {@code Allow} header of a 405 come from it. */
  private final List<Route> routes;

  /**
   * The mapping for {@code tag}, the service release, and {@code routes}, the route table that
   * {@code raisedOn} and the {@code Allow} header of a 405 come from.
   */
  public ErrorMapping(String tag, long maxBodyBytes, List<Route> routes) {
    this.tag = tag;
    this.maxBodyBytes = maxBodyBytes;
    this.routes = List.copyOf(routes);
  }

  /** Installs the mapping on {@code config}. */
  public void install(JavalinConfig config) {
    config.routes.exception(ApiException.class, (e, ctx) -> write(ctx, e.kind(), e.getMessage()));
    config.routes.exception(
        InvalidInputException.class,
        (e, ctx) ->
            write(
                ctx,
                ApiException.Kind.VALIDATION,
                ApiException.listed(e.errors().stream().map(FieldError::message).toList())));
    config.routes.exception(
        ValidationException.class,
        (e, ctx) ->
            write(
                ctx,
                ApiException.Kind.VALIDATION,
                String.join(", ", e.getErrors().keySet()) + ": invalid"));
    config.routes.exception(
        HttpResponseException.class, (e, ctx) -> fromJavalin(ctx, e.getStatus()));
    config.routes.exception(
        Exception.class,
        (e, ctx) -> {
          try (var _ = RequestObserver.withRequestId(ctx)) {
            LOG.error("unexpected error on {} {}", ctx.method(), ctx.path(), e);
          }
          write(
              ctx,
              ApiException.Kind.INTERNAL,
              "internal error (request id " + RequestObserver.requestId(ctx) + ")");
        });
    // Javalin answers unmatched routes and some limits without throwing through the table above.
    for (int status : new int[] {404, 405, 413}) {
      config.routes.error(
          status,
          ctx -> {
            if (status == 405) {
              // RFC 9110 15.5.6: a 405 names the methods the resource supports.
              ctx.header("Allow", Route.allow(routes, ctx.path()));
            }
            if (ctx.attribute(ENVELOPE_ATTR) == null) {
              fromJavalin(ctx, status);
            }
          });
    }
  }

  private void fromJavalin(Context ctx, int status) {
    switch (status) {
      case 404 ->
          write(
              ctx,
              ApiException.Kind.NOT_FOUND,
              "path: no route " + ctx.method() + " " + shown(ctx.path()));
      case 405 ->
          write(
              ctx,
              ApiException.Kind.METHOD_NOT_ALLOWED,
              "method: " + ctx.method() + " not allowed on " + shown(ctx.path()));
      case 413 ->
          write(
              ctx,
              ApiException.Kind.TOO_LARGE,
              "body: larger than the limit of " + maxBodyBytes + " bytes");
      case 415 ->
          write(
              ctx,
              ApiException.Kind.UNSUPPORTED_MEDIA_TYPE,
              "Content-Type: must be application/json");
      case 400 -> write(ctx, ApiException.Kind.VALIDATION, "body: bad request");
      case 401 -> write(ctx, ApiException.Kind.UNAUTHORIZED, "X-API-Key: missing or wrong");
      case 503 -> write(ctx, ApiException.Kind.MODEL_NOT_READY, "service: unavailable");
      default -> {
        if (status >= 500) {
          write(
              ctx,
              ApiException.Kind.INTERNAL,
              "internal error (request id " + RequestObserver.requestId(ctx) + ")");
        } else {
          write(ctx, status, "HttpError", "request: rejected with status " + status);
        }
      }
    }
  }

  private static String shown(String path) {
    String clean = path.replaceAll("[^\\x21-\\x7e]", "?");
    return clean.length() <= 100 ? clean : clean.substring(0, 100) + "…";
  }

  private void write(Context ctx, ApiException.Kind kind, String message) {
    if (kind == ApiException.Kind.MODEL_NOT_READY) {
      ctx.header("Retry-After", "5");
    }
    write(ctx, kind.status(), kind.raised(), message);
  }

  private void write(Context ctx, int status, String raised, String message) {
    String operation = Route.operation(routes, ctx.path());
    var error = new Envelope.ErrorBody(raised, operation, message, Integer.toString(status));
    ctx.attribute(ENVELOPE_ATTR, true);
    ctx.status(status).json(Envelope.failure(error, tag));
  }
}
