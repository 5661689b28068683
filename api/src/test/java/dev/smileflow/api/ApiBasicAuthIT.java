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
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code java -jar api.jar} against MLflow's real basic-auth app (one server for the class). */
class ApiBasicAuthIT {
  private static final String ADMIN = "api-admin";
  private static final String PASSWORD = "ApiProcess-admin-secret-42";
  private static final String WRONG_PASSWORD = "Wrong-api-secret-99";
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  static MlflowTestServer server;
  static MlflowClient admin;
  static Path bundle;

  @BeforeAll
  static void startServer() throws IOException {
    server = MlflowTestServer.startWithBasicAuth(ADMIN, PASSWORD);
    admin = server.newClient();
    bundle = TestBundles.writeIris(dir.resolve("iris-bundle"), "logistic");
  }

  @AfterAll
  static void stopServer() {
    if (admin != null) {
      admin.close();
    }
    if (server != null) {
      server.close();
    }
  }

  /** A registered model whose alias {@code production} points at a freshly published version. */
  private static Publisher publishedModel(String prefix) {
    Publisher p =
        new Publisher(
            admin,
            MlflowTestServer.uniqueName(prefix + "-exp"),
            MlflowTestServer.uniqueName(prefix));
    p.alias("production", p.publish(bundle));
    return p;
  }

  private static Map<String, String> env(String modelName, Map<String, String> credentials) {
    var env = new HashMap<String, String>();
    env.put("MLFLOW_TRACKING_URI", server.uri().toString());
    env.put("MODEL_NAME", modelName);
    env.put("MODEL_STARTUP_RETRY_SECONDS", "5");
    env.put("LOG_FORMAT", "text");
    env.put("MODEL_CACHE_DIR", dir.resolve("cache-" + modelName).toString());
    env.putAll(credentials);
    return env;
  }

  @Test
  void wrongPasswordRefusesToStartNamingTheCauseAndNeverPrintsAPassword() throws Exception {
    Publisher p = publishedModel("auth-wrong");
    try (ApiProcess api =
        ApiProcess.launch(
            dir,
            env(
                p.modelName,
                Map.of(
                    "MLFLOW_TRACKING_USERNAME",
                    ADMIN,
                    "MLFLOW_TRACKING_PASSWORD",
                    WRONG_PASSWORD)))) {
      assertEquals(3, api.awaitExit());
      String out = api.output();
      assertTrue(out.contains("refusing to start (REGISTRY_UNAUTHORIZED)"), out);
      assertTrue(out.contains("HTTP 401"), out);
      assertTrue(out.contains("MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD"), out);
      assertFalse(out.contains(WRONG_PASSWORD), out);
      assertFalse(out.contains(PASSWORD), out);
      // a 401 is final: the start-up loop never retries it
      assertFalse(out.contains("MLflow unreachable (attempt"), out);
    }
  }

  @Test
  void missingCredentialsRefuseToStartWithTheReason() throws Exception {
    Publisher p = publishedModel("auth-none");
    try (ApiProcess api = ApiProcess.launch(dir, env(p.modelName, Map.of()))) {
      assertEquals(3, api.awaitExit());
      String out = api.output();
      assertTrue(out.contains("refusing to start (REGISTRY_UNAUTHORIZED)"), out);
      assertTrue(out.contains("HTTP 401"), out);
      assertFalse(out.contains(PASSWORD), out);
    }
  }

  @Test
  void revokedCredentialsKeepTheServedModelAndARestoredPasswordResumesFollowing() throws Exception {
    String user = MlflowTestServer.uniqueName("api-reader");
    String password = "ApiProcess-reader-secret-31";
    String changed = "ApiProcess-reader-changed-32";
    adminCall(
        "POST",
        "/api/2.0/mlflow/users/create",
        "{\"username\": \"" + user + "\", \"password\": \"" + password + "\"}");
    Publisher p = publishedModel("auth-revoked");
    var env =
        env(
            p.modelName,
            Map.of("MLFLOW_TRACKING_USERNAME", user, "MLFLOW_TRACKING_PASSWORD", password));
    env.put("MODEL_REFRESH_SECONDS", "1");
    try (ApiProcess api = ApiProcess.launch(dir, env)) {
      api.awaitReady();
      assertEquals("1", classifiedVersion(api));

      // The admin changes the api's password, then promotes version 2: polls now get 401.
      adminCall(
          "PATCH",
          "/api/2.0/mlflow/users/update-password",
          "{\"username\": \"" + user + "\", \"password\": \"" + changed + "\"}");
      p.alias("production", p.publish(bundle));
      String unauthorized = "model_refresh_errors_total{reason=\"REGISTRY_UNAUTHORIZED\"";
      Await.until(
          "a poll refused with 401",
          Duration.ofSeconds(30),
          () -> metrics(api),
          m -> m.contains(unauthorized));
      assertEquals(
          "1",
          classifiedVersion(api),
          "the loaded model keeps serving while MLflow refuses the api");
      assertTrue(api.process().isAlive());

      // The old password is valid again: the next polls find version 2 and swap it in.
      adminCall(
          "PATCH",
          "/api/2.0/mlflow/users/update-password",
          "{\"username\": \"" + user + "\", \"password\": \"" + password + "\"}");
      Await.until(
          "version 2 served", Duration.ofSeconds(60), () -> classifiedVersion(api), "2"::equals);
      String out = api.output();
      assertTrue(out.contains("registry check failed (REGISTRY_UNAUTHORIZED)"), out);
      assertFalse(out.contains(password) || out.contains(changed) || out.contains(PASSWORD), out);
    }
  }

  /** The model version the api answers {@code /v1/classify} with. */
  private static String classifiedVersion(ApiProcess api) throws Exception {
    HttpResponse<String> r = api.classify();
    assertEquals(200, r.statusCode(), r.body());
    JsonNode data = JSON.readTree(r.body()).path("data");
    assertEquals("Iris-virginica", data.path("pred_label").asText(), r.body());
    return data.path("model_version").asText();
  }

  private static String metrics(ApiProcess api) throws Exception {
    return api.get("/metrics").body();
  }

  /** A call to MLflow's auth REST API as the admin; must answer 200. */
  private static void adminCall(String method, String path, String json)
      throws IOException, InterruptedException {
    String basic =
        Base64.getEncoder()
            .encodeToString((ADMIN + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(server.uri().resolve(path))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), method + " " + path + ": " + r.body());
  }

  @Test
  void rightCredentialsServeThePublishedModelAndFollowAPromotion() throws Exception {
    Publisher p = publishedModel("auth-right");
    var env =
        env(
            p.modelName,
            Map.of("MLFLOW_TRACKING_USERNAME", ADMIN, "MLFLOW_TRACKING_PASSWORD", PASSWORD));
    env.put("MODEL_REFRESH_SECONDS", "1");
    try (ApiProcess api = ApiProcess.launch(dir, env)) {
      api.awaitReady();
      assertEquals("1", classifiedVersion(api));
      JsonNode model = JSON.readTree(api.get("/v1/model").body());
      assertEquals(p.modelName, model.path("data").path("name").asText(), model.toString());
      assertEquals("registry", model.path("data").path("source").asText(), model.toString());

      // Polling keeps authenticating: a promotion made with the admin client reaches the running
      // api.
      p.alias("production", p.publish(bundle));
      Await.until(
          "version 2 served", Duration.ofSeconds(60), () -> classifiedVersion(api), "2"::equals);
      assertTrue(api.process().isAlive());
      assertFalse(api.output().contains(PASSWORD), api.output());
    }
  }
}
