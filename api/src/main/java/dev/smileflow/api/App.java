package dev.smileflow.api;

import dev.smileflow.api.http.ApiKeyAuth;
import dev.smileflow.api.http.ClassifyRoutes;
import dev.smileflow.api.http.Draining;
import dev.smileflow.api.http.ErrorMapping;
import dev.smileflow.api.http.InfoRoutes;
import dev.smileflow.api.http.JsonBodies;
import dev.smileflow.api.http.OpenApiDocument;
import dev.smileflow.api.http.RequestObserver;
import dev.smileflow.api.http.Route;
import dev.smileflow.api.metrics.ApiMetrics;
import dev.smileflow.api.model.ModelHolder;
import dev.smileflow.api.monitor.ServingMonitor;
import io.javalin.Javalin;
import io.javalin.http.HandlerType;
import java.util.List;
import java.util.Objects;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.StatisticsHandler;

/** The routing function: builds the Javalin app (not started). Tests start it on port 0. */
public final class App {

  private static final int RESPONSE_COPY_BYTES = 1024;

  private App() {}

  /**
   * Every route the service serves, with its handler: the one table that routing, the {@code Allow}
   * header of a 405 and the errors' {@code raisedOn} derive from; the OpenAPI document must
   * describe exactly these.
   */
  static List<Route> routes(ClassifyRoutes classify, InfoRoutes info) {
    return List.of(
        new Route(HandlerType.POST, "/v1/classify", "ApiClassify", classify::classify),
        new Route(
            HandlerType.POST, "/v1/classify/batch", "ApiClassifyBatch", classify::classifyBatch),
        new Route(HandlerType.GET, "/v1/model", "ApiModel", info::model),
        new Route(HandlerType.GET, "/health/live", "ApiHealth", info::live),
        new Route(HandlerType.GET, "/health/ready", "ApiHealth", info::ready),
        new Route(HandlerType.GET, "/metrics", "ApiMetrics", info::metrics),
        new Route(HandlerType.GET, "/openapi.json", "ApiDocs", info::openApi),
        new Route(HandlerType.GET, "/docs", "ApiDocs", info::docs));
  }

  /**
   * The service's Javalin app for {@code config}, serving whatever {@code holder} holds; {@code
   * /health/ready} answers 503 once {@code draining} has begun; every row served to a client goes
   * to {@code monitor}. Jetty's own stop timeout stays 0: {@link GracefulShutdown} waits for
   * requests in flight itself, so it can say what it abandons.
   */
  public static Javalin create(
      ApiConfig config,
      ModelHolder holder,
      ApiMetrics metrics,
      Draining draining,
      ServingMonitor monitor) {
    var classify =
        new ClassifyRoutes(
            holder,
            metrics,
            config.tag(),
            config.maxBatchRows(),
            config.maxBodyBytes(),
            config.flagOutOfRange(),
            monitor);
    var openApi = new OpenApiDocument(config.maxBatchRows(), config.apiKey() != null);
    var info =
        new InfoRoutes(holder, draining, metrics, config.model(), config.tag(), openApi, monitor);
    List<Route> routes = routes(classify, info);
    openApi.requireDescribes(routes);
    var observer = new RequestObserver(metrics, holder::ready);
    String apiKey = config.apiKey();
    return Javalin.create(c -> {
      c.jetty.host = config.host();
      c.jetty.port = config.port();
      c.jetty.modifyServer(server -> metrics.activeRequests(statistics(server)::getRequestsActive));
      c.concurrency.useVirtualThreads = config.virtualThreads();
      c.http.maxRequestSize = config.maxBodyBytes();
      // Javalin copies every response into Jetty through a new buffer of this size, by default
      // Jetty's 32 KiB output buffer: most of what a classify request allocated. Answers are a few
      // hundred bytes; larger ones (batches, /metrics) are copied in more steps.
      c.http.responseBufferSize = RESPONSE_COPY_BYTES;
      c.http.prefer405over404 = true;
      c.startup.showJavalinBanner = false;
      c.startup.showOldJavalinVersionWarning = false;
      c.jsonMapper(JsonBodies.responses(config.virtualThreads()));
      c.requestLogger.http(observer::log);
      new ErrorMapping(config.tag(), config.maxBodyBytes(), routes).install(c);
      c.routes.before(observer::before);
      if (apiKey != null) {
        c.routes.before(new ApiKeyAuth(apiKey));
      }
      routes.forEach(r -> c.routes.addHttpHandler(r.method(), r.path(), r.handler()));
    });
  }

  /** The request counts of {@code server}: the StatisticsHandler Javalin's default server has. */
  static StatisticsHandler statistics(Server server) {
    return Objects.requireNonNull(
        server.getDescendant(StatisticsHandler.class),
        "Javalin's default Jetty server no longer has a StatisticsHandler");
  }
}
