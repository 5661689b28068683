package dev.smileflow.mlflow;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An entry of an artifact listing. {@code path} is relative to the listed root (MLflow's basenames
 * re-prefixed with their directory), with {@code /} separators.
 */
public record ArtifactFile(String path, boolean isDir, @Nullable Long fileSize) {
  public ArtifactFile {
    Objects.requireNonNull(path, "path");
  }
}
