package dev.smileflow.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** The real {@code api.jar} as its own process on a loopback port, with a small HTTP client. */
final class ApiServer implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

  private final JarProcess process;
  private final int port;

  private ApiServer(JarProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts {@code api.jar} with {@code env} plus {@code PORT}, and waits until it is ready. */
  static ApiServer startReady(Map<String, String> env, Path log)
      throws IOException, InterruptedException {
    int port = freePort();
    Map<String, String> withPort = new HashMap<>(env);
    withPort.put("PORT", Integer.toString(port));
    ApiServer api = new ApiServer(JarProcess.start(JarProcess.jar("api.jar"), withPort, log), port);
    try {
      api.awaitReady();
      return api;
    } catch (RuntimeException | Error e) {
      api.close();
      throw e;
    }
  }

  JarProcess process() {
    return process;
  }

  int port() {
    return port;
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> postJson(String path, String body) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private void awaitReady() throws InterruptedException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        fail("the api exited before it was ready:\n" + process.output());
      }
      try {
        if (get("/health/ready").statusCode() == 200) {
          return;
        }
      } catch (IOException notListeningYet) {
        // keep polling
      }
      Thread.sleep(250);
    }
    fail("the api was not ready within " + READY_TIMEOUT + ":\n" + process.output());
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    process.close();
  }
}
