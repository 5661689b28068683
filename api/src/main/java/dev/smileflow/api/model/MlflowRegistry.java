package dev.smileflow.api.model;

import dev.smileflow.mlflow.MlflowClient;
import dev.smileflow.mlflow.MlflowConfig;
import dev.smileflow.mlflow.MlflowException;
import dev.smileflow.mlflow.ModelUri;
import dev.smileflow.mlflow.ModelVersion;
import dev.smileflow.mlflow.ModelVersionStatus;
import dev.smileflow.mlflow.ServerCapabilities;
import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adapter to the mlflow-rest client: resolves a registered {@link ModelUri} to a version with
 * {@link MlflowClient#resolve}, finds where its files are whatever the version's source ({@code
 * models:/m-…} on MLflow 3, {@code runs:/<run id>/model} on MLflow 2.x, or an artifact URI) and
 * downloads them over the artifact proxy. On its first resolution it probes what the server offers
 * and says once, at INFO, what is missing.
 */
public final class MlflowRegistry implements ModelRegistry, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MlflowRegistry.class);

  private final MlflowClient client;
  private volatile @Nullable ServerCapabilities capabilities;

  MlflowRegistry(MlflowClient client) {
    this.client = Objects.requireNonNull(client);
  }

  /** A registry client for {@code config}. */
  public static MlflowRegistry create(MlflowConfig config) {
    return new MlflowRegistry(MlflowClient.create(config));
  }

  @Override
  public RegistryVersion resolve(ModelSource.Registered source) {
    String name = source.name();
    try {
      if (source.model() instanceof ModelUri.Alias && !capabilities().aliases()) {
        throw new RegistryException(
            RegistryException.Kind.NOT_FOUND,
            source.uri()
                + ": this MLflow server has no registered-model aliases (MLflow before 2.3);"
                + " select the version with MODEL_STAGE=Production instead");
      }
      ModelVersion v = client.resolve(source.model());
      if (v.status() != ModelVersionStatus.READY) {
        throw new RegistryException(
            RegistryException.Kind.FAILED,
            source.uri()
                + " points at version "
                + v.version()
                + " which is "
                + v.status()
                + ", not READY");
      }
      String uri = client.modelVersionArtifactUri(name, v.version());
      return new RegistryVersion(
          name, v.version(), v.runId(), v.source() == null ? uri : v.source(), uri);
    } catch (MlflowException e) {
      throw translate(source.uri(), e);
    }
  }

  private ServerCapabilities capabilities() {
    ServerCapabilities c = capabilities;
    if (c == null) {
      c = client.capabilities();
      for (String limitation : c.limitations()) {
        LOG.info("MLflow server {}: {}", client.config().trackingUri(), limitation);
      }
      capabilities = c;
    }
    return c;
  }

  @Override
  public void download(RegistryVersion version, Path target) {
    try {
      client.artifacts().downloadDirectory(version.artifactUri(), target);
    } catch (MlflowException e) {
      throw translate("version " + version.version() + " files at " + version.artifactUri(), e);
    }
  }

  private static RegistryException translate(String what, MlflowException e) {
    RegistryException.Kind kind =
        switch (e.kind()) {
          case UNAVAILABLE -> RegistryException.Kind.UNREACHABLE;
          case UNAUTHENTICATED, PERMISSION_DENIED -> RegistryException.Kind.UNAUTHORIZED;
          case NOT_FOUND -> RegistryException.Kind.NOT_FOUND;
          default -> RegistryException.Kind.FAILED;
        };
    String status = e.httpStatus() == 0 ? "" : " (HTTP " + e.httpStatus() + ")";
    return new RegistryException(kind, what + ": " + e.getMessage() + status, e);
  }

  @Override
  public void close() {
    client.close();
  }
}
