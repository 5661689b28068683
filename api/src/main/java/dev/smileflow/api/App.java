package dev.smileflow.api;

import dev.smileflow.api.http.ClassifyRoutes;
import dev.smileflow.api.http.Draining;
import dev.smileflow.api.http.ErrorMapping;
import dev.smileflow.api.http.InfoRoutes;
import dev.smileflow.api.http.OpenApiDocument;
import dev.smileflow.api.http.RequestObserver;
import dev.smileflow.api.http.Route;
import dev.smileflow.api.metrics.ApiMetrics;
import dev.smileflow.api.model.ModelHolder;
import io.javalin.Javalin;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.StatisticsHandler;

/** The routing function: builds the Javalin app (not started). Tests start it on port 0. */
public final class App {

  /**
   * Every route the service serves: the one table that routing, the {@code Allow} header of a 405
   * and the errors' {@code raisedOn} derive from; the OpenAPI document must describe exactly these.
   */
  public static final List<Route> ROUTES =
      List.of(
          new Route(HandlerType.POST, "/v1/classify", "ApiClassify"),
          new Route(HandlerType.POST, "/v1/classify/batch", "ApiClassifyBatch"),
          new Route(HandlerType.GET, "/v1/model", "ApiModel"),
          new Route(HandlerType.GET, "/health/live", "ApiHealth"),
          new Route(HandlerType.GET, "/health/ready", "ApiHealth"),
          new Route(HandlerType.GET, "/metrics", "ApiMetrics"),
          new Route(HandlerType.GET, "/openapi.json", "ApiDocs"),
          new Route(HandlerType.GET, "/docs", "ApiDocs"));

  private App() {}

  /**
   * The service's Javalin app for {@code config}, serving whatever {@code holder} holds; {@code
   * /health/ready} answers 503 once {@code draining} has begun. Jetty's own stop timeout stays 0:
   * {@link GracefulShutdown} waits for requests in flight itself, so it can say what it abandons.
   */
  public static Javalin create(
      ApiConfig config, ModelHolder holder, ApiMetrics metrics, Draining draining) {
    var classify =
        new ClassifyRoutes(
            holder, metrics, config.tag(), config.maxBatchRows(), config.flagOutOfRange());
    var info =
        new InfoRoutes(
            holder,
            draining,
            metrics,
            config.model(),
            config.tag(),
            new OpenApiDocument(config.maxBatchRows(), config.apiKey() != null));
    Map<String, Handler> handlers =
        Map.of(
            "POST /v1/classify", classify::classify,
            "POST /v1/classify/batch", classify::classifyBatch,
            "GET /v1/model", info::model,
            "GET /health/live", info::live,
            "GET /health/ready", info::ready,
            "GET /metrics", info::metrics,
            "GET /openapi.json", info::openApi,
            "GET /docs", info::docs);
    var observer = new RequestObserver(metrics, config.apiKey(), holder::ready);
    return Javalin.create(c -> {
      c.jetty.host = config.host();
      c.jetty.port = config.port();
      c.jetty.modifyServer(server -> metrics.activeRequests(statistics(server)::getRequestsActive));
      c.concurrency.useVirtualThreads = config.virtualThreads();
      c.http.maxRequestSize = config.maxBodyBytes();
      c.http.prefer405over404 = true;
      c.startup.showJavalinBanner = false;
      c.startup.showOldJavalinVersionWarning = false;
      c.requestLogger.http(observer::log);
      ErrorMapping.install(c, config.tag(), config.maxBodyBytes(), ROUTES);
      c.routes.before(observer::before);
      for (Route route : ROUTES) {
        c.routes.addHttpHandler(
            route.method(),
            route.path(),
            Objects.requireNonNull(handlers.get(route.key()), route.key()));
      }
    });
  }

  /** The request counts of {@code server}: the StatisticsHandler Javalin's default server has. */
  static StatisticsHandler statistics(Server server) {
    return Objects.requireNonNull(
        server.getDescendant(StatisticsHandler.class),
        "Javalin's default Jetty server no longer has a StatisticsHandler");
  }
}
