package dev.smileflow.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smileflow.api.model.InputField;
import dev.smileflow.api.model.LoadedBundle;
import dev.smileflow.api.model.ServedModel;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Readiness before a model is loaded, API-key auth, and what a bug looks like from outside. */
class GuardsTest {
  private static final String ROW = "{\"x\": 1.0}";

  @TempDir Path dir;

  private static ServedModel model(LoadedBundle bundle) {
    return new ServedModel(
        "m",
        "7",
        "models:/m@production",
        "run-1",
        ServedModel.Origin.REGISTRY,
        Instant.now(),
        bundle);
  }

  private static LoadedBundle bundle(dev.smileflow.api.model.Scorer scorer) {
    return new LoadedBundle(
        scorer,
        List.of(new InputField.Numeric("x", 0, 10)),
        List.of("a", "b"),
        "test",
        Map.of(),
        Map.of("x", 1.0),
        "0".repeat(64));
  }

  @Test
  void beforeAModelIsLoadedReadinessAndV1Answer503ButLivenessIsUp() {
    try (RunningApi api = RunningApi.start(Map.of("MODEL_URI", dir.toString()))) {
      assertEquals(200, api.get("/health/live").status());
      var ready = api.get("/health/ready");
      assertEquals(503, ready.status());
      assertEquals("ModelNotReady", ready.json().at("/error/raised").asText());
      assertEquals("ApiHealth", ready.json().at("/error/raisedOn").asText());
      var classify = api.postJson("/v1/classify", ROW);
      assertEquals(503, classify.status());
      assertEquals("model: not loaded yet, retry shortly", classify.errorMessage());
      assertEquals("5", classify.headers().firstValue("Retry-After").orElseThrow());
      assertEquals(503, api.postJson("/v1/classify/batch", "{\"rows\": [" + ROW + "]}").status());
      assertEquals(503, api.get("/v1/model").status());
      assertEquals(
          400,
          api.postJson("/v1/classify", "{").status(),
          "a malformed body is still the client's mistake");
    }
  }

  @Test
  void withAnApiKeyV1NeedsItButProbesStayOpen() {
    String key = "k-0123456789abcdef";
    try (RunningApi api = RunningApi.start(Map.of("MODEL_URI", dir.toString(), "API_KEY", key))) {
      api.live.swap(
          model(
              bundle(row ->
                  new dev.smileflow.api.model.Prediction("a", 0.9, Map.of("a", 0.9, "b", 0.1)))));
      var none = api.postJson("/v1/classify", ROW);
      assertEquals(401, none.status());
      assertEquals("Unauthorized", none.json().at("/error/raised").asText());
      assertEquals("X-API-Key: missing or wrong API key", none.errorMessage());
      assertFalse(none.body().contains(key));
      var wrong =
          api.send(
              HttpRequest.newBuilder(api.uri("/v1/model")).header("X-API-Key", key + "x").GET());
      assertEquals(401, wrong.status());
      var header =
          api.send(
              HttpRequest.newBuilder(api.uri("/v1/classify"))
                  .header("X-API-Key", key)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(ROW)));
      assertEquals(200, header.status(), header.body());
      var bearer =
          api.send(
              HttpRequest.newBuilder(api.uri("/v1/model"))
                  .header("Authorization", "Bearer " + key)
                  .GET());
      assertEquals(200, bearer.status());
      assertEquals(200, api.get("/health/ready").status());
      assertEquals(200, api.get("/metrics").status());
    }
  }

  @Test
  void aRequestInFlightDuringASwapFinishesOnTheModelItStartedWith() throws Exception {
    try (RunningApi api = RunningApi.start(Map.of("MODEL_URI", dir.toString()))) {
      var entered = new java.util.concurrent.CountDownLatch(1);
      var release = new java.util.concurrent.CountDownLatch(1);
      api.live.swap(
          model(
              bundle(row -> {
                entered.countDown();
                try {
                  release.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                return new dev.smileflow.api.model.Prediction("a", 0.9, Map.of("a", 0.9, "b", 0.1));
              })));
      var inFlight =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> api.postJson("/v1/classify", ROW));
      entered.await();
      var next =
          new ServedModel(
              "m",
              "8",
              "models:/m@production",
              "run-2",
              ServedModel.Origin.REGISTRY,
              Instant.now(),
              bundle(row ->
                  new dev.smileflow.api.model.Prediction("b", 0.8, Map.of("a", 0.2, "b", 0.8))));
      api.live.swap(next);
      var during = api.postJson("/v1/classify", ROW);
      assertEquals(
          "8",
          during.json().at("/data/model_version").asText(),
          "new requests see the new model at once");
      release.countDown();
      var finished = inFlight.get(10, java.util.concurrent.TimeUnit.SECONDS);
      assertEquals(200, finished.status());
      assertEquals("7", finished.json().at("/data/model_version").asText());
      assertEquals("a", finished.json().at("/data/pred_label").asText());
    }
  }

  @Test
  void aBugIsA500WithTheRequestIdAndNoStackTrace() {
    try (RunningApi api = RunningApi.start(Map.of("MODEL_URI", dir.toString()))) {
      api.live.swap(
          model(
              bundle(row -> {
                throw new IllegalStateException("internal detail /secret/path");
              })));
      var r = api.postJson("/v1/classify", ROW);
      assertEquals(500, r.status());
      assertEquals("InternalError", r.json().at("/error/raised").asText());
      String id = r.headers().firstValue("X-Request-Id").orElseThrow();
      assertEquals("internal error (request id " + id + ")", r.errorMessage());
      assertFalse(r.body().contains("IllegalStateException"));
      assertFalse(r.body().contains("secret"));
      assertTrue(api.get("/metrics").body().contains("status=\"500\""));
    }
  }

  @Test
  void aCategoricalFieldTakesOnlyItsLevels() {
    try (RunningApi api = RunningApi.start(Map.of("MODEL_URI", dir.toString()))) {
      var cat =
          new LoadedBundle(
              row -> new dev.smileflow.api.model.Prediction("a", 1.0, Map.of("a", 1.0)),
              List.of(new InputField.Categorical("colour", List.of("red", "blue"))),
              List.of("a"),
              "test",
              Map.of(),
              Map.of("colour", "red"),
              "0".repeat(64));
      api.live.swap(model(cat));
      assertEquals(200, api.postJson("/v1/classify", "{\"colour\": \"blue\"}").status());
      assertEquals(
          "colour: unknown level, must be one of [red, blue]",
          api.postJson("/v1/classify", "{\"colour\": \"green\"}").errorMessage());
      assertEquals(
          "colour: must be a string, one of [red, blue], got a number",
          api.postJson("/v1/classify", "{\"colour\": 3}").errorMessage());
    }
  }
}
