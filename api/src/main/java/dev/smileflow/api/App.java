package dev.smileflow.api;

import dev.smileflow.api.http.ClassifyRoutes;
import dev.smileflow.api.http.ErrorMapping;
import dev.smileflow.api.http.InfoRoutes;
import dev.smileflow.api.http.RequestObserver;
import dev.smileflow.api.metrics.ApiMetrics;
import dev.smileflow.api.model.ModelHolder;
import io.javalin.Javalin;
import java.util.List;

/** The routing function: builds the Javalin app (not started). Tests start it on port 0. */
public final class App {

  /** Every route the service serves; the OpenAPI document must describe exactly these. */
  public static final List<String> ROUTES =
      List.of(
          "POST /v1/classify",
          "POST /v1/classify/batch",
          "GET /v1/model",
          "GET /health/live",
          "GET /health/ready",
          "GET /metrics",
          "GET /openapi.json",
          "GET /docs");

  /** How long a stopping server waits for in-flight requests (below Cloud Run's 10 s). */
  static final long STOP_TIMEOUT_MS = 8_000;

  private App() {}

  /** The service's Javalin app for {@code config}, serving whatever {@code holder} holds. */
  public static Javalin create(ApiConfig config, ModelHolder holder, ApiMetrics metrics) {
    var classify =
        new ClassifyRoutes(
            holder, metrics, config.tag(), config.maxBatchRows(), config.flagOutOfRange());
    var info = new InfoRoutes(holder, metrics, config.model(), config.tag());
    var observer = new RequestObserver(metrics, config.apiKey(), holder::ready);
    return Javalin.create(c -> {
      c.jetty.host = config.host();
      c.jetty.port = config.port();
      c.jetty.modifyServer(server -> server.setStopTimeout(STOP_TIMEOUT_MS));
      c.concurrency.useVirtualThreads = config.virtualThreads();
      c.http.maxRequestSize = config.maxBodyBytes();
      c.http.prefer405over404 = true;
      c.startup.showJavalinBanner = false;
      c.startup.showOldJavalinVersionWarning = false;
      c.requestLogger.http(observer::log);
      ErrorMapping.install(c, config.tag(), config.maxBodyBytes());
      c.routes.before(observer::before);
      c.routes.post("/v1/classify", classify::classify);
      c.routes.post("/v1/classify/batch", classify::classifyBatch);
      c.routes.get("/v1/model", info::model);
      c.routes.get("/health/live", info::live);
      c.routes.get("/health/ready", info::ready);
      c.routes.get("/metrics", info::metrics);
      c.routes.get("/openapi.json", info::openApi);
      c.routes.get("/docs", info::docs);
    });
  }
}
