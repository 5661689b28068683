package dev.smileflow.train.tracking;

import dev.smileflow.mlflow.MlflowClient;
import dev.smileflow.mlflow.ModelUri;
import dev.smileflow.mlflow.ModelVersion;
import dev.smileflow.mlflow.Run;
import dev.smileflow.train.data.DataError;
import dev.smileflow.train.data.DataException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds a reference data profile for drift checks: a local file, {@code runs:/<run id>[/<path>]}
 * (default path {@value #PROFILE_PATH}), or a registered model's training profile, {@code
 * models:/<name>@<alias>}, {@code models:/<name>/<version>} or {@code models:/<name>/<stage>} (the
 * profile logged by the run that produced that version).
 */
public final class ReferenceProfiles {
  /** Where train-job logs the training profile in its parent run. */
  public static final String PROFILE_PATH = "data/data_profile.json";

  private ReferenceProfiles() {}

  /** Whether {@code reference} names something in MLflow rather than a local file. */
  public static boolean isMlflowUri(String reference) {
    return reference.startsWith("runs:/") || ModelUri.isModelUri(reference);
  }

  private static ModelUri.Registered registered(String reference) {
    try {
      if (ModelUri.parse(reference) instanceof ModelUri.Registered r) {
        return r;
      }
    } catch (IllegalArgumentException e) {
      throw new DataException(
          DataError.REFERENCE_PROFILE, "reference profile " + reference + ": " + e.getMessage());
    }
    throw new DataException(
        DataError.REFERENCE_PROFILE,
        "reference profile " + reference + ": use " + ModelUri.FORMS + ", not a logged model");
  }

  /** Downloads the referenced profile into {@code workDir} and returns the local file. */
  public static Path download(MlflowClient client, String reference, Path workDir) {
    String runId;
    String path = PROFILE_PATH;
    if (reference.startsWith("runs:/")) {
      String[] idAndPath = reference.substring("runs:/".length()).split("/", 2);
      runId = idAndPath[0];
      if (idAndPath.length == 2 && !idAndPath[1].isEmpty()) {
        path = idAndPath[1];
      }
    } else {
      ModelVersion version = client.resolve(registered(reference));
      if (version.runId() == null || version.runId().isBlank()) {
        throw new DataException(
            DataError.REFERENCE_PROFILE,
            "reference profile " + reference + ": version " + version.version() + " has no run");
      }
      runId = version.runId();
    }
    Run run = client.tracking().getRun(runId);
    String artifactUri = run.info().artifactUri();
    if (artifactUri == null) {
      throw new DataException(
          DataError.REFERENCE_PROFILE,
          "reference profile " + reference + ": run " + runId + " has no artifact URI");
    }
    try {
      Path target = Files.createTempFile(workDir, "reference-profile", ".json");
      Files.delete(target);
      client.artifacts().downloadFile(artifactUri, path, target);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a file in " + workDir, e);
    }
  }
}
