package dev.smileflow.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.spy;

import dev.smileflow.api.model.ServedModel;
import dev.smileflow.bundle.BundleDescriptor;
import dev.smileflow.bundle.Feature;
import dev.smileflow.bundle.LoadedModel;
import dev.smileflow.bundle.ModelBundle;
import dev.smileflow.bundle.testing.TestBundles;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import smile.classification.KNN;

/**
 * Readiness before a model is loaded, API-key auth, what a bug looks like from outside, and swaps
 * under load. Models are real bundles written with {@link ModelBundle#write}; where a test needs a
 * prediction to pause or fail, a Mockito spy wraps the real loaded model.
 */
class GuardsTest {
  private static final String ROW =
      "{\"sepal_length\": 7.7, \"sepal_width\": 2.6, \"petal_length\": 6.9, \"petal_width\": 2.3}";

  @TempDir static Path bundles;
  static LoadedModel iris;

  @TempDir Path dir;

  @BeforeAll
  static void loadIris() throws Exception {
    iris = ModelBundle.load(TestBundles.writeIris(bundles.resolve("iris"), "logistic"));
  }

  private static ServedModel model(String version, LoadedModel loaded) {
    return new ServedModel(
        "m",
        version,
        "models:/m@production",
        "run-" + version,
        ServedModel.Origin.REGISTRY,
        Instant.now(),
        loaded);
  }

  /** A one-feature model over a categorical {@code colour} (red -> a, blue -> b). */
  private static LoadedModel colours() throws Exception {
    double[][] x = {{1, 0}, {0, 1}, {1, 0}, {0, 1}};
    int[] y = {0, 1, 0, 1};
    var descriptor =
        BundleDescriptor.of(
            "knn",
            Map.of("k", "1"),
            List.of(new Feature.Categorical("colour", List.of("red", "blue"), false, null)),
            "label",
            List.of("a", "b"),
            Map.of(),
            "colours-4",
            4,
            1,
            Instant.parse("2026-01-01T00:00:00Z"));
    Path written = bundles.resolve("colours");
    ModelBundle.write(
        written, KNN.fit(x, y, 1), descriptor, Map.of("colour", "red"), mlmodel -> mlmodel);
    return ModelBundle.load(written);
  }

  @Test
  void whileDrainingReadinessAnswers503ButEveryOtherRouteKeepsServing() {
    try (RunningApi api = RunningApi.start(Map.of("MODEL_URI", dir.toString()))) {
      api.holder.swap(model("3", iris));
      assertEquals(200, api.get("/health/ready").status());

      api.draining.begin();
      var ready = api.get("/health/ready");
      assertEquals(503, ready.status(), ready.body());
      assertEquals("ServiceDraining", ready.json().at("/error/raised").asText());
      assertEquals("ApiHealth", ready.json().at("/error/raisedOn").asText());
      assertTrue(
          ready.errorMessage().startsWith("service: draining before shutdown"), ready.body());
      assertTrue(
          ready.headers().firstValue("Retry-After").isEmpty(),
          "this instance will not be back: no Retry-After");
      assertEquals(200, api.get("/health/live").status());
      var classify = api.postJson("/v1/classify", ROW);
      assertEquals(200, classify.status(), classify.body());
      assertEquals("3", classify.json().at("/data/model_version").asText());
      assertEquals(200, api.get("/v1/model").status());
      assertTrue(
          api.get("/metrics").body().contains("http_server_requests_active 1.0"),
          "the scrape counts itself");
    }
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
      api.holder.swap(model("7", iris));
      var none = api.postJson("/v1/classify", ROW);
      assertEquals(401, none.status());
      assertEquals("Unauthorized", none.json().at("/error/raised").asText());
      assertEquals("X-API-Key: missing or wrong API key", none.errorMessage());
      assertFalse(none.body().contains(key));
      assertTrue(none.headers().firstValue("X-Request-Id").isPresent(), "a refusal has an id");
      assertEquals(401, api.get("/v1/nowhere").status(), "all of /v1/ is keyed, routed or not");
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
      assertEquals(200, api.get("/openapi.json").status());
      assertEquals(200, api.get("/docs").status());
      String metrics = api.get("/metrics").body();
      assertTrue(metrics.contains("status=\"401\""), "refusals are counted: " + metrics);
    }
  }

  @Test
  void aRequestInFlightDuringASwapFinishesOnTheModelItStartedWith() throws Exception {
    try (RunningApi api = RunningApi.start(Map.of("MODEL_URI", dir.toString()))) {
      var entered = new CountDownLatch(1);
      var release = new CountDownLatch(1);
      LoadedModel paused = spy(iris);
      doAnswer(
              call -> {
                entered.countDown();
                release.await();
                return call.callRealMethod();
              })
          .when(paused)
          .predict(anyMap());
      api.holder.swap(model("7", paused));
      var inFlight = CompletableFuture.supplyAsync(() -> api.postJson("/v1/classify", ROW));
      entered.await();
      api.holder.swap(model("8", iris));
      var during = api.postJson("/v1/classify", ROW);
      assertEquals(
          "8",
          during.json().at("/data/model_version").asText(),
          "new requests see the new model at once");
      release.countDown();
      var finished = inFlight.get(10, TimeUnit.SECONDS);
      assertEquals(200, finished.status(), finished.body());
      assertEquals("7", finished.json().at("/data/model_version").asText());
      assertEquals("Iris-virginica", finished.json().at("/data/pred_label").asText());
    }
  }

  @Test
  void aBugIsA500WithTheRequestIdAndNoStackTrace() {
    try (RunningApi api = RunningApi.start(Map.of("MODEL_URI", dir.toString()))) {
      LoadedModel broken = spy(iris);
      doThrow(new IllegalStateException("internal detail /secret/path"))
          .when(broken)
          .predict(anyMap());
      api.holder.swap(model("7", broken));
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
  void aCategoricalFieldReachesTheModelAsTextAndTakesOnlyItsLevels() throws Exception {
    try (RunningApi api = RunningApi.start(Map.of("MODEL_URI", dir.toString()))) {
      api.holder.swap(model("1", colours()));
      var blue = api.postJson("/v1/classify", "{\"colour\": \"blue\"}");
      assertEquals(200, blue.status(), blue.body());
      assertEquals("b", blue.json().at("/data/pred_label").asText());
      assertEquals(
          "colour: unknown level 'green' (expected one of: red, blue)",
          api.postJson("/v1/classify", "{\"colour\": \"green\"}").errorMessage());
      assertEquals(
          "colour: must be a string (got number)",
          api.postJson("/v1/classify", "{\"colour\": 3}").errorMessage());
    }
  }
}
