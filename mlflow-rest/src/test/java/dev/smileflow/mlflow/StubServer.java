package dev.smileflow.mlflow;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jspecify.annotations.Nullable;

/**
 * A scripted in-process HTTP server for unit-level edge cases (401, 429, 503, malformed JSON...).
 */
final class StubServer implements AutoCloseable {

  /** One scripted answer. */
  record Reply(
      int status, String contentType, String body, Map<String, String> headers, long delayMs) {
    static Reply json(int status, String body) {
      return new Reply(status, "application/json", body, Map.of(), 0);
    }

    static Reply text(int status, String body) {
      return new Reply(status, "text/plain", body, Map.of(), 0);
    }

    Reply withHeader(String name, String value) {
      return new Reply(status, contentType, body, Map.of(name, value), delayMs);
    }

    Reply delayed(long ms) {
      return new Reply(status, contentType, body, headers, ms);
    }
  }

  /** What the stub saw. */
  record Seen(
      String method, String path, String query, Map<String, List<String>> headers, String body) {
    @Nullable String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().getFirst())
          .findFirst()
          .orElse(null);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final ConcurrentLinkedQueue<Reply> script = new ConcurrentLinkedQueue<>();
  private final Map<String, Reply> byPath = new ConcurrentHashMap<>();
  final List<Seen> seen = new CopyOnWriteArrayList<>();

  StubServer(int port) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  StubServer() throws IOException {
    this(0);
  }

  StubServer then(Reply... replies) {
    script.addAll(List.of(replies));
    return this;
  }

  /**
   * Answers every request whose path ends with {@code pathSuffix} with {@code reply}, before the
   * script: for calls the client makes side by side, whose order of arrival is not fixed.
   */
  StubServer on(String pathSuffix, Reply reply) {
    byPath.put(pathSuffix, reply);
    return this;
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private void handle(HttpExchange ex) throws IOException {
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    seen.add(
        new Seen(
            ex.getRequestMethod(),
            ex.getRequestURI().getRawPath(),
            ex.getRequestURI().getRawQuery(),
            Map.copyOf(ex.getRequestHeaders()),
            body));
    String path = ex.getRequestURI().getRawPath();
    Reply r =
        byPath.entrySet().stream()
            .filter(e -> path.endsWith(e.getKey()))
            .map(Map.Entry::getValue)
            .findFirst()
            .orElseGet(script::poll);
    if (r == null) {
      r = Reply.json(200, "{}");
    }
    if (r.delayMs() > 0) {
      try {
        Thread.sleep(r.delayMs());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    byte[] bytes = r.body().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", r.contentType());
    r.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
    try {
      ex.sendResponseHeaders(r.status(), bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        ex.getResponseBody().write(bytes);
      }
    } catch (IOException clientGone) {
      // the client timed out and hung up
    }
    ex.close();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
