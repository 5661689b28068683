package dev.smileflow.api;

import dev.smileflow.mlflow.LoggedModel;
import dev.smileflow.mlflow.LoggedModelSpec;
import dev.smileflow.mlflow.LoggedModelStatus;
import dev.smileflow.mlflow.MlflowClient;
import dev.smileflow.mlflow.ModelVersion;
import dev.smileflow.mlflow.ModelVersionSpec;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Publishes bundles to a real MLflow server the way train-job does: a LoggedModel holding the
 * bundle's files, registered as a new version of a registered model (so the version's source is
 * {@code models:/m-…}).
 */
final class Publisher {
  private final MlflowClient client;
  private final String experimentId;
  final String modelName;

  Publisher(MlflowClient client, String experimentName, String modelName) {
    this.client = client;
    this.experimentId = client.tracking().getOrCreateExperiment(experimentName).experimentId();
    this.modelName = modelName;
    client.registry().getOrCreateRegisteredModel(modelName, null);
  }

  /** Uploads {@code bundle} as a LoggedModel and registers it; returns the new version number. */
  String publish(Path bundle) {
    LoggedModel model =
        client.loggedModels().create(LoggedModelSpec.of(experimentId, "iris", null));
    client.artifacts().uploadDirectory(model.artifactUri(), bundle);
    client.loggedModels().finalizeModel(model.modelId(), LoggedModelStatus.LOGGED_MODEL_READY);
    ModelVersion v =
        client
            .registry()
            .createModelVersion(ModelVersionSpec.fromLoggedModel(modelName, model.modelId(), null));
    return client
        .registry()
        .waitUntilReady(modelName, v.version(), Duration.ofSeconds(30))
        .version();
  }

  void alias(String alias, String version) {
    client.registry().setAlias(modelName, alias, version);
  }
}
