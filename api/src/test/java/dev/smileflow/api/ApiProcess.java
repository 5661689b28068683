package dev.smileflow.api;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar target/api.jar} as its own process, with the test's environment only (none of
 * this JVM's MLflow or model settings) and its combined output in a file.
 */
record ApiProcess(Process process, Path log, int port) implements AutoCloseable {
  static final String VIRGINICA =
      "{\"sepal_length\": 7.7, \"sepal_width\": 2.6, \"petal_length\": 6.9, \"petal_width\": 2.3}";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** Starts the jar on {@code env}'s {@code PORT} or a free one; its log goes under {@code dir}. */
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
                || k.equals("PORT")
                || k.equals("API_KEY")
                || k.equals("TAG"));
    int port = env.containsKey("PORT") ? Integer.parseInt(env.get("PORT")) : freePort();
    pb.environment().put("PORT", Integer.toString(port));
    pb.environment().put("HOST", "127.0.0.1");
    pb.environment().putAll(env);
    Path log = Files.createTempFile(dir, "api-", ".log");
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    return new ApiProcess(pb.start(), log, port);
  }

  static int freePort() throws IOException {
    try (var s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  String output() throws IOException {
    return Files.readString(log);
  }

  void awaitReady() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("api exited with " + process.exitValue() + ":\n" + output());
      }
      try {
        if (get("/health/ready").statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError("api not ready in time:\n" + output());
  }

  int awaitExit() throws Exception {
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("api did not exit:\n" + output());
    }
    return process.exitValue();
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** {@code POST /v1/classify} with a virginica flower. */
  HttpResponse<String> classify() throws IOException, InterruptedException {
    return HTTP.send(
        HttpRequest.newBuilder(uri("/v1/classify"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(VIRGINICA))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
