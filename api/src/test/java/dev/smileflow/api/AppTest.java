package dev.smileflow.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smileflow.api.model.ModelFetcher;
import dev.smileflow.api.model.ModelSource;
import dev.smileflow.bundle.testing.TestBundles;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every route and every bad input, against the real app serving a real Iris bundle. */
class AppTest {
  private static final String VIRGINICA =
      "{\"sepal_length\": 7.7, \"sepal_width\": 2.6, \"petal_length\": 6.9, \"petal_width\": 2.3}";

  @TempDir static Path dir;
  static RunningApi api;

  @BeforeAll
  static void start() throws Exception {
    Path bundle = TestBundles.writeIris(dir.resolve("iris-logistic"), "logistic");
    api =
        RunningApi.start(
            Map.of(
                "MODEL_URI",
                bundle.toString(),
                "MAX_BODY_BYTES",
                "2048",
                "MAX_BATCH_ROWS",
                "3",
                "FLAG_OUT_OF_RANGE",
                "true"));
    var fetcher =
        new ModelFetcher(new ModelSource.LocalDirectory(bundle), null, null, Clock.systemUTC());
    api.holder.swap(fetcher.loadLocal());
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  private static void assertError(
      RunningApi.Reply r, int status, String raised, String raisedOn, String message) {
    assertEquals(status, r.status(), r.body());
    JsonNode j = r.json();
    assertEquals("failed", j.get("message").asText());
    assertTrue(j.get("data").isNull());
    assertEquals(raised, j.at("/error/raised").asText(), r.body());
    assertEquals(raisedOn, j.at("/error/raisedOn").asText(), r.body());
    assertEquals(message, j.at("/error/message").asText(), r.body());
    assertEquals(Integer.toString(status), j.at("/error/code").asText());
    assertEquals("9.9.9", j.get("version").asText());
    assertEquals(Set.of("message", "data", "error", "version"), names(j));
  }

  private static Set<String> names(JsonNode j) {
    Set<String> out = new TreeSet<>();
    for (Iterator<String> it = j.fieldNames(); it.hasNext(); ) {
      out.add(it.next());
    }
    return out;
  }

  @Test
  void classifyAnswersTheEnvelopeWithLabelConfidenceVersionAndProbabilities() {
    var r = api.postJson("/v1/classify", VIRGINICA);
    assertEquals(200, r.status(), r.body());
    JsonNode j = r.json();
    assertEquals("success", j.get("message").asText());
    assertTrue(j.get("error").isNull());
    assertEquals("9.9.9", j.get("version").asText());
    assertEquals("Iris-virginica", j.at("/data/pred_label").asText());
    double confidence = j.at("/data/pred_confidence").asDouble();
    assertTrue(confidence > 0.5 && confidence <= 1.0, r.body());
    assertTrue(j.at("/data/model_version").isTextual());
    assertEquals("local", j.at("/data/model_version").asText());
    assertEquals("iris-logistic", j.at("/data/model_name").asText());
    JsonNode p = j.at("/data/probabilities");
    assertEquals(3, p.size());
    assertEquals(confidence, p.get("Iris-virginica").asDouble(), 1e-12);
    assertTrue(j.at("/data/out_of_range").isArray());
    assertEquals(0, j.at("/data/out_of_range").size());
    assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
  }

  @Test
  void fieldOrderInTheBodyDoesNotMatterValuesMatchByName() {
    var shuffled =
        api.postJson(
            "/v1/classify",
            "{\"petal_width\": 2.3, \"petal_length\": 6.9, \"sepal_width\": 2.6, \"sepal_length\": 7.7}");
    assertEquals(
        api.postJson("/v1/classify", VIRGINICA).json().get("data"), shuffled.json().get("data"));
  }

  @Test
  void valuesOutsideTheTrainingRangeAreFlaggedAndCounted() {
    var r =
        api.postJson(
            "/v1/classify",
            "{\"sepal_length\": 70.0, \"sepal_width\": 2.6, \"petal_length\": 6.9, \"petal_width\": 2.3}");
    assertEquals(200, r.status(), r.body());
    assertEquals("sepal_length", r.json().at("/data/out_of_range/0").asText());
    assertTrue(
        api.get("/metrics")
            .body()
            .contains("model_input_out_of_range_total{field=\"sepal_length\"}"));
  }

  @Test
  void missingFieldIsRejectedWithItsName() {
    assertError(
        api.postJson(
            "/v1/classify", "{\"sepal_width\": 2.6, \"petal_length\": 6.9, \"petal_width\": 2.3}"),
        400,
        "ValidationError",
        "ApiClassify",
        "sepal_length: field required");
  }

  @Test
  void everyProblemIsListedNotOnlyTheFirst() {
    var r =
        api.postJson(
            "/v1/classify",
            "{\"sepal_width\": \"wide\", \"petal_length\": null, \"petal_width\": 2.3}");
    assertError(
        r,
        400,
        "ValidationError",
        "ApiClassify",
        "sepal_length: field required; sepal_width: must be a number (got string); petal_length: must not be null");
  }

  @Test
  void unknownFieldIsRejectedWithItsName() {
    var r = api.postJson("/v1/classify", VIRGINICA.replace("}", ", \"colour\": 1}"));
    assertError(r, 400, "ValidationError", "ApiClassify", "colour: unknown field");
  }

  @Test
  void stringValueIsRejectedWithItsName() {
    assertError(
        api.postJson("/v1/classify", VIRGINICA.replace("7.7", "\"7.7\"")),
        400,
        "ValidationError",
        "ApiClassify",
        "sepal_length: must be a number (got string)");
  }

  @Test
  void nullValueIsRejectedWithItsName() {
    assertError(
        api.postJson("/v1/classify", VIRGINICA.replace("2.3", "null")),
        400,
        "ValidationError",
        "ApiClassify",
        "petal_width: must not be null");
  }

  @Test
  void booleanAndNestedValuesAreRejectedWithTheirNames() {
    var r = api.postJson("/v1/classify", VIRGINICA.replace("7.7", "true").replace("2.3", "[2.3]"));
    assertEquals(
        "sepal_length: must be a number (got boolean); petal_width: must be a number (got array)",
        r.errorMessage());
  }

  @Test
  void numberOutOfDoubleRangeIsRejectedWithItsName() {
    assertError(
        api.postJson("/v1/classify", VIRGINICA.replace("6.9", "1e999")),
        400,
        "ValidationError",
        "ApiClassify",
        "petal_length: must be a finite number");
  }

  @Test
  void nanAndInfinityLiteralsAreRejectedWithTheirNames() {
    var r =
        api.postJson("/v1/classify", VIRGINICA.replace("6.9", "NaN").replace("2.6", "-Infinity"));
    assertEquals(400, r.status());
    assertEquals(
        "sepal_width: must be a finite number; petal_length: must be a finite number",
        r.errorMessage());
  }

  @Test
  void emptyBodyIsA400() {
    assertError(
        api.postJson("/v1/classify", ""),
        400,
        "ValidationError",
        "ApiClassify",
        "body: required (a JSON object)");
  }

  @Test
  void malformedJsonIsA400ThatDoesNotEchoTheBody() {
    var r = api.postJson("/v1/classify", "{\"sepal_length\": SECRET-VALUE");
    assertEquals(400, r.status());
    assertTrue(r.errorMessage().startsWith("body: not valid JSON (line 1"), r.body());
    assertFalse(r.body().contains("SECRET"), r.body());
  }

  @Test
  void trailingGarbageAfterTheObjectIsA400() {
    assertEquals(400, api.postJson("/v1/classify", VIRGINICA + " {}").status());
  }

  @Test
  void duplicateFieldIsRejectedWithItsName() {
    assertError(
        api.postJson("/v1/classify", VIRGINICA.replace("}", ", \"sepal_length\": 1.0}")),
        400,
        "ValidationError",
        "ApiClassify",
        "sepal_length: duplicate field");
  }

  @Test
  void aJsonArrayInsteadOfAnObjectIsA400() {
    assertError(
        api.postJson("/v1/classify", "[1,2,3,4]"),
        400,
        "ValidationError",
        "ApiClassify",
        "body: must be a JSON object of input fields, got an array");
  }

  @Test
  void wrongContentTypeIsA415() {
    assertError(
        api.post("/v1/classify", "text/plain", VIRGINICA),
        415,
        "UnsupportedMediaType",
        "ApiClassify",
        "Content-Type: must be application/json, got 'text/plain'");
    assertEquals(415, api.post("/v1/classify", null, VIRGINICA).status());
    assertEquals(
        200, api.post("/v1/classify", "application/json; charset=utf-8", VIRGINICA).status());
  }

  @Test
  void bodyOverTheLimitIsA413InTheEnvelope() {
    String big = "{\"sepal_length\": 7.7, \"pad\": \"" + "x".repeat(4000) + "\"}";
    var r = api.postJson("/v1/classify", big);
    assertError(
        r, 413, "PayloadTooLarge", "ApiClassify", "body: larger than the limit of 2048 bytes");
    assertFalse(r.body().contains("xxxx"));
  }

  @Test
  void chunkedBodyOverTheLimitIsA413Too() {
    byte[] big = ("{\"pad\": \"" + "y".repeat(5000) + "\"}").getBytes(StandardCharsets.UTF_8);
    var r =
        api.send(
            HttpRequest.newBuilder(api.uri("/v1/classify"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))));
    assertError(
        r, 413, "PayloadTooLarge", "ApiClassify", "body: larger than the limit of 2048 bytes");
  }

  @Test
  void wrongMethodIsA405InTheEnvelope() {
    assertError(
        api.get("/v1/classify"),
        405,
        "MethodNotAllowed",
        "ApiClassify",
        "method: GET not allowed on /v1/classify");
  }

  @Test
  void unknownRouteIsA404InTheEnvelope() {
    assertError(api.get("/v2/nothing"), 404, "NotFound", "Api", "path: no route GET /v2/nothing");
  }

  @Test
  void batchReturnsOneResultPerRowInOrder() {
    var r =
        api.postJson(
            "/v1/classify/batch",
            "{\"rows\": ["
                + VIRGINICA
                + ", {\"sepal_length\": 5.1, \"sepal_width\": 3.5, \"petal_length\": 1.4, \"petal_width\": 0.2}]}");
    assertEquals(200, r.status(), r.body());
    JsonNode p = r.json().at("/data/predictions");
    assertEquals(2, p.size());
    assertEquals("Iris-virginica", p.get(0).get("pred_label").asText());
    assertEquals("Iris-setosa", p.get(1).get("pred_label").asText());
    assertEquals("local", r.json().at("/data/model_version").asText());
  }

  @Test
  void batchRowProblemsNameTheRowAndField() {
    var r =
        api.postJson(
            "/v1/classify/batch", "{\"rows\": [" + VIRGINICA + ", {\"sepal_length\": 5.1}]}");
    assertError(
        r,
        400,
        "ValidationError",
        "ApiClassifyBatch",
        "[1].sepal_width: field required; "
            + "[1].petal_length: field required; [1].petal_width: field required");
  }

  @Test
  void batchRowThatIsNotAnObjectIsNamedByItsIndex() {
    assertEquals(
        "[1]: must be a JSON object of input fields, got a number",
        api.postJson("/v1/classify/batch", "{\"rows\": [" + VIRGINICA + ", 5]}").errorMessage());
  }

  @Test
  void aLongListOfProblemsShowsTheFirstTwentyAndCountsTheRest() {
    String unknown = "{\"a\":1,\"b\":1,\"c\":1,\"d\":1,\"e\":1,\"f\":1}";
    var r =
        api.postJson(
            "/v1/classify/batch", "{\"rows\": [" + unknown + "," + unknown + "," + unknown + "]}");
    assertEquals(400, r.status(), r.body());
    String message = r.errorMessage();
    assertTrue(message.startsWith("[0].sepal_length: field required; "), message);
    assertTrue(message.endsWith("; and 10 more"), message);
    assertEquals(20, message.split("; ").length - 1, message);
  }

  @Test
  void batchOverTheRowLimitIsRejected() {
    var r = api.postJson("/v1/classify/batch", "{\"rows\": [{},{},{},{}]}");
    assertError(
        r, 400, "ValidationError", "ApiClassifyBatch", "rows: at most 3 rows per request, got 4");
  }

  @Test
  void batchWithoutRowsOrWithEmptyRowsIsRejected() {
    assertEquals("rows: field required", api.postJson("/v1/classify/batch", "{}").errorMessage());
    assertEquals(
        "rows: must contain at least one row",
        api.postJson("/v1/classify/batch", "{\"rows\":[]}").errorMessage());
    assertEquals(
        "rows: must be a list of row objects, got an object",
        api.postJson("/v1/classify/batch", "{\"rows\":{}}").errorMessage());
    assertEquals(
        "extra: unknown field (expected [rows])",
        api.postJson("/v1/classify/batch", "{\"rows\":[" + VIRGINICA + "], \"extra\": 1}")
            .errorMessage());
  }

  @Test
  void modelRouteDescribesWhatIsLoaded() {
    var r = api.get("/v1/model");
    assertEquals(200, r.status(), r.body());
    JsonNode d = r.json().get("data");
    assertEquals("iris-logistic", d.get("name").asText());
    assertEquals("local", d.get("version").asText());
    assertEquals("logistic", d.get("algorithm").asText());
    assertEquals("local", d.get("source").asText());
    assertEquals(4, d.at("/signature/inputs").size());
    assertEquals("sepal_length", d.at("/signature/inputs/0/name").asText());
    assertEquals("double", d.at("/signature/inputs/0/type").asText());
    assertEquals(3, d.get("classes").size());
    assertEquals(0.95, d.at("/metrics/accuracy").asDouble(), 1e-12);
    assertTrue(d.get("loaded_at").asText().contains("T"));
    assertEquals(64, d.get("model_sha256").asText().length());
    assertTrue(d.get("last_refused").isNull());
  }

  @Test
  void responseRecordsKeepTheWireFieldNamesOrderAndNulls() {
    JsonNode one = api.postJson("/v1/classify", VIRGINICA).json();
    assertEquals(List.of("message", "data", "error", "version"), keys(one));
    assertEquals(
        List.of(
            "pred_confidence",
            "pred_label",
            "probabilities",
            "out_of_range",
            "model_version",
            "model_name"),
        keys(one.get("data")));
    JsonNode batch = api.postJson("/v1/classify/batch", "{\"rows\":[" + VIRGINICA + "]}").json();
    assertEquals(List.of("model_version", "model_name", "predictions"), keys(batch.get("data")));
    assertEquals(
        List.of("pred_confidence", "pred_label", "probabilities", "out_of_range"),
        keys(batch.at("/data/predictions/0")));
    JsonNode model = api.get("/v1/model").json().get("data");
    assertEquals(
        List.of(
            "name",
            "version",
            "alias",
            "stage",
            "run_id",
            "algorithm",
            "signature",
            "classes",
            "metrics",
            "loaded_at",
            "source",
            "uri",
            "model_sha256",
            "last_checked_at",
            "last_refused",
            "drift"),
        keys(model));
    assertEquals(
        List.of("status", "window_rows", "window_size", "min_rows", "psi_threshold", "features"),
        keys(model.get("drift")));
    assertTrue(model.get("alias").isNull(), "a local model has no alias, and says so");
    assertEquals(List.of("inputs", "ignored_inputs", "outputs"), keys(model.get("signature")));
    assertEquals(
        List.of("name", "type", "training_min", "training_max", "required"),
        keys(model.at("/signature/inputs/0")));
    assertEquals(
        "[{\"name\":\"label\",\"type\":\"string\"}]", model.at("/signature/outputs").toString());
    assertEquals("{\"status\":\"up\"}", api.get("/health/live").json().get("data").toString());
    assertEquals(
        List.of("status", "model_version"), keys(api.get("/health/ready").json().get("data")));
    JsonNode error = api.get("/nowhere").json();
    assertEquals(List.of("message", "data", "error", "version"), keys(error));
    assertEquals(List.of("raised", "raisedOn", "message", "code"), keys(error.get("error")));
  }

  private static List<String> keys(JsonNode object) {
    List<String> out = new ArrayList<>();
    object.fieldNames().forEachRemaining(out::add);
    return out;
  }

  @Test
  void healthProbesAnswer() {
    assertEquals("up", api.get("/health/live").json().at("/data/status").asText());
    var ready = api.get("/health/ready");
    assertEquals(200, ready.status());
    assertEquals("ready", ready.json().at("/data/status").asText());
  }

  @Test
  void metricsExposeLatencyByRouteAndStatusAndPredictionsByLabelAndVersion() {
    api.postJson("/v1/classify", VIRGINICA);
    api.postJson("/v1/classify", "{}");
    String m = api.get("/metrics").body();
    assertTrue(
        m.contains(
            "http_server_requests_seconds_bucket{method=\"POST\",outcome=\"SUCCESS\",status=\"200\",uri=\"/v1/classify\""),
        m);
    assertTrue(
        m.contains(
            "http_server_requests_seconds_count{method=\"POST\",outcome=\"CLIENT_ERROR\",status=\"400\",uri=\"/v1/classify\"}"),
        m);
    assertTrue(
        m.contains("model_predictions_total{label=\"Iris-virginica\",model_version=\"local\"}"), m);
    assertTrue(m.contains("model_loads_total{outcome=\"success\"}"), m);
    assertTrue(
        m.contains(
            "model_info{model_name=\"iris-logistic\",model_version=\"local\",origin=\"local\"} 1"),
        m);
    assertTrue(m.contains("jvm_memory_used_bytes"), m);
    assertTrue(m.contains("model_inference_seconds_count "), m);
    assertTrue(m.contains("model_swaps_total"), m);
  }

  @Test
  void requestIdIsEchoedOrCreated() {
    var given =
        api.send(
            HttpRequest.newBuilder(api.uri("/health/live"))
                .header("X-Request-Id", "abc-123")
                .GET());
    assertEquals("abc-123", given.headers().firstValue("X-Request-Id").orElseThrow());
    var created = api.get("/health/live");
    assertEquals(36, created.headers().firstValue("X-Request-Id").orElseThrow().length());
  }

  @Test
  void everyDocumentedRouteAnswersWithADocumentedStatus() {
    // App.create holds the document to the route table; here each documented route must answer.
    var r = api.get("/openapi.json");
    assertEquals(200, r.status());
    JsonNode spec = r.json();
    assertEquals("3.1.0", spec.get("openapi").asText());
    Set<String> documented = new TreeSet<>();
    spec.get("paths")
        .properties()
        .forEach(p ->
            p.getValue()
                .fieldNames()
                .forEachRemaining(m -> documented.add(m.toUpperCase() + " " + p.getKey())));
    assertEquals(8, documented.size(), documented.toString());
    for (String route : documented) {
      String[] mp = route.split(" ");
      var reply = mp[0].equals("GET") ? api.get(mp[1]) : api.postJson(mp[1], VIRGINICA);
      assertTrue(reply.status() != 404 && reply.status() != 405, route + " -> " + reply.status());
      assertTrue(
          spec.at("/paths/" + mp[1].replace("/", "~1") + "/" + mp[0].toLowerCase())
              .get("responses")
              .has(Integer.toString(reply.status())),
          route + " answered " + reply.status() + ", not documented");
    }
  }

  @Test
  void docsPageIsBrowsableHtml() {
    var r = api.get("/docs");
    assertEquals(200, r.status());
    assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));
    assertTrue(r.body().contains("/openapi.json"));
  }
}
