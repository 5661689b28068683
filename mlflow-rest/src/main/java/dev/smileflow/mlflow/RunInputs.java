package dev.smileflow.mlflow;

import java.util.List;

/** A run's inputs: datasets and LoggedModels. */
public record RunInputs(List<DatasetInput> datasetInputs, List<ModelInput> modelInputs) {
  public RunInputs {
    datasetInputs = datasetInputs == null ? List.of() : List.copyOf(datasetInputs);
    modelInputs = modelInputs == null ? List.of() : List.copyOf(modelInputs);
  }
}
