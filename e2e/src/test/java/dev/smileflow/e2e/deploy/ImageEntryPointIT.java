package dev.smileflow.e2e.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smileflow.e2e.ApiServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the images run, run here without a Docker engine: each Dockerfile's AOT training step and
 * its exec-form ENTRYPOINT, with the image paths swapped for the locally built jar and a temporary
 * cache, and {@code -XX:AOTMode=on} added so a cache the flags cannot use fails the start instead
 * of being ignored.
 */
class ImageEntryPointIT {
  private static final String JAVA = ProcessHandle.current().info().command().orElse("java");
  private static final Path API_FIXTURE =
      Project.file("model-bundle/src/test/resources/fixtures/v1/iris-logistic");

  @TempDir Path dir;

  private static Path jar(String property, String fallback) {
    String value = System.getProperty(property);
    Path jar = value != null ? Path.of(value) : Project.file(fallback);
    assertTrue(
        Files.isRegularFile(jar), jar + " does not exist: build it first (scripts/mvn package)");
    return jar;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /**
   * The ENTRYPOINT with its image paths replaced, the cache made mandatory, and {@code args}
   * appended.
   */
  private static List<String> entrypoint(
      Dockerfile d, Path jar, Path cache, Path tmp, String... args) {
    List<String> command = new ArrayList<>();
    for (String token : d.entrypoint()) {
      if (token.equals("java")) {
        command.addAll(List.of(JAVA, "-XX:AOTMode=on", "-Djava.io.tmpdir=" + tmp));
      } else if (token.startsWith("-XX:AOTCache=")) {
        command.add("-XX:AOTCache=" + cache);
      } else if (token.equals(d.jar())) {
        command.add(jar.toString());
      } else {
        command.add(token);
      }
    }
    command.addAll(Arrays.asList(args));
    return command;
  }

  private Process start(List<String> command, Map<String, String> env, String log)
      throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(log).toFile());
    pb.environment().putAll(env);
    return pb.start();
  }

  private String output(String log) throws IOException {
    return Files.readString(dir.resolve(log));
  }

  private int run(List<String> command, Map<String, String> env, String log, Duration timeout)
      throws Exception {
    Process p = start(command, env, log);
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError(
          String.join(" ", command) + " did not finish in " + timeout + ":\n" + output(log));
    }
    return p.exitValue();
  }

  @Test
  void apiImageTrainsItsAotCacheThenServesTheModelWithItAndStopsOnSigterm() throws Exception {
    Dockerfile d = Dockerfile.parse(Project.read("Dockerfile.api"));
    Path jar = jar("api.jar", "api/target/api.jar");
    Path cache = dir.resolve("api.aot");
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    Map<String, String> env =
        Map.of(
            "MODEL_URI", API_FIXTURE.toString(), "LOG_LEVEL", "WARN", "MODEL_REFRESH_SECONDS", "0");

    List<String> flags = new ArrayList<>(d.jvmFlags());
    flags.removeIf(f -> f.startsWith("-XX:AOTCache="));
    List<String> training =
        new ArrayList<>(
            List.of(
                "bash",
                Project.file("benchmarks/aot-train.sh").toString(),
                cache.toString(),
                String.valueOf(freePort()),
                JAVA));
    training.addAll(flags);
    training.addAll(List.of("-Djava.io.tmpdir=" + tmp, "-jar", jar.toString()));
    assertEquals(
        0, run(training, env, "aot-train.log", Duration.ofMinutes(4)), output("aot-train.log"));
    assertTrue(Files.size(cache) > 1_000_000, "no AOT cache was written");

    var withPort = new HashMap<>(env);
    withPort.put("PORT", "0"); // bind any port, then read it back from the api's log
    withPort.put("HOST", "127.0.0.1");
    withPort.put("LOG_LEVEL", "INFO");
    Process api = start(entrypoint(d, jar, cache, tmp), withPort, "api.log");
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      Matcher listening = ApiServer.LISTENING.matcher(output("api.log"));
      while (!listening.find()) {
        assertTrue(api.isAlive(), "the api exited before it listened:\n" + output("api.log"));
        assertTrue(
            System.nanoTime() < deadline,
            "the api did not listen within 90 s:\n" + output("api.log"));
        Thread.sleep(50);
        listening = ApiServer.LISTENING.matcher(output("api.log"));
      }
      URI base = URI.create("http://127.0.0.1:" + listening.group(1));
      int ready = 0;
      while (ready != 200) {
        assertTrue(
            api.isAlive(),
            "the api exited (is the AOT cache usable with these flags?):\n" + output("api.log"));
        assertTrue(
            System.nanoTime() < deadline,
            "the api was not ready within 90 s:\n" + output("api.log"));
        try {
          ready =
              http.send(
                      HttpRequest.newBuilder(base.resolve("/health/ready")).build(),
                      HttpResponse.BodyHandlers.discarding())
                  .statusCode();
        } catch (IOException notYet) {
          ready = 0;
        }
        if (ready != 200) {
          Thread.sleep(100);
        }
      }
      HttpResponse<String> classified =
          http.send(
              HttpRequest.newBuilder(base.resolve("/v1/classify"))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"sepal_length\": 7.7, \"sepal_width\": 2.6, \"petal_length\": 6.9, \"petal_width\": 2.3}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, classified.statusCode(), classified.body());
      assertTrue(
          classified.body().contains("\"pred_label\":\"Iris-virginica\""), classified.body());

      api.destroy();
      assertTrue(api.waitFor(10, TimeUnit.SECONDS), "the api did not stop within 10 s of SIGTERM");
      assertTrue(
          api.exitValue() == 143 || api.exitValue() == 0,
          "exit code after SIGTERM: " + api.exitValue());
    } finally {
      api.destroyForcibly();
    }
  }

  @Test
  void trainImageTrainsItsAotCacheThenRunsTheJobWithIt() throws Exception {
    Dockerfile d = Dockerfile.parse(Project.read("Dockerfile.train"));
    Path jar = jar("trainJob.jar", "train-job/target/train-job.jar");
    Path cache = dir.resolve("train-job.aot");
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    String run =
        d.runtimeRuns().stream()
            .filter(r -> r.contains("-XX:AOTCacheOutput="))
            .findFirst()
            .orElseThrow();
    List<String> tokens = Arrays.asList(run.split("\\s+"));
    List<String> training = new ArrayList<>();
    for (String token :
        tokens.subList(
            tokens.indexOf("java"), tokens.contains("&&") ? tokens.indexOf("&&") : tokens.size())) {
      if (token.equals("java")) {
        training.addAll(List.of(JAVA, "-Djava.io.tmpdir=" + tmp));
      } else if (token.startsWith("-XX:AOTCacheOutput=")) {
        training.add("-XX:AOTCacheOutput=" + cache);
      } else if (token.equals(d.jar())) {
        training.add(jar.toString());
      } else {
        training.add(token);
      }
    }
    assertEquals(
        0,
        run(training, Map.of(), "aot-train.log", Duration.ofMinutes(4)),
        output("aot-train.log"));
    assertTrue(Files.size(cache) > 1_000_000, "no AOT cache was written");

    int exit =
        run(
            entrypoint(d, jar, cache, tmp, "--dry-run", "--algorithms=logistic"),
            Map.of(),
            "train.log",
            Duration.ofMinutes(4));
    assertEquals(
        0, exit, "train-job with the image's flags and AOT cache failed:\n" + output("train.log"));
    assertTrue(output("train.log").contains("Dry run"), output("train.log"));
  }
}
