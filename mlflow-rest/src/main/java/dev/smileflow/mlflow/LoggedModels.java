package dev.smileflow.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * MLflow 3 LoggedModels ({@code /api/2.0/mlflow/logged-models}): create (PENDING), upload files to
 * its {@link LoggedModel#artifactUri()} with {@link Artifacts}, then {@link #finalizeModel} to
 * READY.
 */
public final class LoggedModels {

  private final Transport transport;

  LoggedModels(Transport transport) {
    this.transport = transport;
  }

  /**
   * Creates a LoggedModel in status {@code LOGGED_MODEL_PENDING}. Safe to retry: it carries tag
   * {@value Tracking#REQUEST_ID_TAG} and is looked up by it before a lost request is sent again.
   */
  public LoggedModel create(LoggedModelSpec spec) {
    String requestId = UUID.randomUUID().toString();
    List<Tag> tags = new ArrayList<>(spec.tags());
    tags.add(new Tag(Tracking.REQUEST_ID_TAG, requestId));
    ObjectNode body =
        Json.object().put("experiment_id", spec.experimentId()).put("name", spec.name());
    if (spec.modelType() != null) {
      body.put("model_type", spec.modelType());
    }
    if (spec.sourceRunId() != null) {
      body.put("source_run_id", spec.sourceRunId());
    }
    body.set("params", Json.tree(spec.params()));
    body.set("tags", Json.tree(tags));
    return Idempotent.call(
        transport,
        "logged-models create in experiment " + spec.experimentId(),
        () ->
            Json.field(
                transport.post("mlflow/logged-models", body, Transport.Replay.IF_NOT_DELIVERED),
                "model",
                LoggedModel.class,
                "logged-models create"),
        () ->
            search(
                    List.of(spec.experimentId()),
                    "tags.`" + Tracking.REQUEST_ID_TAG + "` = '" + requestId + "'",
                    10,
                    null)
                .items()
                .stream()
                .findFirst());
  }

  public LoggedModel get(String modelId) {
    JsonNode r = transport.get("mlflow/logged-models/" + Query.encode(modelId), null);
    return Json.field(r, "model", LoggedModel.class, "logged-models get");
  }

  /**
   * Sets the final status: {@code LOGGED_MODEL_READY} after all files are uploaded, or {@code
   * LOGGED_MODEL_UPLOAD_FAILED}. Idempotent.
   */
  public LoggedModel finalizeModel(String modelId, LoggedModelStatus status) {
    if (status != LoggedModelStatus.LOGGED_MODEL_READY
        && status != LoggedModelStatus.LOGGED_MODEL_UPLOAD_FAILED) {
      throw new IllegalArgumentException(
          "a logged model is finalized READY or UPLOAD_FAILED, not " + status);
    }
    ObjectNode body = Json.object().put("model_id", modelId).put("status", status.name());
    JsonNode r = transport.patch("mlflow/logged-models/" + Query.encode(modelId), body);
    return Json.field(r, "model", LoggedModel.class, "logged-models finalize");
  }

  /**
   * One page of LoggedModels of the experiments, newest first, matching {@code filter} (MLflow
   * syntax, e.g. {@code name = 'x' AND tags.k = 'v'}; null: all). {@code maxResults} is at most 50.
   */
  public Page<LoggedModel> search(
      List<String> experimentIds,
      @Nullable String filter,
      int maxResults,
      @Nullable String pageToken) {
    if (maxResults < 1 || maxResults > 50) {
      throw new IllegalArgumentException("maxResults must be within 1..50, got " + maxResults);
    }
    ObjectNode body = Json.object();
    body.set("experiment_ids", Json.tree(experimentIds));
    if (filter != null) {
      body.put("filter", filter);
    }
    body.put("max_results", maxResults);
    body.putArray("order_by")
        .addObject()
        .put("field_name", "creation_time")
        .put("ascending", false);
    if (pageToken != null) {
      body.put("page_token", pageToken);
    }
    JsonNode r = transport.post("mlflow/logged-models/search", body, Transport.Replay.ALWAYS);
    return new Page<>(
        Json.list(r, "models", LoggedModel.class, "logged-models search"),
        Tracking.text(r, "next_page_token"));
  }
}
