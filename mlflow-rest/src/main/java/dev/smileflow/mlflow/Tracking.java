package dev.smileflow.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Experiments, runs, params/metrics/tags, datasets and run outputs ({@code
 * /api/2.0/mlflow/experiments|runs}).
 */
public final class Tracking {

  /** Run tag holding the client-generated id that makes {@code runs/create} safe to retry. */
  public static final String REQUEST_ID_TAG = "smileflow.clientRequestId";

  static final int MAX_PARAMS_TAGS_PER_BATCH = 100;
  static final int MAX_METRICS_PER_BATCH = 1000;
  static final int MAX_ENTITIES_PER_BATCH = 1000;

  private final Transport transport;

  Tracking(Transport transport) {
    this.transport = transport;
  }

  // ----------------------------------------------------------------------------------------------
  // experiments

  /** The experiment named {@code name}, active or deleted; empty when there is none. */
  public Optional<Experiment> findExperimentByName(String name) {
    return MlflowException.unlessNotFound(() -> getExperimentByName(name));
  }

  /**
   * The experiment named {@code name} (possibly deleted). @throws MlflowException NOT_FOUND when
   * absent
   */
  public Experiment getExperimentByName(String name) {
    JsonNode r = transport.get("mlflow/experiments/get-by-name", Query.of("experiment_name", name));
    return Json.field(r, "experiment", Experiment.class, "experiments/get-by-name");
  }

  public Experiment getExperiment(String experimentId) {
    JsonNode r = transport.get("mlflow/experiments/get", Query.of("experiment_id", experimentId));
    return Json.field(r, "experiment", Experiment.class, "experiments/get");
  }

  /**
   * The active experiment named {@code name}: created if absent (race-safe), restored if deleted.
   */
  public Experiment getOrCreateExperiment(String name) {
    return getOrCreateExperiment(name, List.of());
  }

  /**
   * As {@link #getOrCreateExperiment(String)}, with tags for a newly created experiment. An
   * experiment created or restored by a concurrent writer is success ({@link Idempotent#ensure}).
   */
  public Experiment getOrCreateExperiment(String name, List<Tag> tags) {
    ObjectNode body = Json.object().put("name", name);
    body.set("tags", Json.tree(tags));
    Experiment experiment =
        findExperimentByName(name)
            .orElseGet(() ->
                Idempotent.ensure(
                    transport,
                    "experiments/create of '" + name + "'",
                    () -> {
                      transport.post("mlflow/experiments/create", body, Transport.Replay.ALWAYS);
                      return getExperimentByName(name);
                    },
                    () -> findExperimentByName(name)));
    if (!experiment.deleted()) {
      return experiment;
    }
    String id = experiment.experimentId();
    return Idempotent.ensure(
        transport,
        "experiments/restore of '" + name + "'",
        () -> {
          transport.post(
              "mlflow/experiments/restore",
              Json.object().put("experiment_id", id),
              Transport.Replay.ALWAYS);
          return getExperiment(id);
        },
        () -> Optional.of(getExperiment(id)).filter(e -> !e.deleted()));
  }

  /**
   * Sets (or overwrites) an experiment tag; idempotent, and safe when other writers set the same
   * tag at the same moment.
   */
  public void setExperimentTag(String experimentId, String key, String value) {
    Idempotent.ensure(
        transport,
        "experiments/set-experiment-tag " + key + " on experiment " + experimentId,
        () ->
            transport.post(
                "mlflow/experiments/set-experiment-tag",
                Json.object()
                    .put("experiment_id", experimentId)
                    .put("key", key)
                    .put("value", value),
                Transport.Replay.ALWAYS),
        () -> value.equals(Tag.toMap(getExperiment(experimentId).tags()).get(key)));
  }

  // ----------------------------------------------------------------------------------------------
  // runs

  /**
   * Creates a run. Safe to retry: the run carries tag {@value #REQUEST_ID_TAG}; when a response is
   * lost the run is looked up by that tag before the request is sent again, so a retry never
   * creates a second run.
   */
  public Run createRun(RunSpec spec) {
    String requestId = UUID.randomUUID().toString();
    List<Tag> tags = new ArrayList<>(spec.allTags());
    if (spec.runName() != null
        && tags.stream().noneMatch(t -> t.key().equals(RunSpec.RUN_NAME_TAG))) {
      tags.add(new Tag(RunSpec.RUN_NAME_TAG, spec.runName()));
    }
    tags.add(new Tag(REQUEST_ID_TAG, requestId));
    ObjectNode body =
        Json.object()
            .put("experiment_id", spec.experimentId())
            .put("start_time", spec.startTime().toEpochMilli());
    if (spec.runName() != null) {
      body.put("run_name", spec.runName());
    }
    body.set("tags", Json.tree(tags));
    return Idempotent.call(
        transport,
        "runs/create in experiment " + spec.experimentId(),
        () ->
            Json.field(
                transport.post("mlflow/runs/create", body, Transport.Replay.IF_NOT_DELIVERED),
                "run",
                Run.class,
                "runs/create"),
        () ->
            searchRuns(
                    new RunSearch(
                        List.of(spec.experimentId()),
                        "tags.`" + REQUEST_ID_TAG + "` = '" + requestId + "'",
                        List.of(),
                        10,
                        null,
                        "ALL"))
                .items()
                .stream()
                .findFirst());
  }

  public Run getRun(String runId) {
    JsonNode r = transport.get("mlflow/runs/get", Query.of("run_id", runId));
    return Json.field(r, "run", Run.class, "runs/get");
  }

  /** Ends a run now with {@code status} (FINISHED, FAILED or KILLED). */
  public RunInfo endRun(String runId, RunStatus status) {
    if (!status.terminal()) {
      throw new IllegalArgumentException("a run ends FINISHED, FAILED or KILLED, not " + status);
    }
    ObjectNode body =
        Json.object()
            .put("run_id", runId)
            .put("status", status.name())
            .put("end_time", Instant.now().toEpochMilli());
    JsonNode r = transport.post("mlflow/runs/update", body, Transport.Replay.ALWAYS);
    return Json.field(r, "run_info", RunInfo.class, "runs/update");
  }

  /** One page of runs. */
  public Page<Run> searchRuns(RunSearch search) {
    ObjectNode body = Json.object();
    body.set("experiment_ids", Json.tree(search.experimentIds()));
    if (search.filter() != null) {
      body.put("filter", search.filter());
    }
    body.set("order_by", Json.tree(search.orderBy()));
    body.put("max_results", search.maxResults()).put("run_view_type", search.viewType());
    if (search.pageToken() != null) {
      body.put("page_token", search.pageToken());
    }
    JsonNode r = transport.post("mlflow/runs/search", body, Transport.Replay.ALWAYS);
    return new Page<>(Json.list(r, "runs", Run.class, "runs/search"), text(r, "next_page_token"));
  }

  /** All runs matching {@code search}, following every page. */
  public List<Run> searchAllRuns(RunSearch search) {
    List<Run> all = new ArrayList<>();
    RunSearch page = search;
    while (true) {
      Page<Run> p = searchRuns(page);
      all.addAll(p.items());
      if (p.nextPageToken() == null) {
        return all;
      }
      page = page.pageToken(p.nextPageToken());
    }
  }

  // ----------------------------------------------------------------------------------------------
  // logging

  /**
   * Logs metrics, params and tags, split into as many {@code runs/log-batch} calls as MLflow's
   * limits need (at most 100 params, 100 tags, 1000 metrics and 1000 entities per call). Params and
   * tags are idempotent and retried freely; a batch with metrics is re-sent after a lost response
   * only when a look-up shows it did not land.
   */
  public void logBatch(String runId, List<Metric> metrics, List<Param> params, List<Tag> tags) {
    for (Batch b : Batch.split(metrics, params, tags)) {
      ObjectNode body = Json.object().put("run_id", runId);
      body.set("metrics", Json.tree(b.metrics()));
      body.set("params", Json.tree(b.params()));
      body.set("tags", Json.tree(b.tags()));
      if (b.metrics().isEmpty()) {
        transport.post("mlflow/runs/log-batch", body, Transport.Replay.ALWAYS);
      } else {
        Idempotent.call(
            transport,
            "runs/log-batch for run " + runId,
            () -> transport.post("mlflow/runs/log-batch", body, Transport.Replay.IF_NOT_DELIVERED),
            () -> landed(runId, b.metrics()) ? Optional.of(Json.object()) : Optional.empty());
      }
    }
  }

  /**
   * Logs param {@code key} = {@code value} unless the run already has the key: true when the run
   * now holds this value (logged now, or by an earlier call with the same value), false when it
   * holds another one. MLflow's params are write-once per run, enforced by its database, so of
   * several writers racing to claim one key with different values exactly one gets true: a
   * compare-and-set that needs nothing but the tracking server.
   */
  public boolean claimParam(String runId, String key, String value) {
    try {
      logBatch(runId, List.of(), List.of(new Param(key, value)), List.of());
      return true;
    } catch (MlflowException e) {
      if (e.kind() != MlflowException.Kind.INVALID) {
        throw e;
      }
      Optional<String> held = getRun(runId).data().param(key);
      if (held.isEmpty()) {
        throw e;
      }
      return held.get().equals(value);
    }
  }

  /**
   * Marks a run deleted: it leaves {@code ACTIVE_ONLY} searches and the UI's run list, and the
   * server's garbage collection may remove it for good.
   */
  public void deleteRun(String runId) {
    transport.post(
        "mlflow/runs/delete", Json.object().put("run_id", runId), Transport.Replay.ALWAYS);
  }

  public void setTag(String runId, String key, String value) {
    ObjectNode body = Json.object().put("run_id", runId).put("key", key).put("value", value);
    transport.post("mlflow/runs/set-tag", body, Transport.Replay.ALWAYS);
  }

  /**
   * Records a directory of the run's artifacts as a model ({@code runs/log-model}): MLflow appends
   * it to the run's {@code mlflow.log-model.history} tag, and its run page then shows the directory
   * as a model and offers to register it. {@code modelJson} is the directory's MLmodel as JSON; it
   * must hold {@code artifact_path}, {@code flavors}, {@code utc_time_created} and {@code run_id}.
   */
  public void logModelHistory(String runId, String modelJson) {
    ObjectNode body = Json.object().put("run_id", runId).put("model_json", modelJson);
    transport.post("mlflow/runs/log-model", body, Transport.Replay.ALWAYS);
  }

  /** Every value ever logged for {@code key}, following pages. */
  public List<Metric> getMetricHistory(String runId, String key) {
    List<Metric> all = new ArrayList<>();
    String token = null;
    do {
      JsonNode r =
          transport.get(
              "mlflow/metrics/get-history",
              Query.of("run_id", runId)
                  .add("metric_key", key)
                  .add("max_results", 25_000)
                  .add("page_token", token));
      all.addAll(Json.list(r, "metrics", Metric.class, "metrics/get-history"));
      token = text(r, "next_page_token");
    } while (token != null);
    return all;
  }

  /**
   * Records datasets (and optionally LoggedModels) as the run's inputs. Idempotent, and safe when
   * other runs of the experiment log the same dataset at the same moment: MLflow stores a dataset
   * once per experiment (by name and digest), and the loser of that insert race is answered with a
   * rejection, after which the run's inputs are looked up and the call is sent once more.
   */
  public void logInputs(String runId, List<DatasetInput> datasets, List<ModelInput> models) {
    ObjectNode body = Json.object().put("run_id", runId);
    body.set("datasets", Json.tree(datasets));
    if (!models.isEmpty()) {
      body.set("models", Json.tree(models));
    }
    Idempotent.ensure(
        transport,
        "runs/log-inputs for run " + runId,
        () -> transport.post("mlflow/runs/log-inputs", body, Transport.Replay.ALWAYS),
        () -> recorded(getRun(runId).inputs(), datasets, models));
  }

  /**
   * Whether {@code inputs} hold every dataset by its identity (name, digest and context: MLflow
   * keeps the first writer's source and profile for a name and digest) and every model.
   */
  static boolean recorded(RunInputs inputs, List<DatasetInput> datasets, List<ModelInput> models) {
    return inputs.modelInputs().containsAll(models)
        && datasets.stream()
            .allMatch(wanted ->
                inputs.datasetInputs().stream()
                    .anyMatch(have ->
                        have.dataset().name().equals(wanted.dataset().name())
                            && have.dataset().digest().equals(wanted.dataset().digest())
                            && have.context().equals(wanted.context())));
  }

  /**
   * Records LoggedModels as outputs of the run ({@code runs/outputs}, MLflow 3). Idempotent: MLflow
   * rejects a repeated output, so a repeat (or a retry after a lost response) is checked against
   * the run instead.
   */
  public void logOutputs(String runId, List<ModelOutput> models) {
    ObjectNode body = Json.object().put("run_id", runId);
    ArrayNode array = body.putArray("models");
    for (ModelOutput m : models) {
      array.addObject().put("model_id", m.modelId()).put("step", m.step());
    }
    Idempotent.ensure(
        transport,
        "runs/outputs for run " + runId,
        () -> transport.post("mlflow/runs/outputs", body, Transport.Replay.IF_NOT_DELIVERED),
        () -> getRun(runId).outputs().modelOutputs().containsAll(models));
  }

  private boolean landed(String runId, List<Metric> metrics) {
    // A batch is written in one transaction: if its first and last metric are stored, all of it is.
    return stored(runId, metrics.getFirst()) && stored(runId, metrics.getLast());
  }

  private boolean stored(String runId, Metric m) {
    return getMetricHistory(runId, m.key()).stream()
        .anyMatch(h ->
            h.timestamp() == m.timestamp()
                && h.step() == m.step()
                && Double.compare(h.value(), m.value()) == 0);
  }

  static @Nullable String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() || v.asText().isEmpty() ? null : v.asText();
  }
}
