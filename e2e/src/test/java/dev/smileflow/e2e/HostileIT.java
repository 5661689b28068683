package dev.smileflow.e2e;

import static java.util.Objects.requireNonNull;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smileflow.mlflow.testing.MlflowTestServer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code api.jar} serving a model the real {@code train-job.jar} registered, under hostile
 * input (schemathesis against its own {@code /openapi.json}) and hostile timing (swaps and a
 * rollback under a real load generator; the registry deleted under the poller). Every wait is for
 * an observable state (a log line, a served version, a process exit), never a fixed sleep.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String VIRGINICA =
      "{\"sepal_length\": 7.7, \"sepal_width\": 2.6, \"petal_length\": 6.9, \"petal_width\": 2.3}";
  private static final Duration SWAP_TIMEOUT = Duration.ofSeconds(60);
  private static final Pattern WRK_RESULT =
      Pattern.compile(
          "RESULT requests=(\\d+) connect=(\\d+) read=(\\d+) write=(\\d+) status=(\\d+)"
              + " timeout=(\\d+)");

  @TempDir Path tmp;
  private String tracking;
  private String model;
  private JsonNode trained;

  /** One real training: version 1 of a registered model, whose files the tests register again. */
  @BeforeAll
  void trainOnce(@TempDir Path dir) throws Exception {
    tracking = MlflowTestServer.shared().uri().toString();
    model = MlflowTestServer.uniqueName("hostile-iris");
    Map<String, String> env = new HashMap<>();
    env.put("MLFLOW_TRACKING_URI", tracking);
    env.put("MLFLOW_EXPERIMENT_NAME", MlflowTestServer.uniqueName("hostile-exp"));
    env.put("MODEL_NAME", model);
    JarProcess.Result r = JarProcess.train(env, dir.resolve("train.log"));
    trained =
        requireNonNull(
            registry("GET", "model-versions/get?name=" + enc(model) + "&version=1", null));
  }

  private Map<String, String> apiEnv(String name) {
    Map<String, String> env = new HashMap<>();
    env.put("MLFLOW_TRACKING_URI", tracking);
    env.put("MODEL_NAME", name);
    env.put("MODEL_REFRESH_SECONDS", "1");
    env.put("TAG", "hostile");
    return env;
  }

  @Test
  void schemathesisWithEveryCheckFindsNothingAgainstTheServedModelsOwnDocument() throws Exception {
    try (ApiServer api = ApiServer.startReady(apiEnv(model), tmp.resolve("api.log"))) {
      JsonNode row = JSON.readTree(api.get("/openapi.json").body()).at("/components/schemas/Row");
      assertEquals(4, row.get("required").size(), "the document describes the Iris fields");
      Path out = tmp.resolve("schemathesis.log");
      Process st =
          new ProcessBuilder(
                  Path.of("..", "scripts", "schemathesis.sh").toString(),
                  "run",
                  "http://127.0.0.1:" + api.port() + "/openapi.json",
                  "--checks",
                  "all",
                  "--mode",
                  "all",
                  "--max-examples",
                  "100",
                  "--seed",
                  "20260101",
                  "--request-timeout",
                  "10",
                  "--no-color")
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      if (!st.waitFor(5, TimeUnit.MINUTES)) {
        st.destroyForcibly();
        fail("schemathesis did not finish:\n" + Files.readString(out));
      }
      String report = Files.readString(out);
      assertEquals(0, st.exitValue(), "schemathesis found something:\n" + report);
      assertTrue(report.contains("No issues found"), report);
    }
  }

  @Test
  void aHotSwapAndARollbackUnderWrkLoadAnswerEveryRequestWith2xx() throws Exception {
    String name = MlflowTestServer.uniqueName("hostile-swap");
    registerCopy(name, "production");
    try (ApiServer api = ApiServer.startReady(apiEnv(name), tmp.resolve("api-swap.log"))) {
      assertEquals("1", servedVersion(api));
      String v2 = registerCopy(name, null);
      Path script = tmp.resolve("classify.lua");
      Files.writeString(
          script,
          """
          wrk.method = "POST"
          wrk.body = '%s'
          wrk.headers["Content-Type"] = "application/json"
          done = function(summary, latency, requests)
            local e = summary.errors
            io.write(string.format(
              "RESULT requests=%%d connect=%%d read=%%d write=%%d status=%%d timeout=%%d\\n",
              summary.requests, e.connect, e.read, e.write, e.status, e.timeout))
          end
          """
              .formatted(VIRGINICA));
      Path wrkOut = tmp.resolve("wrk.log");
      Process wrk =
          new ProcessBuilder(
                  "wrk",
                  "-t2",
                  "-c16",
                  "-d30s",
                  "--timeout",
                  "10s",
                  "-s",
                  script.toString(),
                  "http://127.0.0.1:" + api.port() + "/v1/classify")
              .redirectErrorStream(true)
              .redirectOutput(wrkOut.toFile())
              .start();
      try {
        awaitRequestsServed(api, 200);
        setAlias(name, v2);
        awaitServed(api, v2);
        setAlias(name, "1");
        awaitServed(api, "1");
        assertTrue(wrk.isAlive(), "the swap and the rollback happened while wrk was running");
        assertTrue(wrk.waitFor(2, TimeUnit.MINUTES), "wrk did not finish");
      } finally {
        wrk.destroyForcibly();
      }
      String report = Files.readString(wrkOut);
      assertEquals(0, wrk.exitValue(), report);
      Matcher m = WRK_RESULT.matcher(report);
      assertTrue(m.find(), report);
      assertTrue(Long.parseLong(m.group(1)) > 1000, "wrk sent real load:\n" + report);
      for (int g = 2; g <= 6; g++) {
        assertEquals("0", m.group(g), "no error and no non-2xx answer:\n" + report);
      }
      String log = api.process().output();
      assertTrue(log.contains("version 1 -> " + v2), log);
      assertTrue(log.contains("version " + v2 + " -> 1"), log);
    }
  }

  @Test
  void deletingTheAliasTheVersionAndTheRegisteredModelUnderThePollerKeepsServing()
      throws Exception {
    String name = MlflowTestServer.uniqueName("hostile-delete");
    registerCopy(name, "production");
    try (ApiServer api = ApiServer.startReady(apiEnv(name), tmp.resolve("api-delete.log"))) {
      registry("DELETE", "registered-models/alias", body("name", name, "alias", "production"));
      awaitRefreshErrors(api, 1);
      assertServesVersion1(api);

      registry("DELETE", "model-versions/delete", body("name", name, "version", "1"));
      long afterVersion = refreshErrors(api) + 1;
      awaitRefreshErrors(api, afterVersion);
      assertServesVersion1(api);

      registry("DELETE", "registered-models/delete", body("name", name));
      long afterModel = refreshErrors(api) + 1;
      awaitRefreshErrors(api, afterModel);
      assertServesVersion1(api);
      assertEquals(200, api.get("/health/ready").statusCode(), "still ready: a model is loaded");
      assertTrue(api.process().output().contains("registry check failed"), api.process().output());
    }
  }

  private static void assertServesVersion1(ApiServer api) throws Exception {
    HttpResponse<String> r = api.postJson("/v1/classify", VIRGINICA);
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("1", JSON.readTree(r.body()).at("/data/model_version").asText());
  }

  /** Registers version 1's files as a new version of {@code name}; optionally aliases it. */
  private String registerCopy(String name, @Nullable String alias) throws Exception {
    if (registry("GET", "registered-models/get?name=" + enc(name), null) == null) {
      registry("POST", "registered-models/create", body("name", name));
    }
    JsonNode v1 = trained.get("model_version");
    String source = v1.get("source").asText();
    ObjectNode create = body("name", name, "source", source, "run_id", v1.get("run_id").asText());
    if (source.startsWith("models:/m-")) { // an MLflow 3 logged model: the source names it
      create.put("model_id", source.substring("models:/".length()));
    }
    String version =
        requireNonNull(registry("POST", "model-versions/create", create))
            .at("/model_version/version")
            .asText();
    long deadline = System.nanoTime() + SWAP_TIMEOUT.toNanos();
    while (!requireNonNull(
            registry("GET", "model-versions/get?name=" + enc(name) + "&version=" + version, null))
        .at("/model_version/status")
        .asText()
        .equals("READY")) {
      assertTrue(System.nanoTime() < deadline, "version " + version + " never became READY");
      Thread.sleep(100);
    }
    if (alias != null) {
      setAlias(name, version);
    }
    return version;
  }

  private void setAlias(String name, String version) throws Exception {
    registry(
        "POST",
        "registered-models/alias",
        body("name", name, "alias", "production", "version", version));
  }

  private static String servedVersion(ApiServer api) throws Exception {
    return JSON.readTree(api.get("/v1/model").body()).at("/data/version").asText();
  }

  private static void awaitServed(ApiServer api, String version) throws Exception {
    long deadline = System.nanoTime() + SWAP_TIMEOUT.toNanos();
    while (!servedVersion(api).equals(version)) {
      if (System.nanoTime() > deadline) {
        fail("version " + version + " was not served:\n" + api.process().output());
      }
      Thread.sleep(50);
    }
  }

  private static long metric(ApiServer api, String prefix) throws Exception {
    long total = 0;
    for (String line : api.get("/metrics").body().split("\n")) {
      if (line.startsWith(prefix)) {
        total += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  private static long refreshErrors(ApiServer api) throws Exception {
    return metric(api, "model_refresh_errors_total{");
  }

  private static void awaitRefreshErrors(ApiServer api, long atLeast) throws Exception {
    long deadline = System.nanoTime() + SWAP_TIMEOUT.toNanos();
    while (refreshErrors(api) < atLeast) {
      if (System.nanoTime() > deadline) {
        fail("no refresh error counted:\n" + api.process().output());
      }
      Thread.sleep(50);
    }
  }

  private static void awaitRequestsServed(ApiServer api, long atLeast) throws Exception {
    long deadline = System.nanoTime() + SWAP_TIMEOUT.toNanos();
    while (metric(api, "model_predictions_total{") < atLeast) {
      if (System.nanoTime() > deadline) {
        fail("the load never reached the api:\n" + api.process().output());
      }
      Thread.sleep(20);
    }
  }

  private static ObjectNode body(String... keyValues) {
    ObjectNode node = JSON.createObjectNode();
    for (int i = 0; i < keyValues.length; i += 2) {
      node.put(keyValues[i], keyValues[i + 1]);
    }
    return node;
  }

  /** One MLflow REST call; the parsed answer, or null on a 404 (RESOURCE_DOES_NOT_EXIST). */
  private @Nullable JsonNode registry(String method, String path, @Nullable ObjectNode body)
      throws Exception {
    HttpRequest.BodyPublisher publisher =
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body));
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(tracking + "/api/2.0/mlflow/" + path))
                .header("Content-Type", "application/json")
                .method(method, publisher)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() == 404) {
      return null;
    }
    assertEquals(200, r.statusCode(), method + " " + path + ": " + r.body());
    return JSON.readTree(r.body());
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
