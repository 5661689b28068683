package dev.smileflow.mlflow;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A forwarding proxy in front of a real MLflow that, for chosen paths, lets the request reach
 * MLflow and then answers 503 instead of MLflow's response: the "response lost after the server
 * acted" case that must not duplicate data.
 */
final class LosingProxy implements AutoCloseable {

  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final URI target;
  private final Map<String, AtomicInteger> toLose = new ConcurrentHashMap<>();
  final Map<String, AtomicInteger> forwarded = new ConcurrentHashMap<>();

  /** The {@code Authorization} header values forwarded, in order ("" when a request had none). */
  final List<String> authorizations = new CopyOnWriteArrayList<>();

  LosingProxy(URI target) throws IOException {
    this.target = target;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** Loses the next {@code times} responses of {@code path}. */
  LosingProxy lose(String path, int times) {
    toLose.put(path, new AtomicInteger(times));
    return this;
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  int forwardedCount(String path) {
    return forwarded.getOrDefault(path, new AtomicInteger()).get();
  }

  private void handle(HttpExchange ex) throws IOException {
    byte[] body = ex.getRequestBody().readAllBytes();
    String path = ex.getRequestURI().getRawPath();
    String query = ex.getRequestURI().getRawQuery();
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(target + path + (query == null ? "" : "?" + query)))
            .method(
                ex.getRequestMethod(),
                body.length == 0
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    String ct = ex.getRequestHeaders().getFirst("Content-Type");
    if (ct != null) {
      b.header("Content-Type", ct);
    }
    String authorization = ex.getRequestHeaders().getFirst("Authorization");
    authorizations.add(authorization == null ? "" : authorization);
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    HttpResponse<byte[]> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    forwarded.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
    AtomicInteger lose = toLose.get(path);
    if (lose != null && lose.getAndDecrement() > 0) {
      byte[] msg = "upstream response lost".getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "text/plain");
      ex.sendResponseHeaders(503, msg.length);
      ex.getResponseBody().write(msg);
      ex.close();
      return;
    }
    r.headers()
        .firstValue("Content-Type")
        .ifPresent(v -> ex.getResponseHeaders().add("Content-Type", v));
    ex.sendResponseHeaders(r.statusCode(), r.body().length == 0 ? -1 : r.body().length);
    if (r.body().length > 0) {
      ex.getResponseBody().write(r.body());
    }
    ex.close();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    http.close();
  }
}
