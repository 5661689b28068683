package dev.smileflow.api.model;

import dev.smileflow.mlflow.MlflowClient;
import dev.smileflow.mlflow.MlflowConfig;
import dev.smileflow.mlflow.MlflowException;
import dev.smileflow.mlflow.ModelVersion;
import dev.smileflow.mlflow.ModelVersionStatus;
import dev.smileflow.mlflow.ServerCapabilities;
import dev.smileflow.mlflow.Stage;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adapter to the mlflow-rest client: resolves {@code models:/name@alias}, {@code models:/name/3}
 * and {@code models:/name/Stage} (and {@code models:/name/latest}) to a version, finds where its
 * files are whatever the version's source ({@code models:/m-…} on MLflow 3, {@code runs:/<run
 * id>/model} on MLflow 2.x, or an artifact URI) and downloads them over the artifact proxy. On its
 * first resolution it probes what the server offers and says once, at INFO, what is missing.
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
      if (source.selector() instanceof ModelSource.Selector.Alias && !capabilities().aliases()) {
        throw new RegistryException(
            RegistryException.Kind.NOT_FOUND,
            source.uri()
                + ": this MLflow server has no registered-model aliases (MLflow before 2.3);"
                + " select the version with MODEL_STAGE=Production instead");
      }
      ModelVersion v =
          switch (source.selector()) {
            case ModelSource.Selector.Alias a ->
                client.registry().getVersionByAlias(name, a.alias());
            case ModelSource.Selector.Version n ->
                client.registry().getModelVersion(name, n.number());
            case ModelSource.Selector.Stage s -> latest(name, s.stage());
          };
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

  private ModelVersion latest(String name, String stage) {
    List<Stage> stages = stage.equalsIgnoreCase("latest") ? List.of() : List.of(parseStage(stage));
    return client.registry().getLatestVersions(name, stages).stream()
        .max(Comparator.comparingLong(ModelVersion::number))
        .orElseThrow(() ->
            new RegistryException(
                RegistryException.Kind.NOT_FOUND,
                "models:/" + name + "/" + stage + ": no version in that stage"));
  }

  private static Stage parseStage(String stage) {
    try {
      return Stage.parse(stage);
    } catch (IllegalArgumentException e) {
      throw new RegistryException(RegistryException.Kind.NOT_FOUND, e.getMessage());
    }
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
