package dev.smileflow.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The real {@code api.jar} as its own process on a loopback port, with a small HTTP client. */
public final class ApiServer implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

  /** The api's own log line naming the port it bound (it is started with {@code PORT=0}). */
  public static final Pattern LISTENING = Pattern.compile("listening on [^\\s:\"]+:(\\d+)");

  private final JarProcess process;
  private final int port;

  private ApiServer(JarProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  /**
   * Starts {@code api.jar} with {@code env} on an ephemeral loopback port ({@code PORT=0}), reads
   * the port it bound from its {@code listening on} line, and waits until it is ready. Nothing
   * picks a free port first and binds it later, so no other process can take it in between.
   */
  static ApiServer startReady(Map<String, String> env, Path log)
      throws IOException, InterruptedException {
    ApiServer api = start(env, log);
    try {
      api.awaitReady();
      return api;
    } catch (RuntimeException | Error e) {
      api.close();
      throw e;
    }
  }

  /** Starts {@code api.jar} and waits only until it listens (not until a model is loaded). */
  static ApiServer start(Map<String, String> env, Path log)
      throws IOException, InterruptedException {
    Map<String, String> withPort = new HashMap<>(env);
    withPort.put("PORT", "0");
    withPort.put("HOST", "127.0.0.1");
    // the test stops it when done and nothing routes traffic to it: no drain delay unless asked
    withPort.putIfAbsent("SHUTDOWN_DRAIN_SECONDS", "0");
    JarProcess process = JarProcess.start(JarProcess.jar("api.jar"), withPort, log);
    try {
      return new ApiServer(process, awaitBoundPort(process));
    } catch (RuntimeException | Error e) {
      process.close();
      throw e;
    }
  }

  /** The port from the api's {@code listening on HOST:PORT} log line, once it is written. */
  private static int awaitBoundPort(JarProcess process) throws InterruptedException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      Matcher m = LISTENING.matcher(process.output());
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
      if (!process.isAlive()) {
        fail("the api exited before it listened:\n" + process.output());
      }
      Thread.sleep(20);
    }
    return fail("the api did not listen within " + READY_TIMEOUT + ":\n" + process.output());
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

  @Override
  public void close() {
    process.close();
  }
}
