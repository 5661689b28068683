package dev.smileflow.api.http;

import dev.smileflow.bundle.FieldError;
import dev.smileflow.bundle.InvalidInputException;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.validation.ValidationException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that maps exception types to HTTP statuses and the error envelope. Javalin's own
 * responses (404, 405, 413, validation) are rewritten here too, so no body is ever echoed and no
 * stack trace ever leaves the service.
 */
public final class ErrorMapping {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorMapping.class);

  /** Operation names for {@code raisedOn}, by route. */
  private static final Map<String, String> OPERATIONS =
      Map.of(
          "/v1/classify", "ApiClassify",
          "/v1/classify/batch", "ApiClassifyBatch",
          "/v1/model", "ApiModel",
          "/health/live", "ApiHealth",
          "/health/ready", "ApiHealth",
          "/metrics", "ApiMetrics",
          "/openapi.json", "ApiDocs",
          "/docs", "ApiDocs");

  private ErrorMapping() {}

  /** Installs the mapping; {@code tag} is the service release. */
  public static void install(JavalinConfig config, String tag, long maxBodyBytes) {
    config.routes.exception(
        ApiException.class, (e, ctx) -> write(ctx, e.kind(), e.getMessage(), tag));
    config.routes.exception(
        InvalidInputException.class,
        (e, ctx) ->
            write(
                ctx,
                ApiException.Kind.VALIDATION,
                ApiException.listed(e.errors().stream().map(FieldError::message).toList()),
                tag));
    config.routes.exception(
        ValidationException.class,
        (e, ctx) ->
            write(
                ctx,
                ApiException.Kind.VALIDATION,
                String.join(", ", e.getErrors().keySet()) + ": invalid",
                tag));
    config.routes.exception(
        HttpResponseException.class,
        (e, ctx) -> fromJavalin(ctx, e.getStatus(), tag, maxBodyBytes));
    config.routes.exception(
        Exception.class,
        (e, ctx) -> {
          LOG.error("unexpected error on {} {}", ctx.method(), ctx.path(), e);
          write(
              ctx,
              ApiException.Kind.INTERNAL,
              "internal error (request id " + RequestObserver.requestId(ctx) + ")",
              tag);
        });
    // Javalin answers unmatched routes and some limits without throwing through the table above.
    for (int status : new int[] {404, 405, 413}) {
      config.routes.error(
          status,
          ctx -> {
            if (!isEnvelope(ctx)) {
              fromJavalin(ctx, status, tag, maxBodyBytes);
            }
          });
    }
  }

  private static boolean isEnvelope(Context ctx) {
    String type = ctx.res().getContentType();
    String body = ctx.result();
    return type != null
        && type.startsWith("application/json")
        && body != null
        && body.startsWith("{\"message\"");
  }

  private static void fromJavalin(Context ctx, int status, String tag, long maxBodyBytes) {
    switch (status) {
      case 404 ->
          write(
              ctx,
              ApiException.Kind.NOT_FOUND,
              "path: no route " + ctx.method() + " " + shown(ctx.path()),
              tag);
      case 405 ->
          write(
              ctx,
              ApiException.Kind.METHOD_NOT_ALLOWED,
              "method: " + ctx.method() + " not allowed on " + shown(ctx.path()),
              tag);
      case 413 ->
          write(
              ctx,
              ApiException.Kind.TOO_LARGE,
              "body: larger than the limit of " + maxBodyBytes + " bytes",
              tag);
      case 415 ->
          write(
              ctx,
              ApiException.Kind.UNSUPPORTED_MEDIA_TYPE,
              "Content-Type: must be application/json",
              tag);
      case 400 -> write(ctx, ApiException.Kind.VALIDATION, "body: bad request", tag);
      case 401 -> write(ctx, ApiException.Kind.UNAUTHORIZED, "X-API-Key: missing or wrong", tag);
      case 503 -> write(ctx, ApiException.Kind.MODEL_NOT_READY, "service: unavailable", tag);
      default -> {
        if (status >= 500) {
          write(
              ctx,
              ApiException.Kind.INTERNAL,
              "internal error (request id " + RequestObserver.requestId(ctx) + ")",
              tag);
        } else {
          JsonBodies.write(
              ctx,
              status,
              Envelope.failure(
                  new Envelope.ErrorBody(
                      "HttpError",
                      operation(ctx),
                      "request: rejected with status " + status,
                      Integer.toString(status)),
                  tag));
        }
      }
    }
  }

  private static String shown(String path) {
    String clean = path.replaceAll("[^\\x21-\\x7e]", "?");
    return clean.length() <= 100 ? clean : clean.substring(0, 100) + "…";
  }

  static String operation(Context ctx) {
    return OPERATIONS.getOrDefault(ctx.path(), "Api");
  }

  static void write(Context ctx, ApiException.Kind kind, String message, String tag) {
    if (kind == ApiException.Kind.MODEL_NOT_READY) {
      ctx.header("Retry-After", "5");
    }
    JsonBodies.write(
        ctx,
        kind.status(),
        Envelope.failure(
            new Envelope.ErrorBody(
                kind.raised(), operation(ctx), message, Integer.toString(kind.status())),
            tag));
  }
}
