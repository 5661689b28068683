package dev.smileflow.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smileflow.bundle.testing.TestBundles;
import dev.smileflow.mlflow.MlflowClient;
import dev.smileflow.mlflow.testing.MlflowTestServer;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM against {@code java -jar api.jar} with hostile timing: a request in flight through the
 * drain and the stop, a request that outlasts the stop timeout, and a swap under way. Every step
 * waits for something the api shows (a metric, a status, a log line), never for a fixed time.
 */
class ShutdownIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** JVM exit and the shutdown hook's own work, on a busy two-core machine. */
  private static final Duration MARGIN = Duration.ofSeconds(3);

  /** A WARN or ERROR line, or a stack trace, in the text log format. */
  private static final Pattern TROUBLE =
      Pattern.compile("(?m)^\\S+ (WARN|ERROR) |^\\s+at |Exception in thread");

  @TempDir static Path dir;
  static Path bundle;

  @BeforeAll
  static void writeBundle() throws IOException {
    bundle = TestBundles.writeIris(dir.resolve("iris-bundle"), "logistic");
  }

  /** Waits until the api is handling {@code n} requests besides the scrape that asks. */
  private static void awaitInFlight(ApiProcess api, int n) throws Exception {
    Await.until(
        n + " request(s) in flight",
        Duration.ofSeconds(30),
        () -> api.metric("http_server_requests_active").orElse(-1),
        active -> active >= n + 1);
  }

  /** The api serving the local bundle, with this drain delay and stop timeout. */
  private static ApiProcess launchLocal(Duration drain, Duration timeout) throws IOException {
    return ApiProcess.launch(
        dir,
        Map.of(
            "MODEL_URI", bundle.toString(),
            "LOG_FORMAT", "text",
            "SHUTDOWN_DRAIN_SECONDS", String.valueOf(drain.toSeconds()),
            "SHUTDOWN_TIMEOUT_SECONDS", String.valueOf(timeout.toSeconds())));
  }

  private static long millisSince(long t0) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
  }

  @Test
  void readyAnswers503WhileDrainingAndARequestInFlightThroughTheDrainAndTheStopFinishes()
      throws Exception {
    var drain = Duration.ofSeconds(3);
    var timeout = Duration.ofSeconds(5);
    try (ApiProcess api = launchLocal(drain, timeout)) {
      api.awaitReady();
      // Leading spaces are valid JSON: they let the client trickle its body for a while.
      byte[] body = (" ".repeat(300) + ApiProcess.VIRGINICA).getBytes(StandardCharsets.UTF_8);
      try (RawRequest slow = RawRequest.post(api.port(), "/v1/classify", body.length)) {
        slow.send(body, 0, 10);
        awaitInFlight(api, 1);

        long t0 = System.nanoTime();
        api.process().destroy(); // SIGTERM

        HttpResponse<String> ready =
            Await.until(
                "/health/ready turning 503",
                drain,
                () -> api.get("/health/ready"),
                r -> r.statusCode() == 503);
        JsonNode error = JSON.readTree(ready.body()).path("error");
        assertEquals("ServiceDraining", error.path("raised").asText(), ready.body());
        assertTrue(error.path("message").asText().contains("draining"), ready.body());
        assertEquals(200, api.get("/health/live").statusCode(), "live while draining");
        var fresh = api.classify();
        assertEquals(200, fresh.statusCode(), "a new request while draining: " + fresh.body());
        assertTrue(api.process().isAlive());

        // The slow client keeps sending, a byte every 100 ms, until the drain is over and the
        // server waits only for what is in flight; then it sends the rest.
        int sent = 10;
        while (!api.output().contains("drain over")) {
          assertTrue(sent < 300, "the drain outlasted the client's padding:\n" + api.output());
          slow.send(body, sent++, 1);
          Thread.sleep(100);
        }
        slow.send(body, sent, body.length - sent);
        RawRequest.Response r = slow.read();
        assertEquals(200, r.status(), r.statusLine() + "\n" + r.body());
        assertTrue(r.body().contains("Iris-virginica"), r.body());
        assertTrue(
            r.headers().toLowerCase(Locale.ROOT).contains("connection: close"),
            "a response during the stop closes its connection:\n" + r.headers());

        assertEquals(143, api.awaitExit(Duration.ofSeconds(30)));
        long stopMillis = millisSince(t0);
        assertTrue(
            stopMillis < drain.plus(timeout).plus(MARGIN).toMillis(),
            "stopped in " + stopMillis + " ms");
        assertTrue(stopMillis >= drain.toMillis(), "drained for " + stopMillis + " ms");
      }
      String log = api.output();
      assertTrue(log.contains("shutting down: draining"), log);
      assertTrue(log.contains("waiting up to 5000 ms for 1 request(s) in flight"), log);
      assertTrue(log.contains("every request in flight finished"), log);
      assertTrue(log.contains("POST /v1/classify 200"), log);
      assertFalse(TROUBLE.matcher(log).find(), log);
    }
  }

  @Test
  void requestsOutlastingTheStopTimeoutAreAbandonedAndCountedAndTheProcessExitsInTime()
      throws Exception {
    var drain = Duration.ofSeconds(1);
    var timeout = Duration.ofSeconds(2);
    try (ApiProcess api = launchLocal(drain, timeout)) {
      api.awaitReady();
      byte[] body = ApiProcess.VIRGINICA.getBytes(StandardCharsets.UTF_8);
      try (RawRequest stalled = RawRequest.post(api.port(), "/v1/classify", body.length);
          RawRequest endless = RawRequest.post(api.port(), "/v1/classify", 1_000_000)) {
        // One client sends half its body and then nothing; the other sends a byte every 100 ms
        // of a body that would take more than a day.
        stalled.send(body, 0, body.length / 2);
        Thread trickle =
            Thread.ofVirtual()
                .start(() -> {
                  byte[] space = {' '};
                  try {
                    while (true) {
                      endless.send(space, 0, 1);
                      Thread.sleep(100);
                    }
                  } catch (IOException | InterruptedException cutOff) {
                    // the server closed the connection
                  }
                });
        awaitInFlight(api, 2);

        long t0 = System.nanoTime();
        api.process().destroy(); // SIGTERM
        assertEquals(143, api.awaitExit(Duration.ofSeconds(30)));
        long stopMillis = millisSince(t0);
        assertTrue(
            stopMillis < drain.plus(timeout).plus(MARGIN).toMillis(),
            "stopped in " + stopMillis + " ms");

        // Silent for a second once the stop began: answered 408.
        assertEquals(408, stalled.read().status());
        // Still sending at the timeout: abandoned, its connection closed, at most after a 499.
        trickle.join(Duration.ofSeconds(10));
        assertFalse(trickle.isAlive(), "the endless upload was cut off");
        try {
          assertEquals(499, endless.read().status());
        } catch (IOException closedWithoutAnAnswer) {
          // the other way an abandoned request ends
        }
      }
      String log = api.output();
      assertTrue(log.contains("POST /v1/classify 408"), log);
      assertTrue(log.contains("POST /v1/classify 499"), "the abandoned request is logged:\n" + log);
      assertTrue(
          log.contains(
              "shutdown timeout of 2000 ms reached: abandoning 1 request(s) still in flight"),
          log);
      assertTrue(log.contains("stopped"), log);
      assertFalse(log.contains(" ERROR "), log);
      assertFalse(Pattern.compile("(?m)^\\s+at ").matcher(log).find(), log);
    }
  }

  @Test
  void sigtermDuringASwapAbandonsItAndTheCacheStillServesTheNextStart() throws Exception {
    MlflowTestServer server = MlflowTestServer.shared();
    Path cache = dir.resolve("cache-swap");
    String v1;
    String modelName;
    try (MlflowClient client = server.newClient();
        HoldingProxy proxy = new HoldingProxy(server.uri())) {
      Publisher p =
          new Publisher(
              client,
              MlflowTestServer.uniqueName("shutdown-it"),
              MlflowTestServer.uniqueName("iris"));
      modelName = p.modelName;
      v1 = p.publish(bundle);
      p.alias("production", v1);
      var env = new HashMap<>(server.env());
      env.put("MLFLOW_TRACKING_URI", proxy.uri().toString());
      env.put("MODEL_NAME", p.modelName);
      env.put("MODEL_CACHE_DIR", cache.toString());
      env.put("MODEL_REFRESH_SECONDS", "1");
      env.put("LOG_FORMAT", "text");
      env.put("SHUTDOWN_DRAIN_SECONDS", "1");
      env.put("SHUTDOWN_TIMEOUT_SECONDS", "2");
      try (ApiProcess api = ApiProcess.launch(dir, env)) {
        api.awaitReady();
        assertEquals(v1, servedVersion(api));

        // The next download will not finish: the swap to v2 is under way for as long as it takes.
        proxy.holdDownloads();
        String v2 = p.publish(bundle);
        p.alias("production", v2);
        api.awaitLog(
            Pattern.compile(
                "now points at version " + v2 + " \\(serving " + v1 + "\\): loading it"),
            Duration.ofSeconds(60));
        Await.until("the download of v2 held", Duration.ofSeconds(30), proxy::held, n -> n > 0);

        long t0 = System.nanoTime();
        api.process().destroy(); // SIGTERM, mid-swap
        assertEquals(143, api.awaitExit(Duration.ofSeconds(30)));
        long stopMillis = millisSince(t0);
        assertTrue(
            stopMillis < Duration.ofSeconds(3).plus(MARGIN).toMillis(),
            "stopped in " + stopMillis + " ms");
        String log = api.output();
        assertTrue(
            log.contains(
                "shutting down: stopped loading version " + v2 + "; still serving version " + v1),
            log);
        assertFalse(log.contains("model swapped"), log);
        assertFalse(log.contains("refused"), log);
        assertFalse(TROUBLE.matcher(log).find(), log);
      }
    }

    // The next start finds MLflow unreachable and falls back to the cache the swap left behind.
    try (ClosedPort down = new ClosedPort();
        ApiProcess api = ApiProcess.launchFromCache(dir, down, modelName, cache)) {
      api.awaitReady();
      JsonNode model = JSON.readTree(api.get("/v1/model").body()).path("data");
      assertEquals("cache", model.path("source").asText(), model.toString());
      assertEquals(v1, model.path("version").asText(), "the abandoned v2 never reached the cache");
      for (int i = 0; i < 20; i++) {
        assertEquals(v1, servedVersion(api));
      }
    }
  }

  /** The model version {@code /v1/classify} answers with (and a 200 with the right label). */
  private static String servedVersion(ApiProcess api) throws Exception {
    HttpResponse<String> r = api.classify();
    assertEquals(200, r.statusCode(), r.body());
    JsonNode data = JSON.readTree(r.body()).path("data");
    assertEquals("Iris-virginica", data.path("pred_label").asText(), r.body());
    return data.path("model_version").asText();
  }
}
