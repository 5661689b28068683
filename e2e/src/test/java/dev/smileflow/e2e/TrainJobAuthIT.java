package dev.smileflow.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smileflow.mlflow.Experiment;
import dev.smileflow.mlflow.MlflowClient;
import dev.smileflow.mlflow.ModelVersion;
import dev.smileflow.mlflow.Run;
import dev.smileflow.mlflow.RunSearch;
import dev.smileflow.mlflow.RunStatus;
import dev.smileflow.mlflow.testing.MlflowTestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar train-job.jar} against MLflow's real basic-auth app (one server for the class):
 * the right credentials train, register and promote, and {@code api.jar} with them serves the
 * result; a wrong password or a user who may not register stops the job with exit 4, a one-line
 * reason, no password in the output and no run left RUNNING (checked with the admin's credentials).
 */
class TrainJobAuthIT {
  private static final String ADMIN = "e2e-admin";
  private static final String PASSWORD = "E2e-admin-secret-77";
  private static final String WRONG_PASSWORD = "E2e-wrong-secret-88";
  private static final String READER = "e2e-reader";
  private static final String READER_PASSWORD = "E2e-reader-secret-66";
  private static final Duration JOB_TIMEOUT = Duration.ofMinutes(5);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String SETOSA =
      "{\"sepal_length\": 5.1, \"sepal_width\": 3.5, \"petal_length\": 1.4, \"petal_width\": 0.2}";

  @TempDir Path tmp;
  static MlflowTestServer server;
  static MlflowClient admin;

  @BeforeAll
  static void startServer() {
    server = MlflowTestServer.startWithBasicAuth(ADMIN, PASSWORD);
    admin = server.newClient();
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

  private static Map<String, String> env(
      String experiment, String model, String user, String password) {
    Map<String, String> env = new HashMap<>();
    env.put("MLFLOW_TRACKING_URI", server.uri().toString());
    env.put("MLFLOW_TRACKING_USERNAME", user);
    env.put("MLFLOW_TRACKING_PASSWORD", password);
    env.put("MLFLOW_EXPERIMENT_NAME", experiment);
    env.put("MODEL_NAME", model);
    return env;
  }

  private static List<Run> runs(String experimentId) {
    return admin.tracking().searchAllRuns(RunSearch.of(experimentId, null));
  }

  /** The one {@code error: <kind>: <message>} line the job prints on failure. */
  private static String reason(String output) {
    List<String> errors = output.lines().filter(l -> l.startsWith("error: ")).toList();
    assertEquals(1, errors.size(), "one reason line expected:\n" + output);
    return errors.getFirst();
  }

  private static void assertNoSecretIn(String output) {
    for (String secret : List.of(PASSWORD, WRONG_PASSWORD, READER_PASSWORD)) {
      assertFalse(output.contains(secret), "the output shows a password:\n" + output);
    }
    String basic =
        Base64.getEncoder()
            .encodeToString((ADMIN + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    assertFalse(output.contains(basic), "the output shows an Authorization header:\n" + output);
  }

  @Test
  void rightCredentialsTrainRegisterPromoteAndTheApiServesIt() throws Exception {
    String experiment = MlflowTestServer.uniqueName("auth-exp");
    String model = MlflowTestServer.uniqueName("auth-iris");
    JarProcess.Result result =
        JarProcess.run(
            JarProcess.jar("trainJob.jar"),
            env(experiment, model, ADMIN, PASSWORD),
            tmp.resolve("train.log"),
            JOB_TIMEOUT);

    assertEquals(0, result.exitCode(), "train-job failed:\n" + result.output());
    assertNoSecretIn(result.output());
    ModelVersion production = admin.registry().getVersionByAlias(model, "production");
    assertEquals("1", production.version());
    assertEquals(List.of("production"), production.aliases());
    List<Run> runs = runs(admin.tracking().getExperimentByName(experiment).experimentId());
    assertTrue(runs.size() >= 4, "a parent run and its candidates, got " + runs.size());
    assertTrue(
        runs.stream().allMatch(r -> r.info().status() == RunStatus.FINISHED),
        "every run FINISHED: " + runs.stream().map(r -> r.info().status()).toList());

    // The api, given the same credentials, serves what train-job promoted.
    Map<String, String> apiEnv = env(experiment, model, ADMIN, PASSWORD);
    apiEnv.put("HOST", "127.0.0.1");
    try (ApiServer api = ApiServer.startReady(apiEnv, tmp.resolve("api.log"))) {
      HttpResponse<String> answer = api.postJson("/v1/classify", SETOSA);
      assertEquals(200, answer.statusCode(), answer.body());
      assertTrue(answer.body().contains("\"pred_label\":\"Iris-setosa\""), answer.body());
      assertTrue(answer.body().contains("\"model_version\":\"1\""), answer.body());
      assertNoSecretIn(api.process().output());
    }
  }

  @Test
  void wrongPasswordExitsFourWithAOneLineReasonAndLeavesNoRun() throws Exception {
    String experiment = MlflowTestServer.uniqueName("auth-wrong");
    String model = MlflowTestServer.uniqueName("auth-wrong-iris");
    Experiment existing = admin.tracking().getOrCreateExperiment(experiment);

    long started = System.nanoTime();
    JarProcess.Result result =
        JarProcess.run(
            JarProcess.jar("trainJob.jar"),
            env(experiment, model, ADMIN, WRONG_PASSWORD),
            tmp.resolve("train.log"),
            JOB_TIMEOUT);
    long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();

    assertEquals(4, result.exitCode(), result.output());
    String reason = reason(result.output());
    assertTrue(reason.contains("401"), reason);
    assertTrue(reason.contains("MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD"), reason);
    assertNoSecretIn(result.output());
    assertEquals(
        List.of(), runs(existing.experimentId()), "no run was opened with wrong credentials");
    assertTrue(admin.registry().findVersionByAlias(model, "production").isEmpty());
    System.out.printf("train-job with a wrong password: exit 4 after %d ms: %s%n", millis, reason);
  }

  @Test
  void userWhoMayNotRegisterExitsFourAndEndsEveryRunItOpened() throws Exception {
    createUser(READER, READER_PASSWORD);
    String experiment = MlflowTestServer.uniqueName("auth-reader");
    String model = MlflowTestServer.uniqueName("auth-reader-iris");
    // The admin owns the registered model; the reader only has the server's default READ permission
    // on it, while the experiment the reader creates is its own: training and run logging work,
    // registering a version is refused.
    admin.registry().getOrCreateRegisteredModel(model, null);

    JarProcess.Result result =
        JarProcess.run(
            JarProcess.jar("trainJob.jar"),
            env(experiment, model, READER, READER_PASSWORD),
            tmp.resolve("train.log"),
            JOB_TIMEOUT);

    assertEquals(4, result.exitCode(), result.output());
    String reason = reason(result.output());
    assertTrue(reason.contains("403"), reason);
    assertNoSecretIn(result.output());
    List<Run> runs = runs(admin.tracking().getExperimentByName(experiment).experimentId());
    assertFalse(runs.isEmpty(), "the reader could log its runs");
    assertTrue(
        runs.stream().noneMatch(r -> r.info().status() == RunStatus.RUNNING),
        "runs left RUNNING: " + runs.stream().map(r -> r.info().status()).toList());
    assertTrue(
        runs.stream().anyMatch(r -> r.info().status() == RunStatus.FAILED),
        "the job marks its runs FAILED: " + runs.stream().map(r -> r.info().status()).toList());
    assertEquals(
        List.of(),
        admin.registry().searchModelVersions("name = '" + model + "'", 1000, null).items());
    System.out.printf("train-job as a user without EDIT on the model: %s%n", reason);
  }

  /** Creates a non-admin user through MLflow's auth REST API, as the admin. */
  private static void createUser(String username, String password)
      throws IOException, InterruptedException {
    String basic =
        Base64.getEncoder()
            .encodeToString((ADMIN + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(server.uri() + "/api/2.0/mlflow/users/create"))
            .header("Authorization", "Basic " + basic)
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"username\": \"" + username + "\", \"password\": \"" + password + "\"}"))
            .build();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
  }
}
