package dev.smileflow.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** The model registry: registered models, versions, tags, aliases and (deprecated) stages. */
public final class Registry {

  private final Transport transport;

  Registry(Transport transport) {
    this.transport = transport;
  }

  // ----------------------------------------------------------------------------------------------
  // registered models

  /**
   * Reads the registered model {@code name}.
   *
   * @throws MlflowException NOT_FOUND when there is no such registered model
   */
  public RegisteredModel getRegisteredModel(String name) {
    JsonNode r = transport.get("mlflow/registered-models/get", Query.of("name", name));
    return Json.field(r, "registered_model", RegisteredModel.class, "registered-models/get");
  }

  /**
   * The registered model {@code name}, created (with {@code description}, may be null) if absent;
   * one created by a concurrent writer is success ({@link Idempotent#ensure}).
   */
  public RegisteredModel getOrCreateRegisteredModel(String name, @Nullable String description) {
    Optional<RegisteredModel> existing = findRegisteredModel(name);
    if (existing.isPresent()) {
      return existing.get();
    }
    ObjectNode body = Json.object().put("name", name);
    if (description != null) {
      body.put("description", description);
    }
    return Idempotent.ensure(
        transport,
        "registered-models/create of '" + name + "'",
        () ->
            Json.field(
                transport.post("mlflow/registered-models/create", body, Transport.Replay.ALWAYS),
                "registered_model",
                RegisteredModel.class,
                "registered-models/create"),
        () -> findRegisteredModel(name));
  }

  private Optional<RegisteredModel> findRegisteredModel(String name) {
    return MlflowException.unlessNotFound(() -> getRegisteredModel(name));
  }

  // ----------------------------------------------------------------------------------------------
  // versions

  /**
   * Creates a model version. Safe to retry: the version carries tag {@value
   * Tracking#REQUEST_ID_TAG} and is looked up by it before a lost request is sent again, so a retry
   * never registers a second version.
   */
  public ModelVersion createModelVersion(ModelVersionSpec spec) {
    String requestId = UUID.randomUUID().toString();
    List<Tag> tags = new ArrayList<>(spec.tags());
    tags.add(new Tag(Tracking.REQUEST_ID_TAG, requestId));
    ObjectNode body = Json.object().put("name", spec.name()).put("source", spec.source());
    if (spec.runId() != null) {
      body.put("run_id", spec.runId());
    }
    if (spec.modelId() != null) {
      body.put("model_id", spec.modelId());
    }
    if (spec.description() != null) {
      body.put("description", spec.description());
    }
    body.set("tags", Json.tree(tags));
    return Idempotent.call(
        transport,
        "model-versions/create of " + spec.name(),
        () ->
            Json.field(
                transport.post(
                    "mlflow/model-versions/create", body, Transport.Replay.IF_NOT_DELIVERED),
                "model_version",
                ModelVersion.class,
                "model-versions/create"),
        () ->
            searchModelVersions(
                    "name = '"
                        + quote(spec.name())
                        + "' AND tags.`"
                        + Tracking.REQUEST_ID_TAG
                        + "` = '"
                        + requestId
                        + "'",
                    10,
                    null)
                .items()
                .stream()
                .findFirst());
  }

  /**
   * Reads version {@code version} of the registered model {@code name}.
   *
   * @throws MlflowException NOT_FOUND when the version does not exist
   */
  public ModelVersion getModelVersion(String name, String version) {
    JsonNode r =
        transport.get("mlflow/model-versions/get", Query.of("name", name).add("version", version));
    return Json.field(r, "model_version", ModelVersion.class, "model-versions/get");
  }

  /**
   * Polls until the version is READY.
   *
   * @throws MlflowException INVALID when registration failed, UNAVAILABLE when {@code timeout}
   *     passes first
   */
  public ModelVersion waitUntilReady(String name, String version, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    long sleepMs = 100;
    while (true) {
      ModelVersion v = getModelVersion(name, version);
      switch (v.status()) {
        case READY -> {
          return v;
        }
        case FAILED_REGISTRATION ->
            throw new MlflowException(
                MlflowException.Kind.INVALID,
                200,
                null,
                "registration of "
                    + name
                    + " version "
                    + version
                    + " failed: "
                    + (v.statusMessage() == null ? "no reason given" : v.statusMessage()));
        default -> {
          if (Instant.now().isAfter(deadline)) {
            throw new MlflowException(
                MlflowException.Kind.UNAVAILABLE,
                200,
                null,
                name
                    + " version "
                    + version
                    + " is still "
                    + v.status()
                    + " after "
                    + timeout.toSeconds()
                    + " s");
          }
        }
      }
      try {
        Thread.sleep(sleepMs);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new MlflowException(
            MlflowException.Kind.UNAVAILABLE,
            0,
            null,
            "interrupted while waiting for " + name + " version " + version,
            e);
      }
      sleepMs = Math.min(sleepMs * 2, 2000);
    }
  }

  public void setModelVersionTag(String name, String version, String key, String value) {
    transport.post(
        "mlflow/model-versions/set-tag",
        Json.object().put("name", name).put("version", version).put("key", key).put("value", value),
        Transport.Replay.ALWAYS);
  }

  /** One page of versions matching {@code filter} (e.g. {@code name = 'iris'}; null: all). */
  public Page<ModelVersion> searchModelVersions(
      @Nullable String filter, int maxResults, @Nullable String pageToken) {
    JsonNode r =
        transport.get(
            "mlflow/model-versions/search",
            Query.of("filter", filter).add("max_results", maxResults).add("page_token", pageToken));
    return new Page<>(
        Json.list(r, "model_versions", ModelVersion.class, "model-versions/search"),
        Tracking.text(r, "next_page_token"));
  }

  /** Where the version's files are (e.g. {@code mlflow-artifacts:/1/models/m-…/artifacts}). */
  public String getDownloadUri(String name, String version) {
    JsonNode r =
        transport.get(
            "mlflow/model-versions/get-download-uri",
            Query.of("name", name).add("version", version));
    return Json.field(r, "artifact_uri", String.class, "model-versions/get-download-uri");
  }

  // ----------------------------------------------------------------------------------------------
  // aliases

  /**
   * Points {@code alias} at {@code version} (moving it if it exists). Unconditional: MLflow has no
   * compare-and-set for aliases, so the last writer wins; an alias created by a concurrent writer
   * at the same moment is overwritten rather than failing ({@link Idempotent#ensure}).
   */
  public void setAlias(String name, String alias, String version) {
    Idempotent.ensure(
        transport,
        "registered-models/alias " + alias + " of '" + name + "'",
        () ->
            transport.post(
                "mlflow/registered-models/alias",
                Json.object().put("name", name).put("alias", alias).put("version", version),
                Transport.Replay.ALWAYS),
        () ->
            findVersionByAlias(name, alias).map(ModelVersion::version).orElse("").equals(version));
  }

  /**
   * Reads the version that {@code alias} points to in the registered model {@code name}.
   *
   * @throws MlflowException NOT_FOUND when the model or the alias does not exist
   */
  public ModelVersion getVersionByAlias(String name, String alias) {
    JsonNode r;
    try {
      r =
          transport.get(
              "mlflow/registered-models/alias", Query.of("name", name).add("alias", alias));
    } catch (MlflowException e) {
      // MLflow answers an absent alias with 400 INVALID_PARAMETER_VALUE "Registered model alias x
      // not found."
      if (e.kind() == MlflowException.Kind.INVALID
          && e.message().contains("alias")
          && e.message().contains("not found")) {
        throw new MlflowException(
            MlflowException.Kind.NOT_FOUND,
            e.httpStatus(),
            e.errorCode(),
            "registered model '" + name + "' has no alias '" + alias + "' (" + e.message() + ")",
            e);
      }
      throw e;
    }
    return Json.field(r, "model_version", ModelVersion.class, "registered-models/alias");
  }

  /** The version {@code alias} points to, empty when the alias (or model) does not exist. */
  public Optional<ModelVersion> findVersionByAlias(String name, String alias) {
    return MlflowException.unlessNotFound(() -> getVersionByAlias(name, alias));
  }

  public void deleteAlias(String name, String alias) {
    transport.delete(
        "mlflow/registered-models/alias", Json.object().put("name", name).put("alias", alias));
  }

  // ----------------------------------------------------------------------------------------------
  // stages

  /**
   * Moves a version to a stage (deprecated in MLflow, still served); with {@code archiveExisting}
   * the versions currently in that stage (Staging/Production only) move to Archived.
   */
  public ModelVersion transitionStage(
      String name, String version, Stage stage, boolean archiveExisting) {
    ObjectNode body =
        Json.object()
            .put("name", name)
            .put("version", version)
            .put("stage", stage.wireName())
            .put("archive_existing_versions", archiveExisting);
    JsonNode r =
        transport.post("mlflow/model-versions/transition-stage", body, Transport.Replay.ALWAYS);
    return Json.field(r, "model_version", ModelVersion.class, "model-versions/transition-stage");
  }

  /** The latest version in each of {@code stages} (all stages when empty). */
  public List<ModelVersion> getLatestVersions(String name, List<Stage> stages) {
    JsonNode r =
        transport.get(
            "mlflow/registered-models/get-latest-versions",
            Query.of("name", name).addAll("stages", stages.stream().map(Stage::wireName).toList()));
    return Json.list(
        r, "model_versions", ModelVersion.class, "registered-models/get-latest-versions");
  }

  static String quote(String s) {
    return s.replace("'", "\\'");
  }
}
