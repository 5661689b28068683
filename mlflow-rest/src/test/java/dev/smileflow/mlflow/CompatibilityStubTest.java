package dev.smileflow.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.smileflow.mlflow.StubServer.Reply;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Server differences a healthy pinned server does not show on demand: probe answers of servers
 * without a feature or refusing the caller, the alias-creation race, and version sources.
 */
class CompatibilityStubTest {

  private static final String HTML_404 = "<!doctype html><title>404 Not Found</title>";

  StubServer stub;
  MlflowClient client;

  @BeforeEach
  void start() throws IOException {
    stub = new StubServer();
    client =
        MlflowClient.create(
            MlflowConfig.fromEnv(Map.of("MLFLOW_TRACKING_URI", stub.uri().toString()))
                .withRetries(0, Duration.ZERO));
  }

  @AfterEach
  void stop() {
    client.close();
    stub.close();
  }

  private static Reply html404() {
    return new Reply(404, "text/html", HTML_404, Map.of(), 0);
  }

  @Test
  void aServerWithoutARouteIsFoundWithoutItAndTheAnswerIsRemembered() {
    // the three probes go side by side: answered by route, not by order of arrival
    stub.on("/logged-models/" + Capabilities.PROBE_ID, html404())
        .on(
            "/registered-models/alias",
            Reply.json(404, "{\"error_code\": \"ENDPOINT_NOT_FOUND\", \"message\": \"no\"}"))
        .on(
            "/runs/log-inputs",
            Reply.json(400, "{\"error_code\": \"INVALID_PARAMETER_VALUE\", \"message\": \"x\"}"));
    ServerCapabilities c = client.capabilities();
    assertEquals(new ServerCapabilities(false, false, true), c);
    assertEquals(2, c.limitations().size());
    assertEquals(c, client.capabilities());
    assertEquals(3, stub.seen.size(), "probed once");
  }

  @Test
  void aProbeRefusedForCredentialsFailsInsteadOfGuessing() {
    stub.then(Reply.text(401, "unauthorized"));
    MlflowException e = assertThrows(MlflowException.class, () -> client.capabilities());
    assertEquals(MlflowException.Kind.UNAUTHENTICATED, e.kind());
  }

  @Test
  void aProbeRefusedForLackOfPermissionFindsTheRouteGuardedSoPresent() {
    stub.then(
        Reply.text(403, "Permission denied"),
        Reply.text(403, "Permission denied"),
        Reply.text(403, "Permission denied"));
    assertEquals(new ServerCapabilities(true, true, true), client.capabilities());
  }

  @Test
  void anAliasLostInTheCreationRaceIsSetAgainOnceItExists() {
    stub.then(
        Reply.json(400, "{\"error_code\": \"BAD_REQUEST\", \"message\": \"UniqueViolation\"}"),
        Reply.json(
            200,
            "{\"model_version\": {\"name\": \"iris\", \"version\": \"2\", \"status\": \"READY\"}}"),
        Reply.json(200, "{}"));
    client.registry().setAlias("iris", "production", "3");
    assertEquals(
        List.of("POST", "GET", "POST"), stub.seen.stream().map(StubServer.Seen::method).toList());
    assertEquals(stub.seen.get(0).body(), stub.seen.get(2).body());
  }

  @Test
  void aRunsSourceResolvesToTheRunsArtifactsAndAModelIdToTheLoggedModels() {
    stub.then(
        Reply.json(200, "{\"artifact_uri\": \"runs:/r1/model\"}"),
        Reply.json(
            200,
            "{\"run\": {\"info\": {\"run_id\": \"r1\", \"experiment_id\": \"1\","
                + " \"artifact_uri\": \"mlflow-artifacts:/1/r1/artifacts\"}}}"),
        Reply.json(
            200,
            "{\"model\": {\"info\": {\"model_id\": \"m-1\", \"experiment_id\": \"1\","
                + " \"artifact_uri\": \"mlflow-artifacts:/1/models/m-1/artifacts\"}}}"));
    assertEquals(
        "mlflow-artifacts:/1/r1/artifacts/model", client.modelVersionArtifactUri("iris", "1"));
    assertEquals(
        "mlflow-artifacts:/1/models/m-1/artifacts", ModelSources.resolve(client, "models:/m-1"));
    assertEquals("s3://bucket/x", ModelSources.resolve(client, "s3://bucket/x"));
    assertEquals(
        MlflowException.Kind.INVALID,
        assertThrows(MlflowException.class, () -> ModelSources.resolve(client, "models:/iris@"))
            .kind());
    assertEquals(
        MlflowException.Kind.INVALID,
        assertThrows(MlflowException.class, () -> ModelSources.resolve(client, "runs:/")).kind());
  }

  @Test
  void aRegisteredModelUriResolvesToItsVersionAndItsFiles() {
    stub.then(
        Reply.json(
            200,
            "{\"model_versions\": [{\"name\": \"iris\", \"version\": \"2\"},"
                + " {\"name\": \"iris\", \"version\": \"10\"}]}"),
        Reply.json(200, "{\"model_versions\": []}"),
        Reply.json(200, "{\"model_version\": {\"name\": \"team/iris\", \"version\": \"4\"}}"),
        Reply.json(200, "{\"artifact_uri\": \"mlflow-artifacts:/1/models/m-4/artifacts\"}"));
    assertEquals("10", client.resolve(new ModelUri.Stage("iris", "production")).version());
    assertEquals("name=iris&stages=Production", stub.seen.get(0).query());
    MlflowException none =
        assertThrows(
            MlflowException.class, () -> client.resolve(new ModelUri.Stage("iris", "Staging")));
    assertEquals(MlflowException.Kind.NOT_FOUND, none.kind());
    assertEquals("no version in stage Staging", none.message());
    assertEquals(
        "mlflow-artifacts:/1/models/m-4/artifacts",
        ModelSources.resolve(client, "models:/team%2Firis@prod"));
    assertEquals("name=team%2Firis&alias=prod", stub.seen.get(2).query());
    assertEquals("name=team%2Firis&version=4", stub.seen.get(3).query());
    assertEquals(
        MlflowException.Kind.NOT_FOUND,
        assertThrows(
                MlflowException.class, () -> client.resolve(new ModelUri.Stage("iris", "Gold")))
            .kind());
    assertEquals(4, stub.seen.size(), "an unknown stage is refused without a call");
  }
}
