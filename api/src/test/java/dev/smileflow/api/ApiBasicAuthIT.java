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
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code java -jar api.jar} against MLflow's real basic-auth app (one server for the class). */
class ApiBasicAuthIT {
  private static final String ADMIN = "api-admin";
  private static final String PASSWORD = "Api-admin-secret-42";
  private static final String WRONG_PASSWORD = "Wrong-api-secret-99";
  private static final String VIRGINICA =
      "{\"sepal_length\": 7.7, \"sepal_width\": 2.6, \"petal_length\": 6.9, \"petal_width\": 2.3}";
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

  /**
   * The jar as a process with the test's environment only (none of this JVM's MLflow or model
   * settings).
   */
  private record Api(Process process, Path log, int port) implements AutoCloseable {
    static Api launch(Map<String, String> env) throws IOException {
      Path jar = Path.of("target", "api.jar").toAbsolutePath();
      assertTrue(Files.isRegularFile(jar), "build the jar first: " + jar);
      var pb =
          new ProcessBuilder(
              ProcessHandle.current().info().command().orElse("java"), "-jar", jar.toString());
      pb.environment()
          .keySet()
          .removeIf(k ->
              k.startsWith("MLFLOW_")
                  || k.startsWith("MODEL_")
                  || k.equals("PORT")
                  || k.equals("API_KEY")
                  || k.equals("TAG"));
      int port = freePort();
      pb.environment().put("PORT", Integer.toString(port));
      pb.environment().put("HOST", "127.0.0.1");
      pb.environment().put("LOG_FORMAT", "text");
      pb.environment().put("MODEL_CACHE_DIR", dir.resolve("cache-" + port).toString());
      pb.environment().putAll(env);
      Path log = Files.createTempFile(dir, "api-", ".log");
      pb.redirectErrorStream(true).redirectOutput(log.toFile());
      return new Api(pb.start(), log, port);
    }

    String output() throws IOException {
      return Files.readString(log);
    }

    int awaitExit() throws Exception {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("api did not exit:\n" + output());
      }
      return process.exitValue();
    }

    void awaitReady() throws Exception {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new AssertionError("api exited with " + process.exitValue() + ":\n" + output());
        }
        try {
          if (send(HttpRequest.newBuilder(uri("/health/ready"))).statusCode() == 200) {
            return;
          }
        } catch (IOException notYet) {
          // not listening yet
        }
        Thread.sleep(100);
      }
      throw new AssertionError("api not ready in time:\n" + output());
    }

    URI uri(String path) {
      return URI.create("http://127.0.0.1:" + port + path);
    }

    /** The model version the api answers {@code /v1/classify} with. */
    String classifiedVersion() throws IOException, InterruptedException {
      HttpResponse<String> r =
          send(
              HttpRequest.newBuilder(uri("/v1/classify"))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(VIRGINICA)));
      assertEquals(200, r.statusCode(), r.body());
      JsonNode data = JSON.readTree(r.body()).path("data");
      assertEquals("Iris-virginica", data.path("pred_label").asText(), r.body());
      return data.path("model_version").asText();
    }

    static HttpResponse<String> send(HttpRequest.Builder request)
        throws IOException, InterruptedException {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }

  static int freePort() throws IOException {
    try (var s = new ServerSocket(0)) {
      return s.getLocalPort();
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
    env.putAll(credentials);
    return env;
  }

  @Test
  void wrongPasswordRefusesToStartNamingTheCauseAndNeverPrintsAPassword() throws Exception {
    Publisher p = publishedModel("auth-wrong");
    try (Api api =
        Api.launch(
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
    try (Api api = Api.launch(env(p.modelName, Map.of()))) {
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
    String password = "Api-reader-secret-31";
    String changed = "Api-reader-changed-32";
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
    try (Api api = Api.launch(env)) {
      api.awaitReady();
      assertEquals("1", api.classifiedVersion());

      // The admin changes the api's password, then promotes version 2: polls now get 401.
      adminCall(
          "PATCH",
          "/api/2.0/mlflow/users/update-password",
          "{\"username\": \"" + user + "\", \"password\": \"" + changed + "\"}");
      p.alias("production", p.publish(bundle));
      String unauthorized = "model_refresh_errors_total{reason=\"REGISTRY_UNAUTHORIZED\"";
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!metrics(api).contains(unauthorized) && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      assertTrue(metrics(api).contains(unauthorized), metrics(api));
      assertEquals(
          "1",
          api.classifiedVersion(),
          "the loaded model keeps serving while MLflow refuses the api");
      assertTrue(api.process().isAlive());

      // The old password is valid again: the next polls find version 2 and swap it in.
      adminCall(
          "PATCH",
          "/api/2.0/mlflow/users/update-password",
          "{\"username\": \"" + user + "\", \"password\": \"" + password + "\"}");
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      String served = api.classifiedVersion();
      while (!served.equals("2") && System.nanoTime() < deadline) {
        Thread.sleep(200);
        served = api.classifiedVersion();
      }
      assertEquals("2", served, api.output());
      String out = api.output();
      assertTrue(out.contains("registry check failed (REGISTRY_UNAUTHORIZED)"), out);
      assertFalse(out.contains(password) || out.contains(changed) || out.contains(PASSWORD), out);
    }
  }

  private static String metrics(Api api) throws IOException, InterruptedException {
    return Api.send(HttpRequest.newBuilder(api.uri("/metrics"))).body();
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
    try (Api api = Api.launch(env)) {
      api.awaitReady();
      assertEquals("1", api.classifiedVersion());
      JsonNode model = JSON.readTree(Api.send(HttpRequest.newBuilder(api.uri("/v1/model"))).body());
      assertEquals(p.modelName, model.path("data").path("name").asText(), model.toString());
      assertEquals("registry", model.path("data").path("source").asText(), model.toString());

      // Polling keeps authenticating: a promotion made with the admin client reaches the running
      // api.
      p.alias("production", p.publish(bundle));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      String served = api.classifiedVersion();
      while (!served.equals("2") && System.nanoTime() < deadline) {
        Thread.sleep(200);
        served = api.classifiedVersion();
      }
      assertEquals("2", served, api.output());
      assertTrue(api.process().isAlive());
      assertFalse(api.output().contains(PASSWORD), api.output());
    }
  }
}
