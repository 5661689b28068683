package dev.smileflow.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smileflow.mlflow.testing.MlflowTestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client against the pinned MLflow 2.x server: what the probe finds, and the 2.x model path
 * (run artifacts under {@code model/}, a version registered from {@code runs:/<run id>/model},
 * alias and stage, files found again from the version).
 */
class Mlflow2CompatIT {

  static MlflowClient mlflow;

  @TempDir Path tmp;

  @BeforeAll
  static void connect() {
    mlflow = MlflowTestServer.shared2x().newClient();
  }

  @AfterAll
  static void close() {
    mlflow.close();
  }

  @Test
  void probeFindsAliasesAndDatasetInputsButNoLoggedModelsOnMlflow2() {
    ServerCapabilities c = mlflow.capabilities();
    assertEquals(new ServerCapabilities(false, true, true), c);
    assertEquals(1, c.limitations().size());
    assertTrue(c.limitations().get(0).contains("Models tab"), c.limitations().toString());
  }

  @Test
  void probeFindsEverythingOnThePinnedMlflow3() {
    try (MlflowClient v3 = MlflowTestServer.shared().newClient()) {
      assertEquals(new ServerCapabilities(true, true, true), v3.capabilities());
      assertTrue(v3.capabilities().limitations().isEmpty());
    }
  }

  @Test
  void aVersionRegisteredFromRunArtifactsIsPromotedAndItsFilesFoundAgain() throws IOException {
    Experiment exp = mlflow.tracking().getOrCreateExperiment(MlflowTestServer.uniqueName("v2"));
    Run run = mlflow.tracking().createRun(RunSpec.of(exp.experimentId(), "train"));
    mlflow
        .tracking()
        .logInputs(
            run.runId(),
            List.of(
                DatasetInput.of(
                    new Dataset("iris", "abcd1234", "local", "{\"uri\": \"iris.csv\"}", null, null),
                    "training")),
            List.of());
    Path bundle = tmp.resolve("bundle");
    Files.createDirectories(bundle.resolve("data"));
    Files.writeString(bundle.resolve("MLmodel"), "artifact_path: model\n", StandardCharsets.UTF_8);
    Files.write(bundle.resolve("data/model.ser"), new byte[] {1, 2, 3});
    String modelUri = run.info().artifactUri() + "/model";
    mlflow.artifacts().uploadDirectory(modelUri, bundle);

    String name = MlflowTestServer.uniqueName("iris-v2");
    mlflow.registry().getOrCreateRegisteredModel(name, null);
    ModelVersion v =
        mlflow
            .registry()
            .createModelVersion(ModelVersionSpec.fromRunArtifacts(name, run.runId(), "model"));
    assertEquals("runs:/" + run.runId() + "/model", v.source());
    mlflow.registry().waitUntilReady(name, v.version(), Duration.ofMinutes(1));
    mlflow.registry().setAlias(name, "production", v.version());
    mlflow.registry().transitionStage(name, v.version(), Stage.PRODUCTION, true);

    ModelVersion byAlias = mlflow.registry().getVersionByAlias(name, "production");
    assertEquals(v.version(), byAlias.version());
    assertEquals(
        List.of(v.version()),
        mlflow.registry().getLatestVersions(name, List.of(Stage.PRODUCTION)).stream()
            .map(ModelVersion::version)
            .toList());
    assertEquals(
        "runs:/" + run.runId() + "/model", mlflow.registry().getDownloadUri(name, v.version()));
    assertEquals(modelUri, mlflow.modelVersionArtifactUri(name, v.version()));
    Path back = tmp.resolve("back");
    mlflow.artifacts().downloadDirectory(mlflow.modelVersionArtifactUri(name, v.version()), back);
    assertEquals("artifact_path: model\n", Files.readString(back.resolve("MLmodel")));
    assertEquals(1, mlflow.tracking().getRun(run.runId()).inputs().datasetInputs().size());
  }
}
