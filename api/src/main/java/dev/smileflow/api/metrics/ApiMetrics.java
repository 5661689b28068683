package dev.smileflow.api.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.IntSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The service's meters, in one Prometheus registry. Names (Prometheus form): {@code
 * http_server_requests_seconds}, {@code model_predictions_total}, {@code model_loads_total}, {@code
 * model_swaps_total}, {@code model_load_failures_total}, {@code model_refresh_errors_total}, {@code
 * model_input_out_of_range_total}, {@code model_inference_seconds}, {@code model_info}, {@code
 * api_startup_seconds}, {@code api_warmup_requests_total}, {@code http_server_requests_active},
 * {@code model_prediction_log_written_total}, {@code model_prediction_log_dropped_total}, {@code
 * model_drift_window_rows}, {@code model_drift_rows_dropped_total} and per feature {@code
 * model_drift_psi}, {@code model_drift_ks_statistic}, {@code model_drift_out_of_range_rows}, {@code
 * model_drift_unseen_level_rows}, {@code model_drift_flagged}, plus JVM meters.
 */
public final class ApiMetrics implements AutoCloseable {
  /** The latency buckets: fine below 100 ms where a classifier lives, coarse above. */
  private static final Duration[] BUCKETS = {
    Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
    Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
    Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500)
  };

  /** Model time per row: microseconds to a few milliseconds. */
  private static final Duration[] INFERENCE_BUCKETS = {
    Duration.ofNanos(20_000),
    Duration.ofNanos(50_000),
    Duration.ofNanos(100_000),
    Duration.ofNanos(250_000),
    Duration.ofNanos(500_000),
    Duration.ofMillis(1),
    Duration.ofMillis(2),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(50)
  };

  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gcMetrics = new JvmGcMetrics();

  /** The served version's {@code model_info} series; guarded by {@code this}. */
  private @Nullable Gauge modelInfo;

  private final AtomicLong startupMillis = new AtomicLong(-1);
  private final Timer inference;
  // Meters looked up per request: building a meter id and registering it each time costs more than
  // the prediction itself, so each series is looked up in the registry once.
  private final Map<RequestKey, Timer> requestTimers = new ConcurrentHashMap<>();
  private final Map<List<String>, Counter> predictionCounters = new ConcurrentHashMap<>();
  private final Counter predictionLogWritten;
  private final Counter predictionLogDropped;
  private final Counter driftRowsDropped;
  private final AtomicLong driftWindowRows = new AtomicLong();
  private final FeatureGauges driftPsi =
      new FeatureGauges(
          "model.drift.psi", "Population stability index of the drift window against training");
  private final FeatureGauges driftKs =
      new FeatureGauges(
          "model.drift.ks.statistic",
          "Kolmogorov-Smirnov statistic of the drift window against training");
  private final FeatureGauges driftOutOfRange =
      new FeatureGauges(
          "model.drift.out.of.range.rows",
          "Rows in the drift window outside the training [min, max]");
  private final FeatureGauges driftUnseenLevel =
      new FeatureGauges(
          "model.drift.unseen.level.rows",
          "Rows in the drift window with a level not seen in training");
  private final FeatureGauges driftFlagged =
      new FeatureGauges(
          "model.drift.flagged",
          "1 when the feature's drift crosses the documented threshold, else 0");

  /**
   * One feature's drift measures, as the drift window reports them; a null value is left out (KS of
   * a categorical feature, unseen levels of a numeric one), and a feature without a PSI (no value
   * in the window yet) has no series at all.
   */
  public interface FeatureDrift {
    String name();

    @Nullable Double psi();

    @Nullable Double ksStatistic();

    @Nullable Long outOfRangeRows();

    @Nullable Long unseenLevelRows();

    boolean flagged();
  }

  public ApiMetrics() {
    this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  /** On {@code registry}, so that a test can watch it. */
  ApiMetrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    gcMetrics.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    Gauge.builder("api.startup", startupMillis, v -> v.get() < 0 ? Double.NaN : v.get() / 1000.0)
        .description("Seconds from JVM start to ready (model loaded and warmed up)")
        .baseUnit("seconds")
        .register(registry);
    inference =
        Timer.builder("model.inference")
            .description("Time the model takes to classify one row")
            .serviceLevelObjectives(INFERENCE_BUCKETS)
            .register(registry);
    // Pre-register the model event counters so they scrape as 0 before the first event.
    modelLoads("success");
    modelLoads("refused");
    Counter.builder("model.swaps")
        .description("Times a newly loaded version replaced the served one")
        .register(registry);
    predictionLogWritten =
        Counter.builder("model.prediction.log.written")
            .description("Lines written to the prediction log (PREDICTION_LOG_PATH)")
            .register(registry);
    predictionLogDropped =
        Counter.builder("model.prediction.log.dropped")
            .description("Prediction log lines dropped because its queue was full or it failed")
            .register(registry);
    driftRowsDropped =
        Counter.builder("model.drift.rows.dropped")
            .description("Served rows left out of the drift window because its queue was full")
            .register(registry);
    Gauge.builder("model.drift.window.rows", driftWindowRows, AtomicLong::get)
        .description("Served rows in the drift window (at most DRIFT_WINDOW)")
        .register(registry);
  }

  /** Counts prediction log lines written. */
  public void predictionLogWritten(int lines) {
    predictionLogWritten.increment(lines);
  }

  /** Counts prediction log lines dropped. */
  public void predictionLogDropped(int lines) {
    predictionLogDropped.increment(lines);
  }

  /** Counts served rows the drift window never saw. */
  public void driftRowDropped() {
    driftRowsDropped.increment();
  }

  /**
   * Replaces the drift gauges: {@code windowRows} rows in the window, and one series per feature in
   * {@code features} that has a PSI (none when there is no training profile to compare with).
   */
  public void drift(long windowRows, List<? extends FeatureDrift> features) {
    driftWindowRows.set(windowRows);
    var measured = features.stream().filter(f -> f.psi() != null).toList();
    driftPsi.set(measured, FeatureDrift::psi);
    driftKs.set(measured, FeatureDrift::ksStatistic);
    driftOutOfRange.set(measured, FeatureDrift::outOfRangeRows);
    driftUnseenLevel.set(measured, FeatureDrift::unseenLevelRows);
    driftFlagged.set(
        measured, f -> f.flagged() ? 1 : 0); // last: a flag never shows before its values
  }

  /**
   * One gauge family with a {@code feature} tag, each series registered once and then updated in
   * place, so a scrape never sees a series between its removal and its new registration.
   */
  private final class FeatureGauges {
    /** One feature's series: the value's bits, and the gauge that reads them. */
    private record Series(AtomicLong bits, Gauge gauge) {}

    private final String name;
    private final String description;
    private final Map<String, Series> series = new ConcurrentHashMap<>();

    FeatureGauges(String name, String description) {
      this.name = name;
      this.description = description;
    }

    /** The features' values, a null value leaving the feature out; the others' series go. */
    void set(
        List<? extends FeatureDrift> features, Function<FeatureDrift, @Nullable Number> value) {
      Set<String> present = new HashSet<>();
      for (FeatureDrift f : features) {
        Number v = value.apply(f);
        if (v == null) {
          continue;
        }
        present.add(f.name());
        series
            .computeIfAbsent(f.name(), this::register)
            .bits()
            .set(Double.doubleToRawLongBits(v.doubleValue()));
      }
      for (String feature : List.copyOf(series.keySet())) {
        if (!present.contains(feature)) {
          Series gone = series.remove(feature);
          if (gone != null) {
            registry.remove(gone.gauge());
          }
        }
      }
    }

    private Series register(String feature) {
      AtomicLong bits = new AtomicLong(Double.doubleToRawLongBits(Double.NaN));
      Gauge gauge =
          Gauge.builder(name, bits, b -> Double.longBitsToDouble(b.get()))
              .description(description)
              .tag("feature", feature)
              .strongReference(true)
              .register(registry);
      return new Series(bits, gauge);
    }
  }

  /** Records one HTTP request; {@code route} is the route template, or NOT_FOUND. */
  public void request(String method, String route, int status, long nanos) {
    requestTimers
        .computeIfAbsent(new RequestKey(method, route, status), this::requestTimer)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /** One series of {@code http.server.requests}. */
  private record RequestKey(String method, String route, int status) {}

  private Timer requestTimer(RequestKey key) {
    return Timer.builder("http.server.requests")
        .description("HTTP request latency by route and status")
        .tags(
            "method",
            key.method(),
            "uri",
            key.route(),
            "status",
            Integer.toString(key.status()),
            "outcome",
            outcome(key.status()))
        .serviceLevelObjectives(BUCKETS)
        .register(registry);
  }

  /**
   * Reports {@code active}, the number of requests being handled right now (a scrape counts
   * itself), as {@code http_server_requests_active}.
   */
  public void activeRequests(IntSupplier active) {
    Gauge.builder("http.server.requests.active", active, IntSupplier::getAsInt)
        .description("HTTP requests being handled now, the scrape that reports it included")
        .strongReference(true)
        .register(registry);
  }

  private static String outcome(int status) {
    return switch (status / 100) {
      case 0, 1 -> "INFORMATIONAL";
      case 2 -> "SUCCESS";
      case 3 -> "REDIRECTION";
      case 4 -> "CLIENT_ERROR";
      default -> "SERVER_ERROR";
    };
  }

  /**
   * Counts one warm-up request (the service's own traffic before ready), by status; these stay out
   * of {@code http_server_requests_seconds} and the model meters.
   */
  public void warmupRequest(int status) {
    Counter.builder("api.warmup.requests")
        .description("Requests the service sent itself before reporting ready, by status")
        .tag("status", Integer.toString(status))
        .register(registry)
        .increment();
  }

  /** Records the time the model itself took for one row (without HTTP, parsing and validation). */
  public void inference(long nanos) {
    inference.record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Counts one prediction. */
  public void prediction(String label, String modelVersion) {
    predictionCounters
        .computeIfAbsent(
            List.of(label, modelVersion),
            k ->
                Counter.builder("model.predictions")
                    .description("Predictions served, by predicted label and model version")
                    .tags("label", label, "model_version", modelVersion)
                    .register(registry))
        .increment();
  }

  /** Counts one input value outside the training range. */
  public void outOfRange(String field) {
    Counter.builder("model.input.out.of.range")
        .description("Input values outside the range seen in training, by field")
        .tag("field", field)
        .register(registry)
        .increment();
  }

  private Counter modelLoads(String outcome) {
    return Counter.builder("model.loads")
        .description("Model load attempts by outcome (success or refused)")
        .tag("outcome", outcome)
        .register(registry);
  }

  /** A version was loaded; {@code swapped} when it replaced a served one. */
  public void modelLoaded(String name, String version, String origin, boolean swapped) {
    modelLoads("success").increment();
    if (swapped) {
      registry.counter("model.swaps").increment();
    }
    serving(Tags.of("model_name", name, "model_version", version, "origin", origin));
  }

  /**
   * Makes {@code served} the one {@code model_info} series: registered once, and the previous one
   * removed only after it, so a scrape during a swap sees one or both versions, never none.
   */
  private synchronized void serving(Tags served) {
    Gauge previous = modelInfo;
    modelInfo =
        Gauge.builder("model.info", () -> 1)
            .description("1 for the model version being served, with its name, version and origin")
            .tags(served)
            .strongReference(true)
            .register(registry);
    if (previous != null && !previous.getId().equals(modelInfo.getId())) {
      registry.remove(previous);
    }
  }

  /** A version was refused with {@code code}. */
  public void modelRefused(String code) {
    modelLoads("refused").increment();
    Counter.builder("model.load.failures")
        .description("Model versions refused, by reason code")
        .tag("reason", code)
        .register(registry)
        .increment();
  }

  /** A registry poll failed (the served model is unchanged). */
  public void refreshError(String code) {
    Counter.builder("model.refresh.errors")
        .description("Registry polls that failed, by reason code")
        .tag("reason", code)
        .register(registry)
        .increment();
  }

  /** Records the time from JVM start to ready. */
  public void ready(Duration sinceJvmStart) {
    startupMillis.set(sinceJvmStart.toMillis());
  }

  /** The Prometheus text exposition. */
  public String scrape() {
    return registry.scrape();
  }

  /** The content type of {@link #scrape()}. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  @Override
  public void close() {
    gcMetrics.close();
    registry.close();
  }
}
