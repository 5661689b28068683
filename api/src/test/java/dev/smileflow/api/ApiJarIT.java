package dev.smileflow.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.smileflow.bundle.testing.TestBundles;
import dev.smileflow.mlflow.MlflowClient;
import dev.smileflow.mlflow.testing.MlflowTestServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar api.jar} as a process: start-up, refusals with exit codes, logs. Shutdown has
 * its own {@link ShutdownIT}.
 */
class ApiJarIT {

  @TempDir static Path dir;
  static Path bundle;

  @BeforeAll
  static void writeBundle() throws IOException {
    bundle = TestBundles.writeIris(dir.resolve("iris-bundle"), "logistic");
  }

  @Test
  void localDirectoryServesWithoutMlflowAndLogsJsonLinesUntilItStops() throws Exception {
    try (ApiProcess api =
        ApiProcess.launch(
            dir,
            Map.of(
                "MODEL_URI", bundle.toString(),
                "LOG_FORMAT", "json",
                "TAG", "4.5.6",
                "SHUTDOWN_DRAIN_SECONDS", "0"))) {
      api.awaitReady();
      var r = api.classify();
      assertEquals(200, r.statusCode(), r.body());
      assertTrue(r.body().contains("\"version\":\"4.5.6\""), r.body());
      String requestId = r.headers().firstValue("X-Request-Id").orElseThrow();

      api.process().destroy(); // SIGTERM
      assertEquals(143, api.awaitExit());
      String log = api.output();
      assertTrue(log.lines().allMatch(l -> l.startsWith("{\"time\":")), log);
      assertTrue(log.contains("\"severity\":\"INFO\""), log);
      assertTrue(log.contains("\"request_id\":\"" + requestId + "\""), log);
      assertTrue(log.contains("ready: serving iris-bundle version local"), log);
      assertTrue(log.contains("\"message\":\"shutting down: draining"), log);
      assertTrue(log.contains("\"message\":\"stopped "), log);
    }
  }

  @Test
  void theJarWarmsItsServingPathOverItsOwnPortBeforeItReportsReady() throws Exception {
    try (ApiProcess api =
        ApiProcess.launch(
            dir,
            Map.of(
                "MODEL_URI", bundle.toString(),
                "LOG_FORMAT", "text",
                "WARMUP_REQUESTS", "500",
                "WARMUP_SECONDS", "60"))) {
      api.awaitReady();
      String log = api.output();
      int warmed = log.indexOf("warm-up: 500 requests over");
      int ready = log.indexOf("ready: serving iris-bundle");
      assertTrue(warmed >= 0 && ready > warmed, "warm-up finished before ready:\n" + log);
      assertTrue(log.contains("(0 failed)"), log);
      assertFalse(
          log.contains("POST /v1/classify 200"), "no access lines for the warm-up:\n" + log);
      String metrics = api.get("/metrics").body();
      assertTrue(metrics.contains("api_warmup_requests_total{status=\"200\"} 500.0"), metrics);
      assertFalse(metrics.contains("uri=\"/v1/classify"), metrics);
    }
  }

  @Test
  void fromTheRegistryItBecomesReadyAndLogsItsStartToReadyTime() throws Exception {
    MlflowTestServer server = MlflowTestServer.shared();
    try (MlflowClient client = server.newClient()) {
      Publisher p =
          new Publisher(
              client,
              MlflowTestServer.uniqueName("api-jar-it"),
              MlflowTestServer.uniqueName("iris"));
      String v = p.publish(bundle);
      p.alias("production", v);
      var env = new HashMap<>(server.env());
      env.put("MODEL_NAME", p.modelName);
      env.put("LOG_FORMAT", "text");
      try (ApiProcess api = ApiProcess.launch(dir, env)) {
        api.awaitReady();
        var r = api.classify();
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"model_version\":\"" + v + "\""), r.body());
        Matcher m =
            Pattern.compile("ready: serving .* (\\d+) ms after JVM start").matcher(api.output());
        assertTrue(m.find(), api.output());
        System.out.println("api start-to-ready (registry, loopback): " + m.group(1) + " ms");
        assertTrue(api.get("/metrics").body().contains("api_startup_seconds"));
      }
    }
  }

  @Test
  void unreachableMlflowAtStartRefusesToStartWithTheReason() throws Exception {
    try (ClosedPort down = new ClosedPort();
        ApiProcess api =
            ApiProcess.launch(
                dir,
                Map.of(
                    "MLFLOW_TRACKING_URI",
                    down.uri().toString(),
                    "MODEL_STARTUP_RETRY_SECONDS",
                    "2",
                    "LOG_FORMAT",
                    "text"))) {
      assertEquals(3, api.awaitExit());
      String out = api.output();
      assertTrue(out.contains("refusing to start (REGISTRY_UNREACHABLE)"), out);
      assertTrue(out.contains("MLflow unreachable"), out);
    }
  }

  @Test
  void unauthorizedMlflowAtStartRefusesToStartAndNeverLogsTheCredentials() throws Exception {
    HttpServer fake = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    fake.createContext(
        "/",
        exchange -> {
          byte[] b =
              "{\"error_code\":\"UNAUTHENTICATED\",\"message\":\"You are not authenticated\"}"
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"mlflow\"");
          exchange.sendResponseHeaders(401, b.length);
          exchange.getResponseBody().write(b);
          exchange.close();
        });
    fake.start();
    try (ApiProcess api =
        ApiProcess.launch(
            dir,
            Map.of(
                "MLFLOW_TRACKING_URI",
                "http://127.0.0.1:" + fake.getAddress().getPort(),
                "MLFLOW_TRACKING_USERNAME",
                "svc-user",
                "MLFLOW_TRACKING_PASSWORD",
                "s3cret-Passw0rd-xyz",
                "LOG_FORMAT",
                "text"))) {
      assertEquals(3, api.awaitExit());
      String out = api.output();
      assertTrue(out.contains("refusing to start (REGISTRY_UNAUTHORIZED)"), out);
      assertFalse(out.contains("s3cret-Passw0rd-xyz"), out);
    } finally {
      fake.stop(0);
    }
  }

  @Test
  void invalidConfigurationFailsAtStartListingEveryProblem() throws Exception {
    try (ApiProcess api =
        ApiProcess.launch(
            dir,
            Map.of(
                "PORT",
                "80",
                "MODEL_URI",
                "/no/such/dir",
                "LOG_FORMAT",
                "xml",
                "MAX_BODY_BYTES",
                "big"))) {
      assertEquals(2, api.awaitExit());
      String out = api.output();
      assertTrue(
          out.contains("MODEL_URI: local model directory does not exist: /no/such/dir"), out);
      assertTrue(out.contains("LOG_FORMAT: must be one of [json, text], got 'xml'"), out);
      assertTrue(out.contains("MAX_BODY_BYTES: not a whole number: 'big'"), out);
    }
  }
}
