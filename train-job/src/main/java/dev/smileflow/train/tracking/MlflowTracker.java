package dev.smileflow.train.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.smileflow.mlflow.Concurrently;
import dev.smileflow.mlflow.Dataset;
import dev.smileflow.mlflow.DatasetInput;
import dev.smileflow.mlflow.Experiment;
import dev.smileflow.mlflow.LoggedModel;
import dev.smileflow.mlflow.LoggedModelSpec;
import dev.smileflow.mlflow.LoggedModelStatus;
import dev.smileflow.mlflow.Metric;
import dev.smileflow.mlflow.MlflowClient;
import dev.smileflow.mlflow.ModelOutput;
import dev.smileflow.mlflow.Param;
import dev.smileflow.mlflow.Run;
import dev.smileflow.mlflow.RunSpec;
import dev.smileflow.mlflow.RunStatus;
import dev.smileflow.mlflow.ServerCapabilities;
import dev.smileflow.mlflow.Tag;
import dev.smileflow.train.data.Column;
import dev.smileflow.train.data.Table;
import dev.smileflow.train.search.CandidateResult;
import dev.smileflow.train.search.Shard;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the job to an MLflow server. Probes once what the server offers ({@link
 * ServerCapabilities}): the model is a LoggedModel where the server has them (MLflow 3), else run
 * artifacts under {@value #RUN_MODEL_PATH}/ (MLflow 2.x); the data set is a run input where the
 * server records them. Keeps every run it opened until it is ended, and a LoggedModel it created
 * until it is READY, so {@link #endAll} can mark what is left FAILED or KILLED (the model
 * UPLOAD_FAILED) after an error or interruption.
 */
public final class MlflowTracker implements Tracker {
  /** Experiment tag that tells MLflow's UI which view to open the experiment in. */
  static final String EXPERIMENT_KIND_TAG = "mlflow.experimentKind";

  static final String EXPERIMENT_KIND = "custom_model_development";

  /** The parent run's artifact directory holding the model on servers without LoggedModels. */
  public static final String RUN_MODEL_PATH = "model";

  private static final Logger log = LoggerFactory.getLogger(MlflowTracker.class);
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final MlflowClient client;
  private final String experimentName;
  private final Map<String, String> standardTags;
  private final Set<String> open = Collections.synchronizedSet(new LinkedHashSet<>());
  private @Nullable Run parent;
  private @Nullable ServerCapabilities capabilities;
  private @Nullable String pendingModel;

  /**
   * @param standardTags tags every run carries ({@code mlflow.user}, {@code mlflow.source.*})
   */
  public MlflowTracker(
      MlflowClient client, String experimentName, Map<String, String> standardTags) {
    this.client = client;
    this.experimentName = experimentName;
    this.standardTags = Map.copyOf(standardTags);
  }

  private Run parent() {
    if (parent == null) {
      throw new IllegalStateException("no parent run yet");
    }
    return parent;
  }

  /**
   * What the server offers, probed on first use and said once at INFO when something is missing.
   */
  private ServerCapabilities capabilities() {
    if (capabilities == null) {
      ServerCapabilities c = client.capabilities();
      for (String limitation : c.limitations()) {
        log.info("MLflow server {}: {}", client.config().trackingUri(), limitation);
      }
      capabilities = c;
    }
    return capabilities;
  }

  @Override
  public void startParent(String runName, Map<String, String> params, Map<String, String> tags) {
    capabilities();
    Experiment experiment = client.tracking().getOrCreateExperiment(experimentName);
    if (!Tag.toMap(experiment.tags()).containsKey(EXPERIMENT_KIND_TAG)) {
      // MLflow 3's UI opens an experiment without a kind in its GenAI view; ours is model training
      client
          .tracking()
          .setExperimentTag(experiment.experimentId(), EXPERIMENT_KIND_TAG, EXPERIMENT_KIND);
    }
    Map<String, String> all = new LinkedHashMap<>(standardTags);
    all.putAll(tags);
    Run run =
        client
            .tracking()
            .createRun(RunSpec.of(experiment.experimentId(), runName).withTags(Tag.of(all)));
    open.add(run.runId());
    parent = run;
    log.info(
        "MLflow parent run {} in experiment '{}' ({})",
        run.runId(),
        experimentName,
        experiment.experimentId());
    client.tracking().logBatch(run.runId(), List.of(), Param.of(params), List.of());
  }

  /**
   * Continues an existing parent run (a sharded job's, created by another task): later calls log to
   * it, and it stays open when this process ends; see {@link #ownParent}.
   */
  public void attachParent(String runId) {
    capabilities();
    parent = client.tracking().getRun(runId);
  }

  /** Leaves the parent run open when this process ends: other shards still log under it. */
  public void shareParent() {
    open.remove(parent().runId());
  }

  /**
   * Ends the parent run with this process again (the shard that selects the winner): FINISHED after
   * the job, FAILED or KILLED when it fails.
   */
  public void ownParent() {
    open.add(parent().runId());
  }

  @Override
  public void logDataset(Table table, int trainRows) {
    if (!capabilities().datasetInputs()) {
      return;
    }
    DatasetInput input = DatasetInput.of(dataset(table, trainRows), "training");
    client.tracking().logInputs(parent().runId(), List.of(input), List.of());
  }

  /**
   * {@code table} as MLflow's dataset: name, digest (at most 36 characters), source, schema ({@code
   * {"mlflow_colspec": [...]}}) and a compact profile; {@code trainRows} rows are used for
   * training.
   */
  static Dataset dataset(Table table, int trainRows) {
    String source = table.source();
    String name = source.replaceFirst("^.*[/\\\\:]", "").replaceFirst("\\.[^.]*$", "");
    ObjectNode schema = JSON.createObjectNode();
    ArrayNode colspec = schema.putArray("mlflow_colspec");
    for (Column c : table.columns()) {
      colspec
          .addObject()
          .put("type", c instanceof Column.Numeric ? "double" : "string")
          .put("name", c.name())
          .put("required", true);
    }
    colspec.addObject().put("type", "string").put("name", table.labelName()).put("required", true);
    ObjectNode profile =
        JSON.createObjectNode()
            .put("num_rows", table.rows())
            .put("num_elements", (long) table.rows() * (table.columns().size() + 1))
            .put("num_features", table.columns().size())
            .put("training_rows", trainRows)
            .put("missing_values", table.missingCount());
    ObjectNode classes = profile.putObject("classes");
    int[] counts = table.classCounts();
    for (int c = 0; c < counts.length; c++) {
      classes.put(table.classes().get(c), counts[c]);
    }
    String uri =
        source.startsWith("classpath:")
            ? source
            : Path.of(source).toAbsolutePath().toUri().toString();
    ObjectNode sourceJson = JSON.createObjectNode().put("uri", uri);
    return new Dataset(
        name.isBlank() ? "data" : name,
        table.digest(),
        "local",
        sourceJson.toString(),
        schema.toString(),
        profile.toString());
  }

  @Override
  public void tagParent(Map<String, String> tags) {
    if (!tags.isEmpty()) {
      client.tracking().logBatch(parent().runId(), List.of(), List.of(), Tag.of(tags));
    }
  }

  @Override
  public void logParentMetrics(Map<String, Double> metrics) {
    client.tracking().logBatch(parent().runId(), metrics(metrics, null), List.of(), List.of());
  }

  private String parentArtifactUri() {
    String uri = parent().info().artifactUri();
    if (uri == null) {
      throw new IllegalStateException("parent run has no artifact URI");
    }
    return uri;
  }

  @Override
  public void uploadToParent(List<Path> files, String dir) {
    String uri = parentArtifactUri();
    Concurrently.forEach(
        files,
        f ->
            client
                .artifacts()
                .uploadFile(
                    uri,
                    f,
                    dir.isEmpty() ? f.getFileName().toString() : dir + "/" + f.getFileName()));
  }

  @Override
  public void logCandidates(
      List<CandidateResult> candidates, int winnerIndex, Map<String, Double> winnerHoldout) {
    Concurrently.forEach(candidates, c -> logCandidate(c, winnerIndex, winnerHoldout, Map.of()));
  }

  /**
   * Logs a shard's candidates as nested runs of the shared parent, tagged with the shard, none of
   * them the winner yet ({@link #markWinner} names it once every shard is done).
   */
  public void logShardCandidates(List<CandidateResult> candidates, Shard shard) {
    Concurrently.forEach(
        candidates, c -> logCandidate(c, -1, Map.of(), RunRecord.shardTags(shard)));
  }

  /** Marks the nested run {@code runId} as the winner's and logs its hold-out scores on it. */
  public void markWinner(String runId, Map<String, Double> holdout) {
    client
        .tracking()
        .logBatch(
            runId,
            metrics(RunRecord.holdoutMetrics(holdout), null),
            List.of(),
            List.of(new Tag(RunRecord.CANDIDATE_WINNER_TAG, "true")));
  }

  /** One candidate as a nested run of the parent: create, log its batch, end. */
  private void logCandidate(
      CandidateResult c,
      int winnerIndex,
      Map<String, Double> winnerHoldout,
      Map<String, String> extraTags) {
    Map<String, String> tags = new LinkedHashMap<>(standardTags);
    tags.putAll(RunRecord.candidateTags(c, winnerIndex));
    tags.putAll(extraTags);
    Run run =
        client
            .tracking()
            .createRun(
                RunSpec.of(parent().info().experimentId(), RunRecord.candidateRunName(c))
                    .withTags(Tag.of(tags))
                    .withParent(parent().runId()));
    open.add(run.runId());
    List<Metric> metrics = new ArrayList<>();
    long now = System.currentTimeMillis();
    if (c.succeeded()) {
      metrics.addAll(metrics(RunRecord.candidateMetrics(c, winnerIndex, winnerHoldout), null));
      for (RunRecord.FoldPoint p : RunRecord.foldMetrics(c)) {
        metrics.add(Metric.of(p.key(), p.value(), now, p.step()));
      }
    }
    client
        .tracking()
        .logBatch(run.runId(), metrics, Param.of(RunRecord.candidateParams(c)), List.of());
    end(run.runId(), c.succeeded() ? RunStatus.FINISHED : RunStatus.FAILED);
  }

  @Override
  public StoredModel reserveModel(String name, Map<String, String> params, Path dir) {
    if (!capabilities().loggedModels()) {
      return new StoredModel.RunArtifacts(
          parent().runId(), RUN_MODEL_PATH, parentArtifactUri() + "/" + RUN_MODEL_PATH);
    }
    LoggedModel model =
        client
            .loggedModels()
            .create(
                LoggedModelSpec.of(parent().info().experimentId(), name, parent().runId())
                    .withModelType("smile")
                    .withParams(Param.of(params))
                    .withTags(Tag.of(standardTags)));
    pendingModel = model.modelId();
    return new StoredModel.Logged(model.modelId(), model.artifactUri());
  }

  @Override
  public void logModel(StoredModel model, Path dir, Map<String, Double> metrics) {
    switch (model) {
      case StoredModel.Logged logged -> logLoggedModel(logged, dir, metrics);
      case StoredModel.RunArtifacts artifacts -> logRunArtifactsModel(artifacts, dir);
      case StoredModel.Local local ->
          throw new IllegalArgumentException(
              "a model reserved by a dry run cannot be logged to MLflow: " + local.dir());
    }
  }

  /** Uploads, links as the parent run's output, logs the metrics with its id, finalizes READY. */
  private void logLoggedModel(StoredModel.Logged model, Path dir, Map<String, Double> metrics) {
    String id = model.modelId();
    client.artifacts().uploadDirectory(model.artifactUri(), dir);
    client.tracking().logOutputs(parent().runId(), List.of(new ModelOutput(id, 0)));
    client.tracking().logBatch(parent().runId(), metrics(metrics, id), List.of(), List.of());
    client.loggedModels().finalizeModel(id, LoggedModelStatus.LOGGED_MODEL_READY);
    pendingModel = null;
    log.info("LoggedModel {} READY at {}", id, model.artifactUri());
  }

  /**
   * The MLflow 2.x layout: the model's files are the parent run's artifacts under model/, recorded
   * with {@code runs/log-model} so the run page shows them as a model.
   */
  private void logRunArtifactsModel(StoredModel.RunArtifacts model, Path dir) {
    client.artifacts().uploadDirectory(model.artifactUri(), dir);
    ObjectNode entry = YAML.createObjectNode();
    try {
      JsonNode mlmodel = YAML.readTree(dir.resolve("MLmodel").toFile());
      // The fields MLflow keeps in the run's model history; not the signature, which older
      // servers cannot parse.
      for (String field : List.of("artifact_path", "flavors", "utc_time_created", "run_id")) {
        entry.set(field, mlmodel.get(field));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the MLmodel file written into " + dir, e);
    }
    client.tracking().logModelHistory(model.runId(), entry.toString());
    log.info("model stored as run artifacts at {}", model.runsUri());
  }

  @Override
  public @Nullable String parentRunId() {
    return parent == null ? null : parent.runId();
  }

  private void end(String runId, RunStatus status) {
    client.tracking().endRun(runId, status);
    open.remove(runId);
  }

  @Override
  public void endAll(RunStatus status) {
    String model = pendingModel;
    if (model != null) {
      try {
        client.loggedModels().finalizeModel(model, LoggedModelStatus.LOGGED_MODEL_UPLOAD_FAILED);
        pendingModel = null;
      } catch (RuntimeException e) {
        log.warn("could not mark LoggedModel {} UPLOAD_FAILED: {}", model, e.getMessage());
      }
    }
    List<String> ids;
    synchronized (open) {
      ids = new ArrayList<>(open);
    }
    Collections.reverse(ids); // nested runs before the parent
    for (String id : ids) {
      try {
        end(id, status);
        log.info("run {} marked {}", id, status);
      } catch (RuntimeException e) {
        log.warn("could not mark run {} {}: {}", id, status, e.getMessage());
      }
    }
  }

  /** The finite ones of {@code values} at step 0, now, with the LoggedModel's id if given. */
  private static List<Metric> metrics(Map<String, Double> values, @Nullable String modelId) {
    long now = System.currentTimeMillis();
    List<Metric> out = new ArrayList<>();
    RunRecord.finite(values)
        .forEach((k, v) -> {
          Metric m = Metric.of(k, v, now, 0);
          out.add(modelId == null ? m : m.withModelId(modelId));
        });
    return out;
  }
}
