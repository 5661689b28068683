package dev.smileflow.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A forwarding proxy in front of a real MLflow server that, once {@linkplain #holdDownloads() told
 * to}, holds every request to the artifact proxy unanswered until it is closed: a model download
 * that is provably under way, for as long as a test needs it to be.
 */
final class HoldingProxy implements AutoCloseable {
  private static final String ARTIFACTS = "/api/2.0/mlflow-artifacts/";

  /** Headers the JDK client sets itself or refuses to forward. */
  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "content-length",
          "expect",
          "host",
          "upgrade",
          "keep-alive",
          "transfer-encoding",
          "date");

  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final URI target;
  private final CountDownLatch released = new CountDownLatch(1);
  private final AtomicInteger held = new AtomicInteger();
  private volatile boolean holding;

  HoldingProxy(URI target) throws IOException {
    this.target = target;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** From now on, artifact requests wait, unanswered, until {@link #close()}. */
  void holdDownloads() {
    holding = true;
  }

  /** How many artifact requests are being held. */
  int held() {
    return held.get();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      if (holding && ex.getRequestURI().getPath().startsWith(ARTIFACTS)) {
        held.incrementAndGet();
        released.await();
        ex.sendResponseHeaders(503, -1);
        return;
      }
      forward(ex);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void forward(HttpExchange ex) throws IOException, InterruptedException {
    byte[] body = ex.getRequestBody().readAllBytes();
    var request =
        HttpRequest.newBuilder(target.resolve(ex.getRequestURI().toString()))
            .method(
                ex.getRequestMethod(),
                body.length == 0
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    for (Map.Entry<String, List<String>> h : ex.getRequestHeaders().entrySet()) {
      if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(Locale.ROOT))) {
        h.getValue().forEach(v -> request.header(h.getKey(), v));
      }
    }
    HttpResponse<InputStream> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    response
        .headers()
        .map()
        .forEach((name, values) -> {
          if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
            ex.getResponseHeaders().put(name, values);
          }
        });
    try (InputStream in = response.body()) {
      byte[] bytes = in.readAllBytes();
      ex.sendResponseHeaders(response.statusCode(), bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }

  @Override
  public void close() {
    released.countDown();
    server.stop(0);
    executor.shutdownNow();
    http.close();
  }
}
