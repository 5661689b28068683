package dev.smileflow.mlflow;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What {@code POST logged-models} needs: the experiment, a name, and optionally type, source run,
 * params, tags.
 */
public record LoggedModelSpec(
    String experimentId,
    String name,
    @Nullable String modelType,
    @Nullable String sourceRunId,
    List<Param> params,
    List<Tag> tags) {

  public LoggedModelSpec {
    Objects.requireNonNull(experimentId, "experimentId");
    Objects.requireNonNull(name, "name");
    params = params == null ? List.of() : List.copyOf(params);
    tags = tags == null ? List.of() : List.copyOf(tags);
  }

  /**
   * A model named {@code name} produced by run {@code sourceRunId} (may be null) in {@code
   * experimentId}.
   */
  public static LoggedModelSpec of(String experimentId, String name, @Nullable String sourceRunId) {
    return new LoggedModelSpec(experimentId, name, null, sourceRunId, List.of(), List.of());
  }

  public LoggedModelSpec withModelType(String type) {
    return new LoggedModelSpec(experimentId, name, type, sourceRunId, params, tags);
  }

  public LoggedModelSpec withParams(List<Param> more) {
    List<Param> all = new ArrayList<>(params);
    all.addAll(more);
    return new LoggedModelSpec(experimentId, name, modelType, sourceRunId, all, tags);
  }

  public LoggedModelSpec withTags(List<Tag> more) {
    List<Tag> all = new ArrayList<>(tags);
    all.addAll(more);
    return new LoggedModelSpec(experimentId, name, modelType, sourceRunId, params, all);
  }
}
