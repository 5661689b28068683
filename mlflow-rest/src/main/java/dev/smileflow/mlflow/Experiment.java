package dev.smileflow.mlflow;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** An MLflow experiment; {@code lifecycleStage} is {@code active} or {@code deleted}. */
public record Experiment(
    String experimentId,
    String name,
    @Nullable String artifactLocation,
    @Nullable String lifecycleStage,
    @Nullable Long lastUpdateTime,
    @Nullable Long creationTime,
    List<Tag> tags) {

  public Experiment {
    Objects.requireNonNull(experimentId, "experimentId");
    Objects.requireNonNull(name, "name");
    tags = tags == null ? List.of() : List.copyOf(tags);
  }

  /** True when the experiment is in MLflow's trash (it can be restored). */
  public boolean deleted() {
    return "deleted".equals(lifecycleStage);
  }
}
