package dev.smileflow.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smileflow.mlflow.testing.MlflowTestServer;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mlflow.api.proto.ModelRegistry.ModelVersion;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.ViewType;
import org.mlflow.tracking.MlflowClient;

/**
 * The whole product path: train-job against a real MLflow server, the api serving what it
 * registered, a second training that promotes a new version, and the running api following that
 * promotion.
 */
class EndToEndIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String SETOSA =
      "{\"sepal_length\": 5.1, \"sepal_width\": 3.5, \"petal_length\": 1.4, \"petal_width\": 0.2}";
  private static final String VIRGINICA =
      "{\"sepal_length\": 7.7, \"sepal_width\": 2.6, \"petal_length\": 6.9, \"petal_width\": 2.3}";

  @TempDir Path tmp;

  @Test
  void trainedModelIsServedAndASecondPromotionReachesTheRunningApi() throws Exception {
    String tracking = MlflowTestServer.shared().uri().toString();
    String experiment = MlflowTestServer.uniqueName("e2e-exp");
    String model = MlflowTestServer.uniqueName("e2e-iris");
    Map<String, String> env = new HashMap<>();
    env.put("MLFLOW_TRACKING_URI", tracking);
    env.put("MLFLOW_EXPERIMENT_NAME", experiment);
    env.put("MODEL_NAME", model);

    long started = System.nanoTime();
    JarProcess.Result first =
        JarProcess.run(trainJar(), env, tmp.resolve("train-1.log"), Duration.ofMinutes(5));
    long trainMillis = (System.nanoTime() - started) / 1_000_000;
    assertEquals(0, first.exitCode(), "train-job failed:\n" + first.output());
    System.out.printf("train-job on Iris, start to registered version: %d ms%n", trainMillis);

    String productionVersion = aliasVersion(tracking, model, "production");
    assertEquals("1", productionVersion, "the first training registers and promotes version 1");
    assertTrue(first.output().contains("models:/" + model + "@production"), first.output());

    env.put("MODEL_REFRESH_SECONDS", "1");
    env.put("TAG", "e2e");
    try (ApiServer api = ApiServer.startReady(env, tmp.resolve("api.log"))) {
      JsonNode setosa = classify(api, SETOSA);
      assertEquals("success", setosa.path("message").asText(), setosa.toString());
      assertEquals(
          "Iris-setosa", setosa.path("data").path("pred_label").asText(), setosa.toString());
      assertEquals(productionVersion, setosa.path("data").path("model_version").asText());
      assertEquals("e2e", setosa.path("version").asText());
      assertTrue(setosa.path("error").isNull());
      double confidence = setosa.path("data").path("pred_confidence").asDouble(-1);
      assertTrue(confidence > 0.5 && confidence <= 1.0, "confidence " + confidence);

      JsonNode virginica = classify(api, VIRGINICA);
      assertEquals(
          "Iris-virginica",
          virginica.path("data").path("pred_label").asText(),
          virginica.toString());

      JarProcess.Result second =
          JarProcess.run(trainJar(), env, tmp.resolve("train-2.log"), Duration.ofMinutes(5));
      assertEquals(0, second.exitCode(), "second train-job failed:\n" + second.output());
      String promoted = aliasVersion(tracking, model, "production");
      assertEquals(
          "2", promoted, "an equally good model on the same data is promoted:\n" + second.output());

      String served = awaitServedVersion(api, promoted, Duration.ofSeconds(90));
      assertEquals(promoted, served, "the running api follows the promotion without a restart");
      assertTrue(api.process().isAlive(), "the api kept running through the swap");
    }

    readBackThroughTheOfficialClient(tracking, experiment, model);
  }

  /** MLflow's own Java client, as an independent reader of what train-job logged and registered. */
  private static void readBackThroughTheOfficialClient(
      String tracking, String experiment, String model) {
    try (MlflowClient official = new MlflowClient(tracking)) {
      String experimentId =
          official
              .getExperimentByName(experiment)
              .orElseThrow(() -> new AssertionError("no experiment " + experiment))
              .getExperimentId();
      List<Run> runs =
          official.searchRuns(List.of(experimentId), "", ViewType.ALL, 1000).getItems();
      assertFalse(runs.isEmpty(), "runs are visible to the official client");
      long parents = 0;
      long children = 0;
      for (Run found : runs) {
        Run run = official.getRun(found.getInfo().getRunId());
        assertEquals(
            "FINISHED",
            run.getInfo().getStatus().name(),
            "no run is left " + run.getInfo().getStatus());
        boolean nested =
            run.getData().getTagsList().stream()
                .anyMatch(t -> t.getKey().equals("mlflow.parentRunId"));
        if (nested) {
          children++;
          assertFalse(
              run.getData().getParamsList().isEmpty(),
              "a candidate run carries its hyperparameters");
          assertFalse(
              run.getData().getMetricsList().isEmpty(), "a candidate run carries its CV metrics");
        } else {
          parents++;
        }
      }
      assertEquals(2, parents, "one parent run per training job");
      assertTrue(children >= 6, "at least three candidates per job, got " + children);

      ModelVersion v2 = official.getModelVersion(model, "2");
      assertEquals("READY", v2.getStatus().name());
      assertEquals("Production", v2.getCurrentStage());
      assertEquals("Archived", official.getModelVersion(model, "1").getCurrentStage());
    }
  }

  private static String aliasVersion(String tracking, String model, String alias)
      throws IOException, InterruptedException {
    URI uri =
        URI.create(
            tracking
                + "/api/2.0/mlflow/registered-models/alias?name="
                + enc(model)
                + "&alias="
                + enc(alias));
    HttpResponse<String> response =
        HTTP.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    return JSON.readTree(response.body()).path("model_version").path("version").asText();
  }

  private static JsonNode classify(ApiServer api, String body)
      throws IOException, InterruptedException {
    HttpResponse<String> response = api.postJson("/v1/classify", body);
    assertEquals(200, response.statusCode(), response.body());
    return JSON.readTree(response.body());
  }

  /**
   * Classifies until the api answers with {@code expected} as its model version, or the timeout
   * passes.
   */
  private static String awaitServedVersion(ApiServer api, String expected, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String served = "";
    while (System.nanoTime() < deadline) {
      JsonNode answer = classify(api, VIRGINICA); // every request during the swap must succeed
      assertEquals(
          "Iris-virginica", answer.path("data").path("pred_label").asText(), answer.toString());
      served = answer.path("data").path("model_version").asText();
      if (served.equals(expected)) {
        return served;
      }
      Thread.sleep(200);
    }
    assertNotEquals("", served);
    fail(
        "the api still serves version "
            + served
            + " after "
            + timeout
            + ":\n"
            + api.process().output());
    return served;
  }

  private static Path trainJar() {
    return JarProcess.jar("trainJob.jar");
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
