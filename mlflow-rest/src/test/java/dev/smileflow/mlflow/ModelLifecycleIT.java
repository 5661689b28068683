package dev.smileflow.mlflow;

import static java.util.Objects.requireNonNull;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smileflow.mlflow.testing.MlflowTestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LoggedModel create -> upload -> finalize -> register -> alias/stage -> download, against a real
 * server.
 */
class ModelLifecycleIT {

  static MlflowClient mlflow;

  @TempDir Path tmp;

  @BeforeAll
  static void connect() {
    mlflow = MlflowTestServer.shared().newClient();
  }

  @AfterAll
  static void close() {
    mlflow.close();
  }

  @Test
  void loggedModelGoesFromPendingToReadyWithItsFilesUploaded() throws IOException {
    Experiment exp = mlflow.tracking().getOrCreateExperiment(MlflowTestServer.uniqueName("lm"));
    Run run = mlflow.tracking().createRun(RunSpec.of(exp.experimentId(), "train"));
    LoggedModel created =
        mlflow
            .loggedModels()
            .create(
                LoggedModelSpec.of(exp.experimentId(), "iris-model", run.runId())
                    .withModelType("smile")
                    .withParams(List.of(new Param("seed", "42"), new Param("trees", "100")))
                    .withTags(List.of(new Tag("algo", "rf"))));
    assertEquals(LoggedModelStatus.LOGGED_MODEL_PENDING, created.info().status());
    assertEquals(
        "mlflow-artifacts:/" + exp.experimentId() + "/models/" + created.modelId() + "/artifacts",
        created.artifactUri());
    assertTrue(created.modelId().startsWith("m-"));

    Path bundle = sampleBundle(tmp.resolve("bundle"));
    List<String> uploaded = mlflow.artifacts().uploadDirectory(created.artifactUri(), bundle);
    assertEquals(List.of("MLmodel", "data/model.ser", "plots/confusion matrix.png"), uploaded);

    LoggedModel ready =
        mlflow
            .loggedModels()
            .finalizeModel(created.modelId(), LoggedModelStatus.LOGGED_MODEL_READY);
    assertEquals(LoggedModelStatus.LOGGED_MODEL_READY, ready.info().status());

    LoggedModel read = mlflow.loggedModels().get(created.modelId());
    assertEquals(LoggedModelStatus.LOGGED_MODEL_READY, read.info().status());
    assertEquals("rf", Tag.toMap(read.info().tags()).get("algo"));
    assertEquals(run.runId(), read.info().sourceRunId());
    assertEquals("smile", read.info().modelType());
    assertEquals(
        List.of(new Param("seed", "42"), new Param("trees", "100")),
        read.data().params().stream().sorted(Comparator.comparing(Param::key)).toList());

    Page<LoggedModel> found =
        mlflow.loggedModels().search(List.of(exp.experimentId()), "name = 'iris-model'", 50, null);
    assertEquals(
        List.of(created.modelId()), found.items().stream().map(LoggedModel::modelId).toList());
  }

  @Test
  void loggedModelDirectoryDownloadsBackByteIdentical() throws IOException {
    Experiment exp = mlflow.tracking().getOrCreateExperiment(MlflowTestServer.uniqueName("dl"));
    LoggedModel model =
        mlflow.loggedModels().create(LoggedModelSpec.of(exp.experimentId(), "m", null));
    Path bundle = sampleBundle(tmp.resolve("up"));
    mlflow.artifacts().uploadDirectory(model.artifactUri(), bundle);

    List<ArtifactFile> files = mlflow.artifacts().listFiles(model.artifactUri());
    assertEquals(
        List.of("MLmodel", "data/model.ser", "plots/confusion matrix.png"),
        files.stream().map(ArtifactFile::path).toList());
    assertEquals(Files.size(bundle.resolve("data/model.ser")), files.get(1).fileSize());
    List<ArtifactFile> top = mlflow.artifacts().list(model.artifactUri(), "");
    assertTrue(top.stream().anyMatch(f -> f.path().equals("data") && f.isDir()));
    assertEquals(
        List.of("data/model.ser"),
        mlflow.artifacts().list(model.artifactUri(), "data").stream()
            .map(ArtifactFile::path)
            .toList());

    Path down = tmp.resolve("down");
    mlflow.artifacts().downloadDirectory(model.artifactUri(), down);
    for (String rel : List.of("MLmodel", "data/model.ser", "plots/confusion matrix.png")) {
      assertArrayEquals(
          Files.readAllBytes(bundle.resolve(rel)), Files.readAllBytes(down.resolve(rel)), rel);
    }
    try (var s = Files.list(tmp)) {
      assertTrue(
          s.noneMatch(p -> p.getFileName().toString().contains(".download-")),
          "temp dir left over");
    }
    Path single = tmp.resolve("single/MLmodel");
    mlflow.artifacts().downloadFile(model.artifactUri(), "MLmodel", single);
    assertEquals(Files.readString(bundle.resolve("MLmodel")), Files.readString(single));
  }

  @Test
  void missingArtifactIsNotFoundAndLeavesNoFileBehind() {
    Experiment exp =
        mlflow.tracking().getOrCreateExperiment(MlflowTestServer.uniqueName("missing"));
    LoggedModel model =
        mlflow.loggedModels().create(LoggedModelSpec.of(exp.experimentId(), "m", null));
    Path target = tmp.resolve("x/absent.bin");
    MlflowException e =
        assertThrows(
            MlflowException.class,
            () -> mlflow.artifacts().downloadFile(model.artifactUri(), "absent.bin", target));
    assertEquals(MlflowException.Kind.NOT_FOUND, e.kind());
    assertFalse(Files.exists(target));
    MlflowException empty =
        assertThrows(
            MlflowException.class,
            () -> mlflow.artifacts().downloadDirectory(model.artifactUri(), tmp.resolve("empty")));
    assertEquals(MlflowException.Kind.NOT_FOUND, empty.kind());
    assertFalse(Files.exists(tmp.resolve("empty")));
  }

  @Test
  void runArtifactsUploadAndListUnderTheRunsArtifactUri() throws IOException {
    Experiment exp = mlflow.tracking().getOrCreateExperiment(MlflowTestServer.uniqueName("runart"));
    Run run = mlflow.tracking().createRun(RunSpec.of(exp.experimentId(), "a"));
    Path report = Files.writeString(tmp.resolve("report.txt"), "accuracy 0.97\n");
    String artifactUri = requireNonNull(run.info().artifactUri());
    mlflow.artifacts().uploadFile(artifactUri, report, "reports/report.txt");
    assertEquals(
        List.of("reports/report.txt"),
        mlflow.artifacts().listFiles(artifactUri).stream().map(ArtifactFile::path).toList());
  }

  @Test
  void versionRegisteredFromLoggedModelBecomesReadyAndIsFoundByAlias() throws IOException {
    Experiment exp = mlflow.tracking().getOrCreateExperiment(MlflowTestServer.uniqueName("reg"));
    Run run = mlflow.tracking().createRun(RunSpec.of(exp.experimentId(), "train"));
    LoggedModel model = readyModel(exp, run);
    String name = MlflowTestServer.uniqueName("iris-classifier");
    RegisteredModel rm = mlflow.registry().getOrCreateRegisteredModel(name, "Iris classifiers");
    assertEquals(name, mlflow.registry().getOrCreateRegisteredModel(name, null).name());
    assertEquals("Iris classifiers", rm.description());

    ModelVersion v =
        mlflow
            .registry()
            .createModelVersion(
                ModelVersionSpec.fromLoggedModel(name, model.modelId(), run.runId())
                    .withTags(List.of(new Tag("gate", "passed"))));
    assertEquals("1", v.version());
    ModelVersion ready =
        mlflow.registry().waitUntilReady(name, v.version(), Duration.ofSeconds(30));
    assertEquals(ModelVersionStatus.READY, ready.status());
    // MLflow 3.17's SQL registry keeps the source as given and does not echo model_id back
    assertEquals("models:/" + model.modelId(), ready.source());
    assertEquals(run.runId(), ready.runId());
    assertEquals("passed", ready.tag("gate").orElseThrow());

    assertTrue(mlflow.registry().findVersionByAlias(name, "production").isEmpty());
    MlflowException absent =
        assertThrows(
            MlflowException.class, () -> mlflow.registry().getVersionByAlias(name, "production"));
    assertEquals(MlflowException.Kind.NOT_FOUND, absent.kind());

    mlflow.registry().setAlias(name, "production", v.version());
    ModelVersion byAlias = mlflow.registry().getVersionByAlias(name, "production");
    assertEquals("1", byAlias.version());
    assertTrue(byAlias.aliases().contains("production"));
    assertEquals(
        List.of(new RegisteredModel.Alias("production", "1")),
        mlflow.registry().getRegisteredModel(name).aliases());

    String downloadUri = mlflow.registry().getDownloadUri(name, "1");
    assertEquals(model.artifactUri(), downloadUri);
    Path down = tmp.resolve("served");
    mlflow.artifacts().downloadDirectory(downloadUri, down);
    assertTrue(Files.isRegularFile(down.resolve("MLmodel")));

    mlflow.registry().setModelVersionTag(name, "1", "decision", "promoted");
    assertEquals(
        "promoted", mlflow.registry().getModelVersion(name, "1").tag("decision").orElseThrow());

    mlflow.registry().deleteAlias(name, "production");
    assertTrue(mlflow.registry().findVersionByAlias(name, "production").isEmpty());
    assertEquals(
        1,
        mlflow.registry().searchModelVersions("name = '" + name + "'", 1000, null).items().size());
  }

  @Test
  void transitionToProductionArchivesThePreviousProductionVersion() throws IOException {
    Experiment exp = mlflow.tracking().getOrCreateExperiment(MlflowTestServer.uniqueName("stages"));
    Run run = mlflow.tracking().createRun(RunSpec.of(exp.experimentId(), "train"));
    String name = MlflowTestServer.uniqueName("staged");
    mlflow.registry().getOrCreateRegisteredModel(name, null);
    ModelVersion v1 =
        mlflow
            .registry()
            .createModelVersion(
                ModelVersionSpec.fromLoggedModel(
                    name, readyModel(exp, run).modelId(), run.runId()));
    ModelVersion v2 =
        mlflow
            .registry()
            .createModelVersion(
                ModelVersionSpec.fromLoggedModel(
                    name, readyModel(exp, run).modelId(), run.runId()));
    assertEquals(Stage.NONE, v1.currentStage());

    assertEquals(
        Stage.PRODUCTION,
        mlflow
            .registry()
            .transitionStage(name, v1.version(), Stage.PRODUCTION, true)
            .currentStage());
    ModelVersion promoted =
        mlflow.registry().transitionStage(name, v2.version(), Stage.PRODUCTION, true);
    assertEquals(Stage.PRODUCTION, promoted.currentStage());
    assertEquals(
        Stage.ARCHIVED, mlflow.registry().getModelVersion(name, v1.version()).currentStage());
    List<ModelVersion> latest =
        mlflow.registry().getLatestVersions(name, List.of(Stage.PRODUCTION));
    assertEquals(List.of(v2.version()), latest.stream().map(ModelVersion::version).toList());
    assertEquals(2, mlflow.registry().getLatestVersions(name, List.of()).size());
  }

  @Test
  void registeringAnExistingModelNameTwiceIsRaceSafe() throws Exception {
    String name = MlflowTestServer.uniqueName("twice");
    try (var pool = Executors.newFixedThreadPool(4)) {
      var futures = new ArrayList<Future<RegisteredModel>>();
      for (int i = 0; i < 4; i++) {
        futures.add(pool.submit(() -> mlflow.registry().getOrCreateRegisteredModel(name, null)));
      }
      for (var f : futures) {
        assertEquals(name, f.get().name());
      }
    }
    MlflowException e =
        assertThrows(
            MlflowException.class,
            () ->
                new Transport(mlflow.config())
                    .post(
                        "mlflow/registered-models/create",
                        Json.object().put("name", name),
                        Transport.Replay.ALWAYS));
    assertEquals(MlflowException.Kind.ALREADY_EXISTS, e.kind());
    assertEquals(400, e.httpStatus());
  }

  private LoggedModel readyModel(Experiment exp, Run run) throws IOException {
    LoggedModel model =
        mlflow.loggedModels().create(LoggedModelSpec.of(exp.experimentId(), "m", run.runId()));
    mlflow
        .artifacts()
        .uploadDirectory(model.artifactUri(), sampleBundle(Files.createTempDirectory(tmp, "b")));
    return mlflow
        .loggedModels()
        .finalizeModel(model.modelId(), LoggedModelStatus.LOGGED_MODEL_READY);
  }

  static Path sampleBundle(Path dir) throws IOException {
    Files.createDirectories(dir.resolve("data"));
    Files.createDirectories(dir.resolve("plots"));
    Files.writeString(
        dir.resolve("MLmodel"), "flavors:\n  smile:\n    model_file: data/model.ser\n");
    byte[] model = new byte[300_000];
    new Random(7).nextBytes(model);
    Files.write(dir.resolve("data/model.ser"), model);
    byte[] png = new byte[1234];
    new Random(8).nextBytes(png);
    Files.write(dir.resolve("plots/confusion matrix.png"), png);
    return dir;
  }
}
