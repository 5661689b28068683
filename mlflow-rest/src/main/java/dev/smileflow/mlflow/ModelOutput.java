package dev.smileflow.mlflow;

import java.util.Objects;

/** A LoggedModel produced by a run at a step ({@code runs/outputs}). */
public record ModelOutput(String modelId, long step) {
  public ModelOutput {
    Objects.requireNonNull(modelId, "modelId");
  }
}
