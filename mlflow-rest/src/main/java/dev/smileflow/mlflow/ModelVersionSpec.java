package dev.smileflow.mlflow;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What {@code model-versions/create} needs. For an MLflow 3 LoggedModel use {@link
 * #fromLoggedModel}: source {@code models:/m-…} plus {@code model_id}; on a server without
 * LoggedModels use {@link #fromRunArtifacts}: source {@code runs:/<run id>/<path>}.
 */
public record ModelVersionSpec(
    String name,
    String source,
    @Nullable String runId,
    @Nullable String modelId,
    List<Tag> tags,
    @Nullable String description) {

  public ModelVersionSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(source, "source");
    tags = tags == null ? List.of() : List.copyOf(tags);
    if (name.isBlank() || source.isBlank()) {
      throw new IllegalArgumentException(
          "model version needs a registered model name and a source");
    }
  }

  /**
   * A version of {@code name} from LoggedModel {@code modelId} produced by run {@code runId} (may
   * be null).
   */
  public static ModelVersionSpec fromLoggedModel(
      String name, String modelId, @Nullable String runId) {
    return new ModelVersionSpec(
        name, new ModelUri.Logged(modelId).uri(), runId, modelId, List.of(), null);
  }

  /**
   * A version of {@code name} from the files below {@code path} of run {@code runId}'s artifacts:
   * source {@code runs:/<run id>/<path>}, for servers without LoggedModels (MLflow 2.x).
   */
  public static ModelVersionSpec fromRunArtifacts(String name, String runId, String path) {
    ArtifactLocation.checkRelative(path);
    if (runId.isBlank()) {
      throw new IllegalArgumentException("a runs:/ source needs a run id");
    }
    return new ModelVersionSpec(name, "runs:/" + runId + "/" + path, runId, null, List.of(), null);
  }

  public ModelVersionSpec withTags(List<Tag> more) {
    List<Tag> all = new ArrayList<>(tags);
    all.addAll(more);
    return new ModelVersionSpec(name, source, runId, modelId, all, description);
  }
}
