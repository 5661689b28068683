package dev.smileflow.mlflow;

import java.util.Objects;

/** A LoggedModel used as an input of a run. */
public record ModelInput(String modelId) {
  public ModelInput {
    Objects.requireNonNull(modelId, "modelId");
  }
}
