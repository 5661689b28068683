package dev.smileflow.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smileflow.api.http.Warmup;
import dev.smileflow.api.model.ModelFetcher;
import dev.smileflow.api.model.ModelSource;
import dev.smileflow.api.model.ServedModel;
import dev.smileflow.api.model.WarmupBudget;
import dev.smileflow.bundle.testing.TestBundles;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The warm-up drives the real HTTP serving path of a staged model, which is not ready yet. */
class WarmupTest {
  @TempDir Path dir;

  private ServedModel iris() throws Exception {
    Path bundle = TestBundles.writeIris(dir.resolve("iris"), "logistic");
    return new ModelFetcher(new ModelSource.LocalDirectory(bundle), null, null, Clock.systemUTC())
        .loadLocal();
  }

  @Test
  void warmUpClassifiesThroughTheRealPortWhileReadinessStays503AndStaysOutOfTheRequestMetrics()
      throws Exception {
    try (RunningApi api =
        RunningApi.start(Map.of("MODEL_URI", dir.toString(), "API_KEY", "0123456789abcdef"))) {
      ServedModel model = iris();
      api.holder.stage(model);
      assertEquals(503, api.get("/health/ready").status());

      var warmup =
          new Warmup(
              "0.0.0.0",
              api.uri("/").getPort(),
              model.model().inputExample(),
              "0123456789abcdef",
              api.config.maxBatchRows());
      Warmup.Result r = warmup.run(new WarmupBudget(Duration.ofMinutes(5), 120), 3);

      assertEquals(120, r.requests());
      assertEquals(0, r.failures());
      assertEquals(503, api.get("/health/ready").status(), "staged, warmed, but not swapped yet");
      String metrics = api.get("/metrics").body();
      assertTrue(metrics.contains("api_warmup_requests_total{status=\"200\"} 120.0"), metrics);
      assertFalse(metrics.contains("uri=\"/v1/classify"), "warm-up left out of request metrics");
      assertFalse(metrics.contains("model_predictions_total{"), "and out of the predictions");

      api.holder.swap(model);
      assertEquals(200, api.get("/health/ready").status());
      // Once ready, the header no longer hides a request from the metrics.
      var after =
          api.send(
              HttpRequest.newBuilder(api.uri("/v1/classify"))
                  .header("Content-Type", "application/json")
                  .header("X-API-Key", "0123456789abcdef")
                  .header(Warmup.HEADER, "1")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"sepal_length\": 5.1, \"sepal_width\": 3.5, \"petal_length\": 1.4, \"petal_width\": 0.2}")));
      assertEquals(200, after.status(), after.body());
      String later = api.get("/metrics").body();
      assertTrue(later.contains("uri=\"/v1/classify\""), later);
      assertTrue(later.contains("api_warmup_requests_total{status=\"200\"} 120.0"), later);
    }
  }

  @Test
  void aWarmUpWithoutBudgetSendsNothing() throws Exception {
    try (RunningApi api = RunningApi.start(Map.of("MODEL_URI", dir.toString()))) {
      ServedModel model = iris();
      var warmup =
          new Warmup("127.0.0.1", api.uri("/").getPort(), model.model().inputExample(), null, 100);
      Warmup.Result r = warmup.run(new WarmupBudget(Duration.ZERO, 0), 2);
      assertEquals(0, r.requests());
      assertFalse(api.get("/metrics").body().contains("api_warmup_requests_total"));
    }
  }

  @Test
  void aWarmUpAgainstAServiceWithoutAModelCountsEveryRequestAsFailed() throws Exception {
    try (RunningApi api = RunningApi.start(Map.of("MODEL_URI", dir.toString()))) {
      ServedModel model = iris();
      var warmup =
          new Warmup("127.0.0.1", api.uri("/").getPort(), model.model().inputExample(), null, 100);
      Warmup.Result r = warmup.run(new WarmupBudget(Duration.ofMinutes(5), 20), 1);
      assertEquals(20, r.requests());
      assertEquals(20, r.failures());
      assertTrue(api.get("/metrics").body().contains("api_warmup_requests_total{status=\"503\"}"));
    }
  }
}
