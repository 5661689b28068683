package dev.smileflow.train;

import static java.util.Objects.requireNonNull;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smileflow.mlflow.ArtifactFile;
import dev.smileflow.mlflow.MlflowClient;
import dev.smileflow.mlflow.ModelVersion;
import dev.smileflow.mlflow.Run;
import dev.smileflow.mlflow.Stage;
import dev.smileflow.mlflow.testing.MlflowTestServer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * train-job against the pinned MLflow 2.x, which has no LoggedModel API: the model becomes run
 * artifacts under {@code model/}, the version is registered from {@code runs:/<run id>/model} and
 * promoted with alias and stage, and the next job scores it as the champion.
 */
class Mlflow2TrainJobIT {

  @Test
  void onMlflow2TheModelIsRunArtifactsRegisteredFromARunsUriAndScoredAsTheNextChampion() {
    MlflowTestServer server = MlflowTestServer.shared2x();
    String experiment = MlflowTestServer.uniqueName("tj2-exp");
    String model = MlflowTestServer.uniqueName("tj2-iris");
    MainTest.Outcome first =
        MainTest.run(server.env(), "--experiment", experiment, "--model-name", model);
    assertEquals(0, first.code(), first.err());
    assertTrue(first.out().contains("model: runs:/"), first.out());

    try (MlflowClient client = server.newClient()) {
      ModelVersion v1 = client.registry().getModelVersion(model, "1");
      assertEquals("runs:/" + v1.runId() + "/model", v1.source());
      assertEquals(Stage.PRODUCTION, v1.currentStage());
      assertEquals("1", client.registry().getVersionByAlias(model, "production").version());
      Run parent =
          client.tracking().getRun(requireNonNull(v1.runId(), "v1 was registered from a run"));
      assertFalse(parent.inputs().datasetInputs().isEmpty(), "the data set is a run input");
      List<String> files =
          client.artifacts().listFiles(parent.info().artifactUri() + "/model").stream()
              .map(ArtifactFile::path)
              .toList();
      for (String f : List.of("MLmodel", "model.ser", "input_example.json")) {
        assertTrue(files.contains(f), f + " not in " + files);
      }
      assertTrue(
          parent.data().tag("mlflow.log-model.history").orElseThrow().contains("\"model\""),
          "the run page lists model/ as a model");
    }

    MainTest.Outcome second =
        MainTest.run(
            server.env(), "--experiment", experiment, "--model-name", model, "--min-score", "1.01");
    assertEquals(0, second.code(), second.err());
    try (MlflowClient client = server.newClient()) {
      ModelVersion v2 = client.registry().getModelVersion(model, "2");
      assertEquals(
          "1",
          v2.tag("promotion.champion_version").orElseThrow(),
          "the 2.x champion was found by alias");
      assertFalse(
          v2.tag("promotion.champion_score").orElseThrow().equals("unscorable"),
          "the champion's files were downloaded through its runs:/ source and scored");
      assertEquals("1", client.registry().getVersionByAlias(model, "production").version());
    }
  }
}
