package dev.smileflow.mlflow;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** Run metadata; times are milliseconds since the epoch, {@code endTime} null while running. */
public record RunInfo(
    String runId,
    @Nullable String runName,
    String experimentId,
    RunStatus status,
    @Nullable Long startTime,
    @Nullable Long endTime,
    @Nullable String artifactUri,
    @Nullable String lifecycleStage) {

  public RunInfo {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(experimentId, "experimentId");
    status = status == null ? RunStatus.UNKNOWN : status;
  }
}
