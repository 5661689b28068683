package dev.smileflow.mlflow;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What {@code runs/create} needs. The run name is sent both as {@code run_name} and tag {@code
 * mlflow.runName}; a parent run id becomes tag {@value #PARENT_RUN_ID_TAG}, which the MLflow UI
 * nests under the parent.
 */
public record RunSpec(
    String experimentId,
    @Nullable String runName,
    Instant startTime,
    List<Tag> tags,
    @Nullable String parentRunId) {

  public static final String PARENT_RUN_ID_TAG = "mlflow.parentRunId";
  public static final String RUN_NAME_TAG = "mlflow.runName";

  public RunSpec {
    Objects.requireNonNull(experimentId, "experimentId");
    Objects.requireNonNull(startTime, "startTime");
    tags = tags == null ? List.of() : List.copyOf(tags);
    for (Tag t : tags) {
      if (t.key().equals(RUN_NAME_TAG) && runName != null && !runName.equals(t.value())) {
        throw new IllegalArgumentException(
            "tag mlflow.runName '" + t.value() + "' differs from run name '" + runName + "'");
      }
    }
  }

  /** A run in {@code experimentId} named {@code runName} (null: MLflow picks one), starting now. */
  public static RunSpec of(String experimentId, @Nullable String runName) {
    return new RunSpec(experimentId, runName, Instant.now(), List.of(), null);
  }

  public RunSpec withTags(List<Tag> newTags) {
    List<Tag> all = new ArrayList<>(tags);
    all.addAll(newTags);
    return new RunSpec(experimentId, runName, startTime, all, parentRunId);
  }

  public RunSpec withParent(String newParentRunId) {
    return new RunSpec(experimentId, runName, startTime, tags, newParentRunId);
  }

  /** All tags to send, including the parent tag. */
  List<Tag> allTags() {
    List<Tag> all = new ArrayList<>(tags);
    if (parentRunId != null && all.stream().noneMatch(t -> t.key().equals(PARENT_RUN_ID_TAG))) {
      all.add(new Tag(PARENT_RUN_ID_TAG, parentRunId));
    }
    return all;
  }
}
