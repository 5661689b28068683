package dev.smileflow.train.tracking;

import java.nio.file.Path;
import java.util.Objects;

/** Where {@link Tracker#logModel} put the model's files, which decides how it is registered. */
public sealed interface StoredModel {

  /**
   * An MLflow 3 LoggedModel.
   *
   * @param modelId {@code m-…}
   * @param artifactUri its artifact location, written as the MLmodel's {@code artifact_path}
   */
  record Logged(String modelId, String artifactUri) implements StoredModel {
    public Logged {
      Objects.requireNonNull(modelId, "modelId");
      Objects.requireNonNull(artifactUri, "artifactUri");
    }
  }

  /**
   * Run artifacts below {@code path} (servers without LoggedModels, MLflow 2.x).
   *
   * @param runId the run holding the files
   * @param path the run-relative directory, written as the MLmodel's {@code artifact_path}
   * @param artifactUri the directory's artifact URI
   */
  record RunArtifacts(String runId, String path, String artifactUri) implements StoredModel {
    public RunArtifacts {
      Objects.requireNonNull(runId, "runId");
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(artifactUri, "artifactUri");
    }

    /** {@code runs:/<run id>/<path>}, the registered version's source. */
    public String runsUri() {
      return "runs:/" + runId + "/" + path;
    }
  }

  /** Written locally only (a dry run). */
  record Local(Path dir) implements StoredModel {
    public Local {
      Objects.requireNonNull(dir, "dir");
    }
  }
}
