package dev.smileflow.api;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code java -jar target/api.jar} as its own process, with the test's environment only (none of
 * this JVM's MLflow or model settings) and its combined output in a file. It listens on an
 * ephemeral loopback port ({@code PORT=0} unless the test sets one) and {@link #port()} is read
 * back from its {@code listening on HOST:PORT} line: nothing picks a free port first and binds it
 * later, so no other process can take it in between.
 */
final class ApiProcess implements AutoCloseable {
  static final String VIRGINICA =
      "{\"sepal_length\": 7.7, \"sepal_width\": 2.6, \"petal_length\": 6.9, \"petal_width\": 2.3}";
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final Pattern LISTENING = Pattern.compile("listening on [^\\s:\"]+:(\\d+)");

  private final Process process;
  private final Path log;
  private int port;

  private ApiProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /**
   * An api whose registry is unreachable ({@code down}) but whose {@code MODEL_CACHE_DIR} is {@code
   * cache}: it must start from the last-known-good copy of {@code modelName}.
   */
  static ApiProcess launchFromCache(Path dir, ClosedPort down, String modelName, Path cache)
      throws IOException {
    return launch(
        dir,
        Map.of(
            "MLFLOW_TRACKING_URI",
            down.uri().toString(),
            "MODEL_NAME",
            modelName,
            "MODEL_CACHE_DIR",
            cache.toString(),
            "MODEL_STARTUP_RETRY_SECONDS",
            "1",
            "LOG_FORMAT",
            "text"));
  }

  /**
   * Starts the jar with {@code env} on {@code PORT=0} unless it sets one; logs under {@code dir}.
   */
  static ApiProcess launch(Path dir, Map<String, String> env) throws IOException {
    Path jar = Path.of("target", "api.jar").toAbsolutePath();
    assertTrue(Files.isRegularFile(jar), "build the jar first: " + jar);
    String java = ProcessHandle.current().info().command().orElse("java");
    var pb = new ProcessBuilder(java, "-jar", jar.toString());
    pb.environment()
        .keySet()
        .removeIf(k ->
            k.startsWith("MLFLOW_")
                || k.startsWith("MODEL_")
                || k.startsWith("SHUTDOWN_")
                || k.startsWith("WARMUP_")
                || k.equals("PORT")
                || k.equals("API_KEY")
                || k.equals("TAG"));
    var all = new HashMap<String, String>();
    all.put("PORT", "0");
    all.put("HOST", "127.0.0.1");
    // the test stops it when done and nothing routes traffic to it: no drain delay unless asked
    all.put("SHUTDOWN_DRAIN_SECONDS", "0");
    all.putAll(env);
    pb.environment().putAll(all);
    Path log = Files.createTempFile(dir, "api-", ".log");
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    return new ApiProcess(pb.start(), log);
  }

  Process process() {
    return process;
  }

  String output() throws IOException {
    return Files.readString(log);
  }

  /** The port the api bound, from its {@code listening on} line (waits for the line). */
  int port() throws Exception {
    if (port == 0) {
      Matcher m = awaitLog(LISTENING, START_TIMEOUT);
      port = Integer.parseInt(m.group(1));
    }
    return port;
  }

  /**
   * Waits until the output matches {@code pattern}; fails when the process exits first or the
   * deadline passes.
   */
  Matcher awaitLog(Pattern pattern, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      boolean alive = process.isAlive();
      Matcher m = pattern.matcher(output());
      if (m.find()) {
        return m;
      }
      if (!alive) {
        throw new AssertionError(
            "api exited with "
                + process.exitValue()
                + " before logging /"
                + pattern
                + "/:\n"
                + output());
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            "api did not log /" + pattern + "/ in " + timeout + ":\n" + output());
      }
      Thread.sleep(20);
    }
  }

  void awaitReady() throws Exception {
    int p = port();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("api exited with " + process.exitValue() + ":\n" + output());
      }
      if (get("/health/ready").statusCode() == 200) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("api on port " + p + " not ready in time:\n" + output());
  }

  int awaitExit() throws Exception {
    return awaitExit(Duration.ofSeconds(60));
  }

  /** The exit code, once the process has exited within {@code timeout}. */
  int awaitExit(Duration timeout) throws Exception {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("api did not exit within " + timeout + ":\n" + output());
    }
    return process.exitValue();
  }

  URI uri(String path) throws Exception {
    return URI.create("http://127.0.0.1:" + port() + path);
  }

  HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** {@code POST /v1/classify} with a virginica flower. */
  HttpResponse<String> classify() throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(uri("/v1/classify"))
            .timeout(Duration.ofSeconds(20))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(VIRGINICA))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The value of the un-labelled Prometheus series {@code name}, if the api reports it. */
  OptionalDouble metric(String name) throws Exception {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(get("/metrics").body());
    return m.find() ? OptionalDouble.of(Double.parseDouble(m.group(1))) : OptionalDouble.empty();
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
