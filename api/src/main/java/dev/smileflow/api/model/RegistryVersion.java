package dev.smileflow.api.model;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One registered model version, as the registry describes it.
 *
 * @param name the registered model name
 * @param version the version number (a string, as in MLflow)
 * @param runId the run that produced it, when known
 * @param source the version's source, e.g. {@code models:/m-…}
 * @param artifactUri where its files live, e.g. {@code mlflow-artifacts:/1/models/m-…/artifacts}
 */
public record RegistryVersion(
    String name, String version, @Nullable String runId, String source, String artifactUri) {
  public RegistryVersion {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(artifactUri, "artifactUri");
  }
}
