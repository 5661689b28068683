package dev.smileflow.api.http;

import dev.smileflow.api.metrics.ApiMetrics;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.event.Level;

/**
 * Per-request plumbing: a request id (from {@code X-Request-Id} when sane, else a new one) in the
 * MDC and the response, and one log line and one latency sample per request (a refusal by {@link
 * ApiKeyAuth} included). Bodies and credentials are never logged. A {@link Warmup} request (its
 * header while the service is not ready yet) is neither logged nor recorded as a request: it is
 * counted in {@code api_warmup_requests_total} only.
 */
public final class RequestObserver {
  private static final Logger LOG = LoggerFactory.getLogger("dev.smileflow.api.access");
  private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
  private static final String ID_ATTR = "smileflow.requestId";
  private static final String START_ATTR = "smileflow.start";
  private static final String WARMUP_ATTR = "smileflow.warmup";

  private final ApiMetrics metrics;
  private final BooleanSupplier ready;

  /**
   * @param ready whether the service reports ready; until it does, {@link Warmup#HEADER} marks a
   *     warm-up request
   */
  public RequestObserver(ApiMetrics metrics, BooleanSupplier ready) {
    this.metrics = Objects.requireNonNull(metrics);
    this.ready = Objects.requireNonNull(ready);
  }

  /** Runs before every handler. */
  public void before(Context ctx) {
    ctx.attribute(START_ATTR, System.nanoTime());
    if (ctx.header(Warmup.HEADER) != null && !ready.getAsBoolean()) {
      ctx.attribute(WARMUP_ATTR, true);
    }
    String given = ctx.header("X-Request-Id");
    String id = given != null && SANE_ID.matcher(given).matches() ? given : newId();
    ctx.attribute(ID_ATTR, id);
    ctx.header("X-Request-Id", id);
  }

  /** True for a warm-up request, which the request and prediction metrics leave out. */
  static boolean isWarmup(Context ctx) {
    return ctx.attribute(WARMUP_ATTR) != null;
  }

  /** Runs once per request after the response is complete. */
  public void log(Context ctx, Float millis) {
    if (isWarmup(ctx)) {
      metrics.warmupRequest(ctx.statusCode());
      return;
    }
    Long start = ctx.attribute(START_ATTR);
    long nanos = start == null ? (long) (millis * 1_000_000) : System.nanoTime() - start;
    int status = ctx.statusCode();
    String route = route(ctx, status);
    metrics.request(ctx.method().name(), route, status, nanos);
    // Probes and scrapes arrive every few seconds: keep them out of the default log.
    Level level =
        status == 500
            ? Level.ERROR
            : route.startsWith("/health/") || route.equals("/metrics") ? Level.DEBUG : Level.INFO;
    if (LOG.isEnabledForLevel(level)) {
      String ms = String.format(Locale.ROOT, "%.2f", nanos / 1e6);
      try (var _ = withRequestId(ctx)) {
        LOG.atLevel(level).log("{} {} {} {} ms", ctx.method().name(), route, status, ms);
      }
    }
  }

  /**
   * Puts the request id of {@code ctx} in the MDC until closed, around a log line of the request.
   * Only there, not for the whole request: on a virtual thread every request would otherwise build
   * a new MDC map, which made the MDC one of the largest allocations of a classify request.
   */
  static MDC.MDCCloseable withRequestId(Context ctx) {
    return MDC.putCloseable("request_id", requestId(ctx));
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

  /**
   * A new random request id in UUID form. Not {@link UUID#randomUUID()}: an id needs no
   * cryptographic randomness, and the shared {@code SecureRandom} costs every request.
   */
  private static String newId() {
    var r = ThreadLocalRandom.current();
    long hi = (r.nextLong() & ~0xF000L) | 0x4000L;
    long lo = (r.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(hi, lo).toString();
  }

  /** The request id of {@code ctx} (set before every handler). */
  public static String requestId(Context ctx) {
    String id = ctx.attribute(ID_ATTR);
    return id == null ? "-" : id;
  }
}
