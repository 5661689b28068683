package dev.smileflow.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smileflow.mlflow.MlflowClient;
import dev.smileflow.mlflow.ModelVersion;
import dev.smileflow.mlflow.ModelVersionSpec;
import dev.smileflow.mlflow.testing.MlflowTestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MLflow crashes (SIGKILL) under a running {@code api.jar} that follows an alias, and comes back on
 * the same port and store: the api answers classify and readiness with 200 from the model it holds
 * the whole time, counts each failed registry poll in {@code model_refresh_errors_total} and logs
 * it, and once MLflow is back follows the next promotion.
 */
class MlflowRestartIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String VIRGINICA =
      "{\"sepal_length\": 7.7, \"sepal_width\": 2.6, \"petal_length\": 6.9, \"petal_width\": 2.3}";
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /** Failed polls to see while MLflow is down: a few refresh intervals' worth. */
  private static final int FAILED_POLLS = 3;

  @TempDir Path tmp;

  /** One answer (or failure) the test's client got from the api. */
  private record Probe(long atNanos, String route, int status, String detail) {}

  @Test
  void aCrashedRegistryLeavesTheApiServingAndItFollowsThePromotionAfterTheRestart()
      throws Exception {
    try (MlflowTestServer server =
            MlflowTestServer.start(
                new MlflowTestServer.Options(
                    MlflowTestServer.mlflowVersion(), MlflowTestServer.Backend.SQLITE));
        MlflowClient registry = server.newClient()) {
      String model = MlflowTestServer.uniqueName("restart-iris");
      Map<String, String> env = new HashMap<>(server.env());
      env.put("MLFLOW_EXPERIMENT_NAME", MlflowTestServer.uniqueName("restart-exp"));
      env.put("MODEL_NAME", model);
      JarProcess.train(env, tmp.resolve("train.log"), "--algorithms", "logistic,decision_tree");

      env.put("MODEL_REFRESH_SECONDS", "1");
      env.put("TAG", "restart");
      try (ApiServer api = ApiServer.startReady(env, tmp.resolve("api.log"));
          HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
        assertEquals("1", servedVersion(api));
        List<Probe> probes = new ArrayList<>();
        AtomicBoolean polling = new AtomicBoolean(true);
        Thread poller =
            Thread.ofPlatform().name("api-poller").start(() -> poll(http, api, polling, probes));
        long down;
        long up;
        try {
          long errorsBefore = refreshErrors(api);
          down = System.nanoTime();
          server.crash();
          awaitRefreshErrors(api, errorsBefore + FAILED_POLLS);
          server.startAgain();
          up = System.nanoTime();

          // version 2: version 1's LoggedModel registered again, named by its source models:/m-…
          ModelVersion v1 = registry.registry().getModelVersion(model, "1");
          String source = Objects.requireNonNull(v1.source());
          assertTrue(source.startsWith("models:/m-"), source);
          ModelVersion v2 =
              registry
                  .registry()
                  .createModelVersion(
                      ModelVersionSpec.fromLoggedModel(
                          model, source.substring("models:/".length()), v1.runId()));
          registry.registry().waitUntilReady(model, v2.version(), TIMEOUT);
          registry.registry().setAlias(model, "production", v2.version());
          awaitServed(api, v2.version());
        } finally {
          polling.set(false);
          poller.join();
        }

        List<Probe> all;
        synchronized (probes) {
          all = List.copyOf(probes);
        }
        List<Probe> failed = all.stream().filter(p -> p.status() != 200).toList();
        assertEquals(List.of(), failed, "every classify and readiness answer was 200");
        for (String route : List.of("/v1/classify", "/health/ready")) {
          long whileDown =
              all.stream()
                  .filter(p -> p.route().equals(route) && p.atNanos() > down && p.atNanos() < up)
                  .count();
          assertTrue(whileDown > 0, route + " was asked while MLflow was down");
          System.out.printf(
              "%s: %d answers, %d of them while MLflow was down (%d ms)%n",
              route,
              all.stream().filter(p -> p.route().equals(route)).count(),
              whileDown,
              (up - down) / 1_000_000);
        }
        assertTrue(
            all.stream()
                .filter(p -> p.route().equals("/v1/classify") && p.atNanos() < up)
                .allMatch(p -> p.detail().equals("1")),
            "version 1 answered until MLflow was back");
        String log = api.process().output();
        assertTrue(log.contains("registry check failed (REGISTRY_UNREACHABLE)"), log);
        System.out.printf("model_refresh_errors_total after the outage: %d%n", refreshErrors(api));
      }
    }
  }

  /**
   * Asks the api for a classification and its readiness, back to back, until {@code polling} is
   * cleared; records every answer (a failure to answer within 5 s as status 0).
   */
  private static void poll(
      HttpClient http, ApiServer api, AtomicBoolean polling, List<Probe> probes) {
    URI classify = URI.create("http://127.0.0.1:" + api.port() + "/v1/classify");
    URI ready = URI.create("http://127.0.0.1:" + api.port() + "/health/ready");
    while (polling.get()) {
      for (HttpRequest request :
          List.of(
              HttpRequest.newBuilder(classify)
                  .timeout(Duration.ofSeconds(5))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(VIRGINICA))
                  .build(),
              HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(5)).GET().build())) {
        Probe probe;
        try {
          HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
          String version =
              r.statusCode() == 200
                  ? JSON.readTree(r.body()).at("/data/model_version").asText()
                  : r.body();
          probe = new Probe(System.nanoTime(), request.uri().getPath(), r.statusCode(), version);
        } catch (IOException e) {
          probe = new Probe(System.nanoTime(), request.uri().getPath(), 0, e.toString());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        synchronized (probes) {
          probes.add(probe);
        }
      }
    }
  }

  private static String servedVersion(ApiServer api) throws Exception {
    return JSON.readTree(api.get("/v1/model").body()).at("/data/version").asText();
  }

  private static void awaitServed(ApiServer api, String version) throws Exception {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!servedVersion(api).equals(version)) {
      if (System.nanoTime() > deadline) {
        fail("version " + version + " was not served:\n" + api.process().output());
      }
      Thread.sleep(50);
    }
  }

  private static long refreshErrors(ApiServer api) throws Exception {
    long total = 0;
    for (String line : api.get("/metrics").body().split("\n")) {
      if (line.startsWith("model_refresh_errors_total{")) {
        total += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  private static void awaitRefreshErrors(ApiServer api, long atLeast) throws Exception {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (refreshErrors(api) < atLeast) {
      if (System.nanoTime() > deadline) {
        fail("fewer than " + atLeast + " failed polls counted:\n" + api.process().output());
      }
      Thread.sleep(50);
    }
  }
}
