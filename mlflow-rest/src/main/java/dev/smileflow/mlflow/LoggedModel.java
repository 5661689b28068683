package dev.smileflow.mlflow;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An MLflow 3 LoggedModel (shown in an experiment's Models tab). Its files live under {@link
 * #artifactUri()}, typically {@code mlflow-artifacts:/<experiment>/models/<model_id>/artifacts}.
 */
public record LoggedModel(LoggedModelInfo info, Data data) {

  public LoggedModel {
    Objects.requireNonNull(info, "info");
    data = data == null ? new Data(List.of(), List.of()) : data;
  }

  public String modelId() {
    return info.modelId();
  }

  public String artifactUri() {
    return Objects.requireNonNull(info.artifactUri(), "logged model has no artifact_uri");
  }

  /** LoggedModel metadata (MLflow's {@code LoggedModelInfo} message). */
  public record LoggedModelInfo(
      String modelId,
      String experimentId,
      @Nullable String name,
      @Nullable Long creationTimestampMs,
      @Nullable Long lastUpdatedTimestampMs,
      @Nullable String artifactUri,
      LoggedModelStatus status,
      @Nullable String creatorId,
      @Nullable String modelType,
      @Nullable String sourceRunId,
      @Nullable String statusMessage,
      List<Tag> tags,
      List<Registration> registrations) {
    public LoggedModelInfo {
      Objects.requireNonNull(modelId, "modelId");
      Objects.requireNonNull(experimentId, "experimentId");
      status = status == null ? LoggedModelStatus.UNKNOWN : status;
      tags = tags == null ? List.of() : List.copyOf(tags);
      registrations = registrations == null ? List.of() : List.copyOf(registrations);
    }
  }

  /** A registered model version created from this LoggedModel. */
  public record Registration(String name, String version) {}

  /** Params and metrics recorded for this LoggedModel. */
  public record Data(List<Param> params, List<Metric> metrics) {
    public Data {
      params = params == null ? List.of() : List.copyOf(params);
      metrics = metrics == null ? List.of() : List.copyOf(metrics);
    }
  }
}
