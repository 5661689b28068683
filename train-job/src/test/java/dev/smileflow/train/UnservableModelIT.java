package dev.smileflow.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smileflow.mlflow.Experiment;
import dev.smileflow.mlflow.LoggedModel;
import dev.smileflow.mlflow.LoggedModelStatus;
import dev.smileflow.mlflow.MlflowClient;
import dev.smileflow.mlflow.Run;
import dev.smileflow.mlflow.RunSearch;
import dev.smileflow.mlflow.RunStatus;
import dev.smileflow.mlflow.testing.MlflowTestServer;
import dev.smileflow.train.registry.Registrar;
import dev.smileflow.train.search.UnservableModelException;
import dev.smileflow.train.tracking.MlflowTracker;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A job whose written model fails the serving check, against a real MLflow server: nothing is
 * registered, the reserved LoggedModel is marked UPLOAD_FAILED, the parent run ends FAILED, and the
 * reason is one line with exit code 6.
 */
class UnservableModelIT {
  private static final MlflowTestServer SERVER = MlflowTestServer.shared();

  @Test
  void aModelThatDoesNotServeAsTrainedIsNeitherRegisteredNorPromotedAndItsRunsFail() {
    String experiment = MlflowTestServer.uniqueName("unservable-exp");
    String model = MlflowTestServer.uniqueName("unservable");
    JobConfig config =
        TrainJobTest.config(
            "--experiment", experiment, "--model-name", model, "--algorithms", "logistic");
    try (MlflowClient client = SERVER.newClient()) {
      var job =
          new TrainJob(
              config,
              new MlflowTracker(client, experiment, Map.of()),
              new Registrar(client, model, config.alias()),
              new Cancellation(),
              (done, total, what) -> {},
              (ref, dir) -> dir,
              (fitted, dir, holdout) -> {
                assertTrue(Files.isRegularFile(dir.resolve("model.ser")), "checked after writing");
                throw new UnservableModelException(
                    "the written model predicts hold-out row 3 as 'a', the trained model as 'b'");
              });
      UnservableModelException e = assertThrows(UnservableModelException.class, job::run);
      assertEquals(ExitCodes.UNSERVABLE, ExitCodes.of(e));
      assertEquals(
          "error: model not registered: the written model predicts hold-out row 3 as 'a', the"
              + " trained model as 'b'",
          ExitCodes.reason(e));

      assertTrue(
          client
              .registry()
              .searchModelVersions("name='" + model + "'", 1000, null)
              .items()
              .isEmpty(),
          "no version registered");
      Experiment exp = client.tracking().getExperimentByName(experiment);
      List<Run> runs = client.tracking().searchAllRuns(RunSearch.of(exp.experimentId(), null));
      List<Run> parents =
          runs.stream().filter(r -> r.data().tag("mlflow.parentRunId").isEmpty()).toList();
      assertEquals(1, parents.size());
      assertEquals(RunStatus.FAILED, parents.getFirst().info().status(), "the job's parent run");
      assertTrue(runs.size() >= 2, "the candidates were logged before the model: " + runs.size());
      List<LoggedModel> models =
          client.loggedModels().search(List.of(exp.experimentId()), null, 50, null).items();
      assertEquals(
          1, models.size(), "the model's place was reserved before its files were written");
      assertEquals(
          LoggedModelStatus.LOGGED_MODEL_UPLOAD_FAILED,
          models.getFirst().info().status(),
          "a model whose files failed their check is marked failed, not left pending");
    }
  }
}
