package dev.smileflow.mlflow;

import java.util.ArrayList;
import java.util.List;

/**
 * What an MLflow server offers beyond the tracking and registry calls every supported version (2.9
 * and later) has, found by probing its routes ({@link MlflowClient#capabilities()}), never by
 * reading its version string.
 *
 * @param loggedModels the MLflow 3 LoggedModel API ({@code /mlflow/logged-models}); without it a
 *     model is stored as run artifacts and registered from {@code runs:/<run id>/<path>}
 * @param aliases registered-model aliases (MLflow 2.3+); without them only stages promote
 * @param datasetInputs {@code runs/log-inputs} (MLflow 2.4+); without it the training data is not
 *     recorded as a run input
 */
public record ServerCapabilities(boolean loggedModels, boolean aliases, boolean datasetInputs) {

  /** What a user of this server does not get, one sentence each; empty when nothing is missing. */
  public List<String> limitations() {
    List<String> out = new ArrayList<>();
    if (!loggedModels) {
      out.add(
          "no LoggedModel API (MLflow 2.x): models are run artifacts under model/, registered"
              + " from runs:/<run id>/model, and do not appear in the experiment's Models tab");
    }
    if (!aliases) {
      out.add("no registered-model aliases: promotion sets the Production stage only");
    }
    if (!datasetInputs) {
      out.add("no dataset inputs: the training data is not recorded as a run input");
    }
    return List.copyOf(out);
  }
}
