package dev.smileflow.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smileflow.bundle.testing.TestBundles;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar api.jar} closing the loop: the prediction log gets one line per served row and
 * keeps every queued line over a SIGTERM; drift gauges and {@code /v1/model} flag the one feature
 * sent far outside its training distribution and not the others; an old bundle without a training
 * profile still serves.
 */
class ServingFeedbackIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;

  private static HttpResponse<String> post(ApiProcess api, String path, String body)
      throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(api.uri(path))
            .timeout(Duration.ofSeconds(20))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Sends the 150 Iris rows (shifted by {@code shift}) in two batches of 75. */
  private static void sendIris(ApiProcess api, double shift) throws Exception {
    List<ObjectNode> bodies = new ArrayList<>();
    List<Map<String, Object>> rows = TestBundles.iris().rows();
    for (int start = 0; start < rows.size(); start += 75) {
      ObjectNode body = JSON.createObjectNode();
      ArrayNode array = body.putArray("rows");
      for (Map<String, Object> row : rows.subList(start, start + 75)) {
        ObjectNode r = array.addObject();
        row.forEach((k, v) -> r.put(k, (Double) v + (k.equals("sepal_length") ? shift : 0)));
      }
      bodies.add(body);
    }
    for (ObjectNode body : bodies) {
      var r = post(api, "/v1/classify/batch", body.toString());
      assertEquals(200, r.statusCode(), r.body());
    }
  }

  private static List<String> lines(Path file) throws Exception {
    return Files.exists(file) ? Files.readAllLines(file) : List.of();
  }

  private static <T> T await(String what, Await.Probe<T> probe, Predicate<T> done)
      throws Exception {
    return Await.until(what, WAIT, probe, done);
  }

  private static double gauge(String metrics, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics);
    if (!m.find()) {
      throw new AssertionError(series + " not in /metrics:\n" + metrics);
    }
    return Double.parseDouble(m.group(1));
  }

  private static JsonNode feature(JsonNode drift, String name) {
    for (JsonNode f : drift.get("features")) {
      if (f.get("name").asText().equals(name)) {
        return f;
      }
    }
    throw new AssertionError("no feature " + name + " in " + drift);
  }

  @Test
  void theLogGrowsByOneLinePerServedRowAndTheShiftedFeatureAloneIsFlagged() throws Exception {
    Path bundle = TestBundles.writeIris(dir.resolve("iris-bundle"), "logistic");
    Path log = dir.resolve("predictions.jsonl");
    try (ApiProcess api =
        ApiProcess.launch(
            dir,
            Map.of(
                "MODEL_URI", bundle.toString(),
                "LOG_FORMAT", "text",
                "WARMUP_REQUESTS", "200",
                "PREDICTION_LOG_PATH", log.toString(),
                "DRIFT_WINDOW", "300"))) {
      api.awaitReady();
      assertEquals(List.of(), lines(log), "the warm-up's own traffic is not logged");

      var one = api.classify();
      assertEquals(200, one.statusCode(), one.body());
      String requestId = one.headers().firstValue("X-Request-Id").orElseThrow();
      List<String> first = await("1 log line", () -> lines(log), l -> l.size() == 1);
      JsonNode line = JSON.readTree(first.getFirst());
      assertEquals(
          List.of(
              "time",
              "request_id",
              "model_name",
              "model_version",
              "features",
              "pred_label",
              "pred_confidence"),
          names(line));
      assertEquals(requestId, line.get("request_id").asText());
      assertEquals("iris-bundle", line.get("model_name").asText());
      assertEquals("local", line.get("model_version").asText());
      assertEquals(JSON.readTree(ApiProcess.VIRGINICA), line.get("features"));
      assertEquals("Iris-virginica", line.get("pred_label").asText());
      assertTrue(line.get("pred_confidence").asDouble() > 0.5, line.toString());

      sendIris(api, 0);
      await("151 log lines", () -> lines(log), l -> l.size() == 151);
      String metrics =
          await(
              "151 rows in the drift window",
              () -> api.get("/metrics").body(),
              m -> m.contains("model_drift_window_rows 151.0"));
      for (String f : TestBundles.IRIS_FEATURES) {
        assertTrue(gauge(metrics, "model_drift_psi{feature=\"" + f + "\"}") < 0.05, metrics);
        assertEquals(0.0, gauge(metrics, "model_drift_flagged{feature=\"" + f + "\"}"));
        assertEquals(0.0, gauge(metrics, "model_drift_out_of_range_rows{feature=\"" + f + "\"}"));
        assertTrue(gauge(metrics, "model_drift_ks_statistic{feature=\"" + f + "\"}") < 0.1);
      }
      assertEquals(151.0, gauge(metrics, "model_prediction_log_written_total"));
      assertEquals(0.0, gauge(metrics, "model_prediction_log_dropped_total"));

      // sepal_length 20 cm longer than any flower in training; the other features as trained
      sendIris(api, 20);
      metrics =
          await(
              "sepal_length flagged",
              () -> api.get("/metrics").body(),
              m -> m.contains("model_drift_flagged{feature=\"sepal_length\"} 1.0"));
      assertEquals(300.0, gauge(metrics, "model_drift_window_rows"));
      assertTrue(gauge(metrics, "model_drift_psi{feature=\"sepal_length\"}") > 0.2, metrics);
      assertEquals(
          150.0, gauge(metrics, "model_drift_out_of_range_rows{feature=\"sepal_length\"}"));
      for (String f : List.of("sepal_width", "petal_length", "petal_width")) {
        assertTrue(gauge(metrics, "model_drift_psi{feature=\"" + f + "\"}") < 0.05, metrics);
        assertEquals(0.0, gauge(metrics, "model_drift_flagged{feature=\"" + f + "\"}"));
      }
      JsonNode drift = JSON.readTree(api.get("/v1/model").body()).at("/data/drift");
      assertEquals("measured", drift.get("status").asText(), drift.toString());
      assertEquals(300, drift.get("window_rows").asInt());
      assertEquals(0.2, drift.get("psi_threshold").asDouble());
      JsonNode sepal = feature(drift, "sepal_length");
      assertTrue(sepal.get("flagged").asBoolean(), sepal.toString());
      assertEquals(
          gauge(metrics, "model_drift_psi{feature=\"sepal_length\"}"),
          sepal.get("psi").asDouble(),
          1e-9);
      assertEquals(150, sepal.get("out_of_range_rows").asInt());
      JsonNode petal = feature(drift, "petal_width");
      assertFalse(petal.get("flagged").asBoolean(), petal.toString());
      assertTrue(petal.get("psi").asDouble() < 0.05, petal.toString());

      // SIGTERM right after the last response: every row served is in the file once it exits
      sendIris(api, 0);
      api.process().destroy();
      assertEquals(143, api.awaitExit());
      assertEquals(451, lines(log).size());
      for (String l : lines(log)) {
        assertTrue(JSON.readTree(l).get("features").has("petal_width"), l);
      }
    }
  }

  @Test
  void aBundleWithoutATrainingProfileServesAndSaysSo() throws Exception {
    Path bundle = TestBundles.copyFixture("v1/iris-logistic", dir.resolve("old-bundle"));
    try (ApiProcess api =
        ApiProcess.launch(
            dir,
            Map.of(
                "MODEL_URI", bundle.toString(), "LOG_FORMAT", "text", "WARMUP_REQUESTS", "50"))) {
      api.awaitReady();
      var r = api.classify();
      assertEquals(200, r.statusCode(), r.body());
      String metrics =
          await(
              "1 row in the drift window",
              () -> api.get("/metrics").body(),
              m -> m.contains("model_drift_window_rows 1.0"));
      assertFalse(metrics.contains("model_drift_psi{"), metrics);
      assertFalse(metrics.contains("model_drift_flagged{"), metrics);
      JsonNode drift = JSON.readTree(api.get("/v1/model").body()).at("/data/drift");
      assertEquals("no training profile", drift.get("status").asText(), drift.toString());
      assertEquals(0, drift.get("features").size());
    }
  }

  private static List<String> names(JsonNode node) {
    List<String> out = new ArrayList<>();
    node.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
