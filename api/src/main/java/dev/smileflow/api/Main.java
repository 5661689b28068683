package dev.smileflow.api;

import dev.smileflow.api.http.Draining;
import dev.smileflow.api.http.Warmup;
import dev.smileflow.api.logging.LogSetup;
import dev.smileflow.api.metrics.ApiMetrics;
import dev.smileflow.api.model.MlflowRegistry;
import dev.smileflow.api.model.ModelFetcher;
import dev.smileflow.api.model.ModelHolder;
import dev.smileflow.api.model.ModelRefresher;
import dev.smileflow.api.model.ModelRegistry;
import dev.smileflow.api.model.ModelStartup;
import dev.smileflow.api.model.ServedModel;
import dev.smileflow.api.model.StartupFailedException;
import dev.smileflow.api.monitor.ServingMonitor;
import dev.smileflow.mlflow.MlflowConfig;
import io.javalin.Javalin;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar api.jar}: reads the configuration once, starts the HTTP server (live at once,
 * ready only with a model), loads the model, then follows the registry. Exit codes: 2 invalid
 * configuration, 3 no model could be loaded at start, 1 anything else.
 */
public final class Main {
  static final int EXIT_CONFIG = 2;
  static final int EXIT_NO_MODEL = 3;

  /** Concurrent warm-up connections: enough to keep both the selector and the handlers busy. */
  private static final int WARMUP_CONNECTIONS = 4;

  private Main() {}

  public static void main(String[] args) {
    ApiConfig config;
    try {
      config = ApiConfig.fromEnv(System.getenv());
    } catch (InvalidConfigException e) {
      System.err.println("api: " + e.getMessage());
      System.exit(EXIT_CONFIG);
      return;
    }
    // Before the first logger exists: LogSetup reads these.
    if (config.logFormat() == ApiConfig.LogFormat.TEXT) {
      System.setProperty(LogSetup.FORMAT, "text");
    }
    System.setProperty(LogSetup.LEVEL, config.logLevel().toUpperCase(Locale.ROOT));
    Logger log = LoggerFactory.getLogger(Main.class);
    try {
      int code = run(config, log);
      if (code != 0) {
        System.exit(code);
      }
    } catch (RuntimeException e) {
      log.error("api failed to start", e);
      System.exit(1);
    }
  }

  /**
   * Starts everything; returns 0 once ready (the server keeps the JVM alive), or the exit code when
   * start-up fails.
   */
  private static int run(ApiConfig config, Logger log) {
    log.info("starting api {} with {}", config.tag(), config);
    var metrics = new ApiMetrics();
    var holder = new ModelHolder(metrics, Clock.systemUTC());
    MlflowConfig mlflow = config.mlflow(); // set exactly when the model comes from the registry
    ModelRegistry registry = mlflow == null ? null : MlflowRegistry.create(mlflow);
    var fetcher = new ModelFetcher(config.model(), registry, config.cacheDir(), Clock.systemUTC());
    var refresher = new ModelRefresher(fetcher, holder, metrics, config.warmup());
    var draining = new Draining();
    var monitor =
        ServingMonitor.start(
            config.predictionLogPath(),
            config.predictionLogSample(),
            config.driftWindow(),
            metrics);
    // The model is fetched while the HTTP server starts: one waits on MLflow, the other mostly on
    // class loading, so a fresh instance is ready sooner than if they ran one after the other.
    var loading =
        new FutureTask<>(new ModelStartup(fetcher, config.startupRetry(), Thread::sleep)::load);
    Thread.ofPlatform().daemon().name("model-startup").start(loading);
    Javalin app = App.create(config, holder, metrics, draining, monitor);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                new GracefulShutdown(app, draining, refresher, monitor, config.shutdown()),
                "shutdown"));
    app.start();
    log.info("listening on {}:{}; not ready until the model is loaded", config.host(), app.port());
    ServedModel loaded;
    try {
      loaded = loading.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StartupFailedException failed) {
        log.error("refusing to start ({}): {}", failed.code(), failed.getMessage());
        return EXIT_NO_MODEL;
      }
      throw e.getCause() instanceof RuntimeException r
          ? r
          : new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the model loaded", e);
    }
    warmUp(config, holder, loaded, app.port(), log);
    holder.swap(loaded);
    Duration sinceJvmStart = Duration.ofMillis(ManagementFactory.getRuntimeMXBean().getUptime());
    metrics.ready(sinceJvmStart);
    log.info(
        "ready: serving {} version {} ({}) on port {}, {} ms after JVM start",
        loaded.name(),
        loaded.version(),
        loaded.origin().name().toLowerCase(Locale.ROOT),
        app.port(),
        sinceJvmStart.toMillis());
    refresher.start(config.refreshInterval());
    return 0;
  }

  /**
   * Serves {@code model} to the service's own traffic over the real port (still not ready) until
   * the warm-up budget is spent, so the first clients meet compiled code.
   */
  private static void warmUp(
      ApiConfig config, ModelHolder holder, ServedModel model, int port, Logger log) {
    if (!config.warmup().enabled()) {
      log.info("warm-up off");
      return;
    }
    holder.stage(model);
    var warmup =
        new Warmup(
            config.host(),
            port,
            model.model().inputExample(),
            config.apiKey(),
            config.maxBatchRows());
    Warmup.Result r = warmup.run(config.warmup(), WARMUP_CONNECTIONS);
    log.info(
        "warm-up: {} requests over {} connections in {} ms ({} failed)",
        r.requests(),
        WARMUP_CONNECTIONS,
        r.took().toMillis(),
        r.failures());
  }
}
