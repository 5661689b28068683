package dev.smileflow.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smileflow.mlflow.testing.MlflowTestServer;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The client against MLflow's real basic-auth app ({@code --app-name basic-auth}): one server for
 * the class.
 */
class BasicAuthIT {

  static final String ADMIN = "smileflow-admin";
  static final String PASSWORD = "Adm1n-secret-for-tests";
  static final String WRONG_PASSWORD = "not-the-Adm1n-secret";

  static MlflowTestServer server;

  @BeforeAll
  static void startServer() {
    server = MlflowTestServer.startWithBasicAuth(ADMIN, PASSWORD);
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  /**
   * Retries that would be noticed: a client that retried a 401 would take seconds and send several
   * requests.
   */
  static MlflowConfig config(Auth auth) {
    return new MlflowConfig(
        server.uri(), auth, false, null, Duration.ofSeconds(60), 3, Duration.ofSeconds(1));
  }

  /** An authenticated read: the experiment every MLflow server has. */
  static Experiment defaultExperiment(MlflowClient client) {
    return client.tracking().getExperiment("0");
  }

  static void assertUnauthenticated(MlflowException e, String... secrets) {
    assertEquals(MlflowException.Kind.UNAUTHENTICATED, e.kind(), e.getMessage());
    assertEquals(401, e.httpStatus());
    String message = e.getMessage();
    assertEquals(1, message.lines().count(), message);
    assertTrue(message.contains("HTTP 401"), message);
    assertTrue(message.contains("MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD"), message);
    assertFalse(message.contains(" attempts)"), "a 401 is not retried: " + message);
    for (String secret : secrets) {
      assertFalse(message.contains(secret), "the message shows a secret: " + message);
    }
  }

  @Test
  void clientWithoutCredentialsIsUnauthenticatedWithAOneLineHint() {
    try (MlflowClient anonymous = MlflowClient.create(config(new Auth.None()))) {
      MlflowException e =
          assertThrows(
              MlflowException.class,
              () ->
                  anonymous.tracking().getOrCreateExperiment(MlflowTestServer.uniqueName("anon")));
      assertUnauthenticated(e, PASSWORD);
      assertTrue(
          e.getMessage().contains("/api/2.0/mlflow/experiments/get-by-name"), e.getMessage());
    }
  }

  @Test
  void wrongPasswordIsUnauthenticatedAndTheMessageNeverShowsAPassword() {
    try (MlflowClient wrong = MlflowClient.create(config(new Auth.Basic(ADMIN, WRONG_PASSWORD)))) {
      MlflowException e = assertThrows(MlflowException.class, () -> defaultExperiment(wrong));
      assertUnauthenticated(e, WRONG_PASSWORD, PASSWORD);
      MlflowException create =
          assertThrows(
              MlflowException.class, () -> wrong.tracking().createRun(RunSpec.of("0", "never")));
      assertUnauthenticated(create, WRONG_PASSWORD, PASSWORD);
      assertFalse(wrong.config().toString().contains(WRONG_PASSWORD), wrong.config().toString());
    }
  }

  @Test
  void rightCredentialsCreateAnExperimentAndARunAndReadThemBack() {
    try (MlflowClient admin = MlflowClient.create(config(new Auth.Basic(ADMIN, PASSWORD)))) {
      assertEquals("Default", defaultExperiment(admin).name());
      String name = MlflowTestServer.uniqueName("auth-exp");
      Experiment experiment =
          admin.tracking().getOrCreateExperiment(name, List.of(new Tag("team", "auth")));
      Run run =
          admin.tracking().createRun(RunSpec.of(experiment.experimentId(), "with-credentials"));
      admin
          .tracking()
          .logBatch(
              run.runId(),
              List.of(Metric.of("accuracy", 0.97, System.currentTimeMillis(), 0)),
              List.of(new Param("algorithm", "logistic")),
              List.of());
      admin.tracking().endRun(run.runId(), RunStatus.FINISHED);

      Experiment readExperiment = admin.tracking().getExperimentByName(name);
      assertEquals(experiment.experimentId(), readExperiment.experimentId());
      assertEquals("auth", Tag.toMap(readExperiment.tags()).get("team"));
      Run read = admin.tracking().getRun(run.runId());
      assertEquals("with-credentials", read.info().runName());
      assertEquals(RunStatus.FINISHED, read.info().status());
      assertEquals(List.of(new Param("algorithm", "logistic")), read.data().params());
      assertEquals(0.97, read.data().metrics().getFirst().value());
      assertEquals(
          List.of(run.runId()),
          admin.tracking().searchAllRuns(RunSearch.of(experiment.experimentId(), null)).stream()
              .map(Run::runId)
              .toList());
    }
  }

  @Test
  void fixtureClientAndChildEnvironmentCarryTheAdminCredentials() {
    assertEquals(
        Map.of(
            "MLFLOW_TRACKING_URI",
            server.uri().toString(),
            "MLFLOW_TRACKING_USERNAME",
            ADMIN,
            "MLFLOW_TRACKING_PASSWORD",
            PASSWORD),
        server.env());
    try (MlflowClient fromEnv = MlflowClient.create(MlflowConfig.fromEnv(server.env()));
        MlflowClient fixture = server.newClient()) {
      assertEquals("Default", defaultExperiment(fromEnv).name());
      assertEquals("Default", defaultExperiment(fixture).name());
    }
    assertFalse(server.toString().contains(PASSWORD), server.toString());
  }

  @Test
  void passwordWithAColonSpacesAndNonAsciiCharactersIsSentAsUtf8() throws Exception {
    String user = MlflowTestServer.uniqueName("utf8-user");
    String password = "pä:ss wörd-€-ß-12";
    createUser(user, password);
    try (MlflowClient client = MlflowClient.create(config(new Auth.Basic(user, password)))) {
      String name = MlflowTestServer.uniqueName("utf8-exp");
      Experiment created = client.tracking().getOrCreateExperiment(name);
      assertEquals(
          created.experimentId(), client.tracking().getExperimentByName(name).experimentId());
    }
    try (MlflowClient almost =
        MlflowClient.create(config(new Auth.Basic(user, "pa:ss word-E-s-12")))) {
      assertUnauthenticated(
          assertThrows(MlflowException.class, () -> defaultExperiment(almost)), password);
    }
  }

  @Test
  void basicCredentialsFromTheEnvironmentWinOverAToken() {
    Map<String, String> env = new HashMap<>(server.env());
    env.put("MLFLOW_TRACKING_TOKEN", "ignored-token");
    try (MlflowClient client = MlflowClient.create(MlflowConfig.fromEnv(env))) {
      assertEquals("Default", defaultExperiment(client).name());
    }
    try (MlflowClient tokenOnly =
        MlflowClient.create(
            MlflowConfig.fromEnv(
                Map.of(
                    "MLFLOW_TRACKING_URI",
                    server.uri().toString(),
                    "MLFLOW_TRACKING_TOKEN",
                    "only-token")))) {
      assertUnauthenticated(
          assertThrows(MlflowException.class, () -> defaultExperiment(tokenOnly)), "only-token");
    }
  }

  /** Creates a user through MLflow's auth REST API ({@code users/create}), as the admin. */
  static void createUser(String username, String password)
      throws IOException, InterruptedException {
    String body = Json.object().put("username", username).put("password", password).toString();
    HttpRequest request =
        HttpRequest.newBuilder(server.uri().resolve("/api/2.0/mlflow/users/create"))
            .header("Authorization", new Auth.Basic(ADMIN, PASSWORD).header().orElseThrow())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build();
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode(), response.body());
    }
  }

  @Test
  void bearerTokenIsSentAsBearerAndItsRejectionFailsFastWithoutRetries() throws IOException {
    try (LosingProxy proxy = new LosingProxy(server.uri());
        MlflowClient bearer =
            MlflowClient.create(
                new MlflowConfig(
                    proxy.uri(),
                    new Auth.Bearer("tok-abc123-secret"),
                    false,
                    null,
                    Duration.ofSeconds(60),
                    3,
                    Duration.ofSeconds(10)))) {
      MlflowException e =
          assertThrows(
              MlflowException.class, () -> bearer.tracking().createRun(RunSpec.of("0", "bearer")));

      assertUnauthenticated(e, "tok-abc123-secret");
      assertEquals(List.of("Bearer tok-abc123-secret"), proxy.authorizations);
      assertEquals(
          1, proxy.forwardedCount("/api/2.0/mlflow/runs/create"), "sent once, never retried");
    }
  }
}
