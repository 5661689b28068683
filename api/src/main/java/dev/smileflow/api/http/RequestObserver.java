package dev.smileflow.api.http;

import dev.smileflow.api.metrics.ApiMetrics;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Per-request plumbing: a request id (from {@code X-Request-Id} when sane, else a new one) in the
 * MDC and the response, optional API-key auth for {@code /v1/*}, and one log line and one latency
 * sample per request. Bodies and credentials are never logged.
 */
public final class RequestObserver {
  private static final Logger LOG = LoggerFactory.getLogger("dev.smileflow.api.access");
  private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
  private static final String ID_ATTR = "smileflow.requestId";
  private static final String START_ATTR = "smileflow.start";

  private final ApiMetrics metrics;
  private final byte @Nullable [] apiKey;

  public RequestObserver(ApiMetrics metrics, @Nullable String apiKey) {
    this.metrics = Objects.requireNonNull(metrics);
    this.apiKey = apiKey == null ? null : apiKey.getBytes(StandardCharsets.UTF_8);
  }

  /** Runs before every handler. */
  public void before(Context ctx) {
    ctx.attribute(START_ATTR, System.nanoTime());
    String given = ctx.header("X-Request-Id");
    String id =
        given != null && SANE_ID.matcher(given).matches() ? given : UUID.randomUUID().toString();
    ctx.attribute(ID_ATTR, id);
    ctx.header("X-Request-Id", id);
    MDC.put("request_id", id);
    if (apiKey != null && ctx.path().startsWith("/v1/") && !authorized(ctx)) {
      throw new ApiException(ApiException.Kind.UNAUTHORIZED, "X-API-Key: missing or wrong API key");
    }
  }

  private boolean authorized(Context ctx) {
    String given = ctx.header("X-API-Key");
    if (given == null) {
      String auth = ctx.header("Authorization");
      if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
        given = auth.substring(7).strip();
      }
    }
    return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), apiKey);
  }

  /** Runs once per request after the response is complete. */
  public void log(Context ctx, Float millis) {
    try {
      Long start = ctx.attribute(START_ATTR);
      long nanos = start == null ? (long) (millis * 1_000_000) : System.nanoTime() - start;
      int status = ctx.statusCode();
      String route = route(ctx, status);
      metrics.request(ctx.method().name(), route, status, nanos);
      String id = requestId(ctx);
      MDC.put("request_id", id);
      String ms = String.format(java.util.Locale.ROOT, "%.2f", nanos / 1e6);
      if (status == 500) {
        LOG.error("{} {} {} {} ms", ctx.method().name(), route, status, ms);
      } else if (route.startsWith("/health/") || route.equals("/metrics")) {
        // Probes and scrapes arrive every few seconds: keep them out of the default log.
        LOG.debug("{} {} {} {} ms", ctx.method().name(), route, status, ms);
      } else {
        LOG.info("{} {} {} {} ms", ctx.method().name(), route, status, ms);
      }
    } finally {
      MDC.remove("request_id");
    }
  }

  private static String route(Context ctx, int status) {
    Endpoint endpoint = null;
    try {
      endpoint = ctx.endpoints().lastHttpEndpoint();
    } catch (RuntimeException e) {
      // no endpoint matched
    }
    if (endpoint != null && !endpoint.path.equals("*")) {
      return endpoint.path;
    }
    return status == 405 ? "METHOD_NOT_ALLOWED" : "NOT_FOUND";
  }

  /** The request id of {@code ctx} (set before every handler). */
  public static String requestId(Context ctx) {
    String id = ctx.attribute(ID_ATTR);
    return id == null ? "-" : id;
  }
}
