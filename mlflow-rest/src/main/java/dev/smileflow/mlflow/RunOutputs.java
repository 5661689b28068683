package dev.smileflow.mlflow;

import java.util.List;

/** A run's outputs: the LoggedModels it produced. */
public record RunOutputs(List<ModelOutput> modelOutputs) {
  public RunOutputs {
    modelOutputs = modelOutputs == null ? List.of() : List.copyOf(modelOutputs);
  }
}
