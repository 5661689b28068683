package dev.smileflow.api.model;

import java.nio.file.Path;
import java.util.Map;

/** Adapter to the mlflow-rest client (pending: the client is not installed yet). */
public final class MlflowRegistry implements ModelRegistry {
  private MlflowRegistry() {}

  /** A registry client configured from the {@code MLFLOW_*} variables. */
  public static MlflowRegistry create(Map<String, String> mlflowEnv) {
    return new MlflowRegistry();
  }

  @Override
  public RegistryVersion resolve(ModelSource.Registered source) {
    throw new RegistryException(RegistryException.Kind.FAILED, "MLflow registry support not wired yet");
  }

  @Override
  public void download(RegistryVersion version, Path target) {
    throw new RegistryException(RegistryException.Kind.FAILED, "MLflow registry support not wired yet");
  }
}
