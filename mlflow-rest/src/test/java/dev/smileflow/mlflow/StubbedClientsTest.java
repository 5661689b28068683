package dev.smileflow.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smileflow.mlflow.StubServer.Reply;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Edge cases of the concept clients that a healthy real server does not produce. */
class StubbedClientsTest {

  StubServer stub;
  Transport transport;

  @BeforeEach
  void start() throws IOException {
    stub = new StubServer();
    transport =
        new Transport(
            MlflowConfig.fromEnv(Map.of("MLFLOW_TRACKING_URI", stub.uri().toString()))
                .withRetries(2, Duration.ofMillis(1)),
            d -> {},
            new SplittableRandom(3));
  }

  @AfterEach
  void stop() {
    transport.close();
    stub.close();
  }

  @Test
  void downloadBrokenHalfwayLeavesNeitherTargetNorTemporaryFiles(@TempDir Path tmp)
      throws IOException {
    // the two files download side by side, so each is answered by its path, not by arrival order
    stub.then(
            Reply.json(
                200,
                "{\"files\": [{\"path\": \"a.txt\", \"is_dir\": false, \"file_size\": 1},"
                    + " {\"path\": \"b.txt\", \"is_dir\": false, \"file_size\": 1}]}"))
        .on("/a.txt", Reply.text(200, "A"))
        .on("/b.txt", Reply.text(500, "disk"));
    Path target = tmp.resolve("model");
    MlflowException e =
        assertThrows(
            MlflowException.class,
            () ->
                new Artifacts(transport)
                    .downloadDirectory("mlflow-artifacts:/1/models/m-1/artifacts", target));
    assertEquals(MlflowException.Kind.UNAVAILABLE, e.kind());
    try (Stream<Path> left = Files.list(tmp)) {
      assertEquals(List.of(), left.toList());
    }
    assertTrue(
        stub.seen.stream()
            .anyMatch(s ->
                s.path()
                    .equals("/api/2.0/mlflow-artifacts/artifacts/1/models/m-1/artifacts/b.txt")),
        "the broken file was asked for");
  }

  @Test
  void downloadRefusesANonEmptyTargetBeforeAnyCall(@TempDir Path tmp) throws IOException {
    Files.writeString(tmp.resolve("keep.txt"), "mine");
    assertThrows(
        IllegalArgumentException.class,
        () -> new Artifacts(transport).downloadDirectory("mlflow-artifacts:/1", tmp));
    assertTrue(stub.seen.isEmpty());
    assertEquals("mine", Files.readString(tmp.resolve("keep.txt")));
  }

  @Test
  void artifactListingWithNestedDirectoriesIsFlattenedWithRelativePaths() {
    stub.then(
        Reply.json(
            200,
            "{\"files\": [{\"path\": \"MLmodel\", \"is_dir\": false, \"file_size\": 10},"
                + " {\"path\": \"data\", \"is_dir\": true}]}"),
        Reply.json(
            200, "{\"files\": [{\"path\": \"model.ser\", \"is_dir\": false, \"file_size\": 99}]}"));
    List<ArtifactFile> files =
        new Artifacts(transport).listFiles("mlflow-artifacts:/1/r/artifacts");
    assertEquals(
        List.of(
            new ArtifactFile("MLmodel", false, 10L),
            new ArtifactFile("data/model.ser", false, 99L)),
        files);
    assertEquals("path=1%2Fr%2Fartifacts%2Fdata", stub.seen.get(1).query());
  }

  @Test
  void waitUntilReadyPollsPastPendingRegistration() {
    stub.then(version("PENDING_REGISTRATION"), version("PENDING_REGISTRATION"), version("READY"));
    ModelVersion v = new Registry(transport).waitUntilReady("iris", "3", Duration.ofSeconds(10));
    assertEquals(ModelVersionStatus.READY, v.status());
    assertEquals(3, stub.seen.size());
  }

  @Test
  void failedRegistrationIsInvalidWithTheServersReason() {
    stub.then(
        Reply.json(
            200,
            "{\"model_version\": {\"name\": \"iris\", \"version\": \"3\","
                + " \"status\": \"FAILED_REGISTRATION\", \"status_message\": \"copy failed\"}}"));
    MlflowException e =
        assertThrows(
            MlflowException.class,
            () -> new Registry(transport).waitUntilReady("iris", "3", Duration.ofSeconds(10)));
    assertEquals(MlflowException.Kind.INVALID, e.kind());
    assertTrue(e.message().contains("copy failed"), e.message());
  }

  @Test
  void versionStillPendingAfterTheTimeoutIsUnavailable() {
    for (int i = 0; i < 50; i++) {
      stub.then(version("PENDING_REGISTRATION"));
    }
    MlflowException e =
        assertThrows(
            MlflowException.class,
            () -> new Registry(transport).waitUntilReady("iris", "3", Duration.ofMillis(300)));
    assertEquals(MlflowException.Kind.UNAVAILABLE, e.kind());
    assertTrue(e.message().contains("PENDING_REGISTRATION"), e.message());
  }

  @Test
  void unknownFieldsAndNewEnumValuesAreTolerated() {
    stub.then(
        Reply.json(
            200,
            "{\"run\": {\"info\": {\"run_id\": \"r\", \"experiment_id\": \"1\","
                + " \"status\": \"PAUSED_IN_FUTURE\", \"brand_new\": 1}, \"future\": {}}}"));
    Run run = new Tracking(transport).getRun("r");
    assertEquals(RunStatus.UNKNOWN, run.info().status());
    assertTrue(run.data().tags().isEmpty());
    assertTrue(run.inputs().datasetInputs().isEmpty());
  }

  @Test
  void answerWithoutTheExpectedFieldIsAProtocolErrorNamingIt() {
    stub.then(Reply.json(200, "{\"something_else\": 1}"));
    MlflowException e =
        assertThrows(MlflowException.class, () -> new Tracking(transport).getRun("r"));
    assertEquals(MlflowException.Kind.PROTOCOL, e.kind());
    assertTrue(e.message().contains("'run'"), e.message());
  }

  @Test
  void lookupFailureAfterALostCreateSaysTheOutcomeIsUnknown() {
    stub.then(Reply.text(503, "lost"));
    for (int i = 0; i < 3; i++) {
      stub.then(Reply.text(500, "search broken"));
    }
    MlflowException e =
        assertThrows(
            MlflowException.class, () -> new Tracking(transport).createRun(RunSpec.of("1", "x")));
    assertTrue(e.message().contains("may or may not have taken effect"), e.message());
    assertEquals(1, stub.seen.stream().filter(s -> s.path().endsWith("/runs/create")).count());
    assertFalse(
        stub.seen.stream().filter(s -> s.path().endsWith("/runs/search")).toList().isEmpty());
  }

  static Reply version(String status) {
    return Reply.json(
        200,
        "{\"model_version\": {\"name\": \"iris\", \"version\": \"3\", \"status\": \""
            + status
            + "\"}}");
  }
}
