package dev.smileflow.api;

import dev.smileflow.api.model.ModelSource;
import dev.smileflow.api.model.WarmupBudget;
import dev.smileflow.mlflow.MlflowConfig;
import dev.smileflow.mlflow.ModelUri;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Everything the service is configured with, read once from the environment by {@link #fromEnv}.
 *
 * @param model where the model comes from
 * @param mlflow the MLflow client configuration (from {@code MLFLOW_*}); null for a local model
 *     directory
 * @param host the interface to listen on ({@code 0.0.0.0} unless {@code HOST} says otherwise)
 * @param port {@code PORT}, 0 for an ephemeral port
 * @param tag the release shown as {@code version} in every response ({@code TAG})
 * @param logLevel {@code LOG_LEVEL}
 * @param logFormat {@code LOG_FORMAT}
 * @param refreshInterval {@code MODEL_REFRESH_SECONDS}; zero turns polling off
 * @param cacheDir {@code MODEL_CACHE_DIR}: where the last-known-good model is kept, or null for
 *     none
 * @param startupRetry {@code MODEL_STARTUP_RETRY_SECONDS}: how long start-up retries an unreachable
 *     registry
 * @param maxBatchRows {@code MAX_BATCH_ROWS}
 * @param maxBodyBytes {@code MAX_BODY_BYTES}
 * @param apiKey {@code API_KEY}: when set, {@code /v1/*} needs it in {@code X-API-Key}; null = off
 * @param flagOutOfRange {@code FLAG_OUT_OF_RANGE}: mark inputs outside the training range
 * @param virtualThreads {@code HTTP_THREADS=virtual} (default) or {@code platform}
 * @param warmup {@code WARMUP_SECONDS} and {@code WARMUP_REQUESTS}: the self-traffic a model is
 *     served before the service reports ready (and before a new version is swapped in)
 * @param shutdown {@code SHUTDOWN_DRAIN_SECONDS} and {@code SHUTDOWN_TIMEOUT_SECONDS}: how long a
 *     SIGTERM keeps serving while reporting not ready, then how long in-flight requests get
 * @param predictionLogPath {@code PREDICTION_LOG_PATH}: the file every served row is appended to as
 *     a JSON line, {@code -} for standard output, or null for no prediction log
 * @param predictionLogSample {@code PREDICTION_LOG_SAMPLE}: the fraction of served rows logged
 * @param driftWindow {@code DRIFT_WINDOW}: how many of the latest served rows drift is measured on
 */
public record ApiConfig(
    ModelSource model,
    @Nullable MlflowConfig mlflow,
    String host,
    int port,
    String tag,
    String logLevel,
    LogFormat logFormat,
    Duration refreshInterval,
    @Nullable Path cacheDir,
    Duration startupRetry,
    int maxBatchRows,
    long maxBodyBytes,
    @Nullable String apiKey,
    boolean flagOutOfRange,
    boolean virtualThreads,
    WarmupBudget warmup,
    ShutdownBudget shutdown,
    @Nullable String predictionLogPath,
    double predictionLogSample,
    int driftWindow) {

  /** How log lines are written. */
  public enum LogFormat {
    JSON,
    TEXT
  }

  public ApiConfig {
    Objects.requireNonNull(model, "model");
    if (model instanceof ModelSource.Registered && mlflow == null) {
      throw new IllegalArgumentException("a registered model needs an MLflow configuration");
    }
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(tag, "tag");
    Objects.requireNonNull(logLevel, "logLevel");
    Objects.requireNonNull(logFormat, "logFormat");
    Objects.requireNonNull(warmup, "warmup");
    Objects.requireNonNull(shutdown, "shutdown");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    if (refreshInterval.isNegative() || startupRetry.isNegative()) {
      throw new IllegalArgumentException("negative duration");
    }
    if (maxBatchRows < 1 || maxBodyBytes < 1) {
      throw new IllegalArgumentException("limits must be positive");
    }
    if (!(predictionLogSample > 0 && predictionLogSample <= 1)) {
      throw new IllegalArgumentException("predictionLogSample must be in (0, 1]");
    }
    if (driftWindow < MIN_DRIFT_WINDOW || driftWindow > MAX_DRIFT_WINDOW) {
      throw new IllegalArgumentException("driftWindow out of range: " + driftWindow);
    }
  }

  static final int MIN_DRIFT_WINDOW = 10;
  static final int MAX_DRIFT_WINDOW = 100_000;

  /** Never prints secrets: credentials and the API key are masked. */
  @Override
  public String toString() {
    return ("ApiConfig[model=%s, mlflow=%s, host=%s, port=%s, tag=%s, logLevel=%s, logFormat=%s,"
            + " refreshInterval=%s, cacheDir=%s, startupRetry=%s, maxBatchRows=%s,"
            + " maxBodyBytes=%s, apiKey=%s, flagOutOfRange=%s, virtualThreads=%s,"
            + " warmup=%s ms/%s requests, shutdown=%s ms drain/%s ms timeout, predictionLog=%s,"
            + " driftWindow=%s]")
        .formatted(
            model.uri(),
            mlflow,
            host,
            port,
            tag,
            logLevel,
            logFormat,
            refreshInterval,
            cacheDir,
            startupRetry,
            maxBatchRows,
            maxBodyBytes,
            apiKey == null ? "off" : "***",
            flagOutOfRange,
            virtualThreads,
            warmup.time().toMillis(),
            warmup.requests(),
            shutdown.drain().toMillis(),
            shutdown.timeout().toMillis(),
            predictionLogPath == null
                ? "off"
                : predictionLogPath + " (sample " + predictionLogSample + ")",
            driftWindow);
  }

  /**
   * Reads the configuration from environment variables, checking every value.
   *
   * @throws InvalidConfigException listing every problem found, one per line
   */
  public static ApiConfig fromEnv(Map<String, String> env) {
    var reader = new Reader(env);
    ModelSource model = reader.model();
    String host = reader.string("HOST", "0.0.0.0");
    int port = (int) reader.number("PORT", 8080, 0, 65535);
    String tag = reader.string("TAG", "dev");
    String level = reader.string("LOG_LEVEL", "INFO").toUpperCase(Locale.ROOT);
    if (!List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR").contains(level)) {
      reader.problem(
          "LOG_LEVEL: must be one of TRACE, DEBUG, INFO, WARN, ERROR, got '" + level + "'");
    }
    LogFormat format = reader.choice("LOG_FORMAT", LogFormat.JSON, LogFormat.class);
    long refresh = reader.number("MODEL_REFRESH_SECONDS", 30, 0, 86_400);
    long retry = reader.number("MODEL_STARTUP_RETRY_SECONDS", 60, 0, 3_600);
    Path cacheDir = reader.cacheDir();
    int maxRows = (int) reader.number("MAX_BATCH_ROWS", 100, 1, 100_000);
    long maxBody = reader.number("MAX_BODY_BYTES", 262_144, 64, 64L * 1024 * 1024);
    String apiKey = env.get("API_KEY");
    if (apiKey != null && apiKey.isEmpty()) {
      apiKey = null;
    } else if (apiKey != null && apiKey.length() < 16) {
      reader.problem("API_KEY: must be at least 16 characters when set");
    }
    boolean flag = reader.bool("FLAG_OUT_OF_RANGE", false);
    String threads = reader.string("HTTP_THREADS", "virtual").toLowerCase(Locale.ROOT);
    if (!threads.equals("virtual") && !threads.equals("platform")) {
      reader.problem("HTTP_THREADS: must be virtual or platform, got '" + threads + "'");
    }
    Duration warmupTime = reader.seconds("WARMUP_SECONDS", Duration.ofMillis(600), 60);
    int warmupRequests = (int) reader.number("WARMUP_REQUESTS", 20_000, 0, 1_000_000);
    Duration drain = reader.seconds("SHUTDOWN_DRAIN_SECONDS", Duration.ofSeconds(2), 60);
    // With the default drain, 8 s from SIGTERM to exit: inside the 10 s Cloud Run and compose give
    // before SIGKILL.
    Duration stopTimeout = reader.seconds("SHUTDOWN_TIMEOUT_SECONDS", Duration.ofSeconds(6), 60);
    String logPath = reader.predictionLogPath();
    double sample = reader.fraction("PREDICTION_LOG_SAMPLE", 1.0);
    if (logPath == null && reader.get("PREDICTION_LOG_SAMPLE") != null) {
      reader.problem("PREDICTION_LOG_SAMPLE: needs PREDICTION_LOG_PATH (a file, or - for stdout)");
    }
    int driftWindow = (int) reader.number("DRIFT_WINDOW", 1000, MIN_DRIFT_WINDOW, MAX_DRIFT_WINDOW);
    MlflowConfig mlflow = reader.mlflow(model);
    if (!reader.problems.isEmpty()) {
      throw new InvalidConfigException(reader.problems);
    }
    return new ApiConfig(
        Objects.requireNonNull(model),
        mlflow,
        host,
        port,
        tag,
        level,
        format,
        Duration.ofSeconds(refresh),
        cacheDir,
        Duration.ofSeconds(retry),
        maxRows,
        maxBody,
        apiKey,
        flag,
        threads.equals("virtual"),
        new WarmupBudget(warmupTime, warmupRequests),
        new ShutdownBudget(drain, stopTimeout),
        logPath,
        sample,
        driftWindow);
  }

  /** Collects every problem instead of stopping at the first. */
  private static final class Reader {
    private final Map<String, String> env;
    private final List<String> problems = new ArrayList<>();

    Reader(Map<String, String> env) {
      this.env = env;
    }

    void problem(String p) {
      problems.add(p);
    }

    @Nullable String get(String key) {
      String v = env.get(key);
      return v == null || v.isBlank() ? null : v.strip();
    }

    String string(String key, String fallback) {
      return Objects.requireNonNullElse(get(key), fallback);
    }

    long number(String key, long fallback, long min, long max) {
      String v = get(key);
      if (v == null) {
        return fallback;
      }
      try {
        long n = Long.parseLong(v);
        if (n < min || n > max) {
          problem(key + ": must be between " + min + " and " + max + ", got " + n);
          return fallback;
        }
        return n;
      } catch (NumberFormatException e) {
        problem(key + ": not a whole number: '" + v + "'");
        return fallback;
      }
    }

    /** A duration in seconds, decimals allowed ({@code 1.5}), from 0 to {@code maxSeconds}. */
    Duration seconds(String key, Duration fallback, long maxSeconds) {
      String v = get(key);
      if (v == null) {
        return fallback;
      }
      try {
        var s = new BigDecimal(v);
        if (s.signum() < 0 || s.compareTo(BigDecimal.valueOf(maxSeconds)) > 0) {
          problem(key + ": must be between 0 and " + maxSeconds + " seconds, got " + v);
          return fallback;
        }
        return Duration.ofMillis(s.movePointRight(3).longValue());
      } catch (NumberFormatException e) {
        problem(key + ": not a number of seconds: '" + v + "'");
        return fallback;
      }
    }

    boolean bool(String key, boolean fallback) {
      String v = get(key);
      if (v == null) {
        return fallback;
      }
      return switch (v.toLowerCase(Locale.ROOT)) {
        case "true", "1", "yes" -> true;
        case "false", "0", "no" -> false;
        default -> {
          problem(key + ": must be true or false, got '" + v + "'");
          yield fallback;
        }
      };
    }

    <E extends Enum<E>> E choice(String key, E fallback, Class<E> type) {
      String v = get(key);
      if (v == null) {
        return fallback;
      }
      try {
        return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        problem(
            key
                + ": must be one of "
                + Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT)
                + ", got '"
                + v
                + "'");
        return fallback;
      }
    }

    @Nullable ModelSource model() {
      String uri = get("MODEL_URI");
      String name = get("MODEL_NAME");
      String alias = get("MODEL_ALIAS");
      String stage = get("MODEL_STAGE");
      if (uri != null) {
        if (name != null || alias != null || stage != null) {
          problem(
              "MODEL_URI: cannot be combined with MODEL_NAME, MODEL_ALIAS or MODEL_STAGE (the URI names the model)");
        }
        try {
          ModelSource source = ModelSource.parse(uri);
          if (source instanceof ModelSource.LocalDirectory(Path dir) && !Files.isDirectory(dir)) {
            problem("MODEL_URI: local model directory does not exist: " + dir);
          }
          return source;
        } catch (IllegalArgumentException e) {
          problem("MODEL_URI: " + e.getMessage());
          return null;
        }
      }
      if (alias != null && stage != null) {
        problem("MODEL_ALIAS and MODEL_STAGE: set only one of them");
      }
      String model = name == null ? "iris-classifier" : name;
      try {
        return new ModelSource.Registered(
            stage != null
                ? new ModelUri.Stage(model, stage)
                : new ModelUri.Alias(model, alias == null ? "production" : alias));
      } catch (IllegalArgumentException e) {
        // any non-blank name is valid (get() drops blank values): the stage or alias is at fault
        problem((stage != null ? "MODEL_STAGE" : "MODEL_ALIAS") + ": " + e.getMessage());
        return null;
      }
    }

    /** A fraction in (0, 1], e.g. {@code 0.1}. */
    double fraction(String key, double fallback) {
      String v = get(key);
      if (v == null) {
        return fallback;
      }
      try {
        double f = Double.parseDouble(v);
        if (!(f > 0 && f <= 1)) {
          problem(key + ": must be a fraction above 0 and at most 1, got " + v);
          return fallback;
        }
        return f;
      } catch (NumberFormatException e) {
        problem(key + ": not a number: '" + v + "'");
        return fallback;
      }
    }

    /** {@code -} (standard output) or a file whose directory exists; null when unset. */
    @Nullable String predictionLogPath() {
      String v = get("PREDICTION_LOG_PATH");
      if (v == null || v.equals("-")) {
        return v;
      }
      Path p = Path.of(v).toAbsolutePath().normalize();
      if (Files.isDirectory(p)) {
        problem("PREDICTION_LOG_PATH: is a directory, not a file: " + p);
      } else if (p.getParent() == null || !Files.isDirectory(p.getParent())) {
        problem("PREDICTION_LOG_PATH: the directory of " + p + " does not exist");
      } else if (Files.exists(p) ? !Files.isWritable(p) : !Files.isWritable(p.getParent())) {
        problem("PREDICTION_LOG_PATH: cannot write " + p);
      }
      return p.toString();
    }

    @Nullable Path cacheDir() {
      String v = get("MODEL_CACHE_DIR");
      if (v == null) {
        return null;
      }
      Path p = Path.of(v).toAbsolutePath().normalize();
      if (Files.exists(p) && !Files.isDirectory(p)) {
        problem("MODEL_CACHE_DIR: not a directory: " + p);
      }
      return p;
    }

    /**
     * The MLflow client settings, checked by the client's own parser. Unless set explicitly, the
     * api uses one quick retry and a 30 s timeout per call: start-up and the poller do their own
     * backoff.
     */
    @Nullable MlflowConfig mlflow(@Nullable ModelSource model) {
      if (!(model instanceof ModelSource.Registered)) {
        return null;
      }
      if (get("MLFLOW_TRACKING_URI") == null) {
        problem(
            "MLFLOW_TRACKING_URI: required when the model comes from the registry (or set MODEL_URI to a local directory)");
        return null;
      }
      try {
        MlflowConfig config = MlflowConfig.fromEnv(env);
        if (get("MLFLOW_HTTP_REQUEST_MAX_RETRIES") == null
            && get("MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR") == null) {
          config = config.withRetries(1, Duration.ofMillis(250));
        }
        if (get("MLFLOW_HTTP_REQUEST_TIMEOUT") == null) {
          config = config.withRequestTimeout(Duration.ofSeconds(30));
        }
        return config;
      } catch (IllegalArgumentException e) {
        problem(Objects.requireNonNullElse(e.getMessage(), e.toString()));
        return null;
      }
    }
  }
}
