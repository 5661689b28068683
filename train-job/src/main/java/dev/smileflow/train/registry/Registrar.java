package dev.smileflow.train.registry;

import dev.smileflow.bundle.BundleException;
import dev.smileflow.bundle.InvalidInputException;
import dev.smileflow.bundle.LoadedModel;
import dev.smileflow.bundle.ModelBundle;
import dev.smileflow.bundle.Prediction;
import dev.smileflow.mlflow.Concurrently;
import dev.smileflow.mlflow.MlflowClient;
import dev.smileflow.mlflow.MlflowException;
import dev.smileflow.mlflow.ModelVersion;
import dev.smileflow.mlflow.ModelVersionSpec;
import dev.smileflow.mlflow.Stage;
import dev.smileflow.mlflow.Tag;
import dev.smileflow.train.search.Evaluation;
import dev.smileflow.train.search.Metric;
import dev.smileflow.train.tracking.StoredModel;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry steps of a job: find and score the current production version, register the winner,
 * and promote it when the {@link PromotionGate} says so.
 *
 * <p>Promotion is a compare-and-set on the alias: right before moving it, the alias is read again;
 * if it no longer points at the champion the decision was taken against (another job promoted in
 * the meantime), the new champion is scored on the same hold-out rows and the gate decides again,
 * at most {@link Promotion#MAX_ROUNDS} times. MLflow has no conditional alias update, so what
 * remains is the window of one round trip between that read and the move (docs/train-job.md).
 * Promotion sets the alias, then the deprecated stage (archiving the previous Production version);
 * if the stage step fails the alias is moved back, so a version is never left half-promoted.
 */
public final class Registrar {
  /** Bounds of the wait after moving the alias before it is read once more ({@link #settle}). */
  static final Duration SETTLE_MIN = Duration.ofMillis(500);

  static final Duration SETTLE_MAX = Duration.ofSeconds(2);

  private static final int SHOWN_PROBLEMS = 5;

  private static final Logger log = LoggerFactory.getLogger(Registrar.class);

  private final MlflowClient client;
  private final String modelName;
  private final String alias;

  public Registrar(MlflowClient client, String modelName, String alias) {
    this.client = client;
    this.modelName = modelName;
    this.alias = alias;
  }

  /**
   * Rows to score the champion on: the hold-out rows by feature name and their true class labels.
   */
  public record HoldoutRows(List<Map<String, Object>> rows, List<String> labels) {
    public HoldoutRows {
      rows = List.copyOf(rows);
      labels = List.copyOf(labels);
    }
  }

  /**
   * The production version (by alias) and its score on {@code holdout}, computed from its
   * downloaded bundle; {@link PromotionGate.NoChampion} when there is none. Called before the
   * challenger is registered.
   */
  public PromotionGate.Champion champion(HoldoutRows holdout, Metric metric, Path workDir) {
    return productionVersion()
        .map(version -> score(version, holdout, metric, workDir))
        .orElseGet(PromotionGate.NoChampion::new);
  }

  private Optional<String> productionVersion() {
    return client.registry().findVersionByAlias(modelName, alias).map(ModelVersion::version);
  }

  private PromotionGate.Champion score(
      String version, HoldoutRows holdout, Metric metric, Path workDir) {
    try {
      Path dir = workDir.resolve("champion-v" + version);
      client.artifacts().downloadDirectory(client.modelVersionArtifactUri(modelName, version), dir);
      LoadedModel model = ModelBundle.load(dir);
      return new PromotionGate.Scored(version, score(model, holdout, metric));
    } catch (InvalidInputException e) {
      return unscorable(version, "the hold-out rows do not fit its features: " + summary(e));
    } catch (BundleException | IllegalArgumentException | UncheckedIOException e) {
      return unscorable(version, e.getMessage() == null ? e.toString() : e.getMessage());
    } catch (MlflowException e) {
      if (e.kind() == MlflowException.Kind.NOT_FOUND) {
        return new PromotionGate.Unscorable(version, e.getMessage());
      }
      throw e;
    }
  }

  private PromotionGate.Unscorable unscorable(String version, String reason) {
    log.warn("production version {} of {} cannot be scored: {}", version, modelName, reason);
    return new PromotionGate.Unscorable(version, reason);
  }

  /** The distinct problems of all rows (every row usually has the same), the first few of them. */
  static String summary(InvalidInputException e) {
    List<String> distinct =
        e.errors().stream()
            .map(f -> f.field().replaceFirst("^\\[\\d+]\\.", "") + ": " + f.problem())
            .distinct()
            .toList();
    int shown = Math.min(distinct.size(), SHOWN_PROBLEMS);
    return String.join("; ", distinct.subList(0, shown))
        + (distinct.size() > shown ? " (and " + (distinct.size() - shown) + " more)" : "");
  }

  /** Scores a loaded bundle on rows; its class labels must include every true label. */
  static double score(LoadedModel model, HoldoutRows holdout, Metric metric) {
    List<String> labels = model.descriptor().classLabels();
    int k = labels.size();
    int n = holdout.rows().size();
    int[] truth = new int[n];
    int[] predicted = new int[n];
    double[][] probabilities = new double[n][];
    List<Prediction> predictions = model.predictAll(holdout.rows());
    for (int i = 0; i < n; i++) {
      int t = labels.indexOf(holdout.labels().get(i));
      if (t < 0) {
        throw new IllegalArgumentException(
            "its classes " + labels + " do not include '" + holdout.labels().get(i) + "'");
      }
      truth[i] = t;
      Prediction p = predictions.get(i);
      predicted[i] = labels.indexOf(p.label());
      double[] probs = new double[k];
      for (int c = 0; c < k; c++) {
        probs[c] = p.probabilities().getOrDefault(labels.get(c), 0.0);
      }
      probabilities[i] = probs;
    }
    return metric.of(new Evaluation(k, truth, predicted, probabilities));
  }

  /**
   * Registers the stored model as a new version and waits until it is READY: a LoggedModel from
   * {@code models:/m-…}, run artifacts (MLflow 2.x) from {@code runs:/<run id>/<path>}.
   *
   * @return the new version's number
   */
  public String register(StoredModel model, @Nullable String runId, Map<String, String> tags) {
    ModelVersionSpec spec =
        switch (model) {
          case StoredModel.Logged l ->
              ModelVersionSpec.fromLoggedModel(modelName, l.modelId(), runId);
          case StoredModel.RunArtifacts r ->
              ModelVersionSpec.fromRunArtifacts(modelName, r.runId(), r.path());
          case StoredModel.Local l ->
              throw new IllegalArgumentException(
                  "a model written only to " + l.dir() + " (dry run) cannot be registered");
        };
    client
        .registry()
        .getOrCreateRegisteredModel(modelName, "Smile classifier trained by smileflow train-job");
    ModelVersion created = client.registry().createModelVersion(spec.withTags(Tag.of(tags)));
    log.info("registered {} version {}", modelName, created.version());
    return client
        .registry()
        .waitUntilReady(modelName, created.version(), Duration.ofMinutes(5))
        .version();
  }

  /**
   * Decides with {@code gate} whether {@code version} (hold-out score {@code challengerScore})
   * replaces {@code champion}, records the decision as version tags, and promotes when it says so:
   * as a compare-and-set that re-reads the alias right before moving it, and re-scores a champion
   * that changed in the meantime on {@code holdout} before deciding again.
   */
  public PromotionGate.Decision promote(
      String version,
      PromotionGate gate,
      double challengerScore,
      PromotionGate.Champion champion,
      HoldoutRows holdout,
      Path workDir) {
    PromotionGate.Decision decision =
        Promotion.run(
            gate,
            version,
            challengerScore,
            champion,
            new Promotion.Production() {
              @Override
              public Optional<String> current() {
                return productionVersion();
              }

              @Override
              public PromotionGate.Champion score(String production) {
                return Registrar.this.score(production, holdout, gate.metric(), workDir);
              }

              @Override
              public void record(PromotionGate.Champion against, PromotionGate.Decision decision) {
                Registrar.this.record(version, gate, challengerScore, against, decision);
              }

              private long moveNanos;

              @Override
              public void move(Optional<String> from) {
                long start = System.nanoTime();
                Registrar.this.move(version, from);
                moveNanos = System.nanoTime() - start;
              }

              @Override
              public Optional<String> afterMove() {
                settle(moveNanos);
                return productionVersion();
              }
            });
    if (!decision.promote()) {
      log.info("{} version {} not promoted: {}", modelName, version, decision.reason());
    }
    return decision;
  }

  /**
   * Waits long enough for a concurrent job's alias move, sent at most one round trip after ours, to
   * have landed: four times our own move (two round trips), at least {@link #SETTLE_MIN}, at most
   * {@link #SETTLE_MAX}.
   */
  private static void settle(long moveNanos) {
    long nanos = Math.clamp(4 * moveNanos, SETTLE_MIN.toNanos(), SETTLE_MAX.toNanos());
    try {
      Thread.sleep(Duration.ofNanos(nanos));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the job's next cancellation check ends it
    }
  }

  /** Records the decision as version tags. */
  private void record(
      String version,
      PromotionGate gate,
      double challengerScore,
      PromotionGate.Champion champion,
      PromotionGate.Decision decision) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("promotion.decision", decision.promote() ? "promoted" : "not_promoted");
    tags.put("promotion.reason", decision.reason());
    tags.put("promotion.metric", "holdout_" + gate.metric().key());
    tags.put("promotion.challenger_score", fmt(challengerScore));
    tags.put("promotion.min_score", gate.minScore() == null ? "none" : fmt(gate.minScore()));
    tags.put("promotion.margin", fmt(gate.margin()));
    tags.put("promotion.champion_version", Promotion.versionOf(champion).orElse("none"));
    tags.put(
        "promotion.champion_score",
        switch (champion) {
          case PromotionGate.NoChampion n -> "none";
          case PromotionGate.Scored s -> fmt(s.score());
          case PromotionGate.Unscorable u -> "unscorable";
        });
    Concurrently.forEach(
        List.copyOf(tags.entrySet()),
        t -> client.registry().setModelVersionTag(modelName, version, t.getKey(), t.getValue()));
  }

  /**
   * Sets the alias, then the stage; moves the alias back to {@code previous} if the stage fails.
   */
  private void move(String version, Optional<String> previous) {
    client.registry().setAlias(modelName, alias, version);
    try {
      client.registry().transitionStage(modelName, version, Stage.PRODUCTION, true);
    } catch (RuntimeException e) {
      rollBackAlias(previous, e);
      throw e;
    }
    log.info("{} version {} promoted: alias '{}' and stage Production", modelName, version, alias);
  }

  private void rollBackAlias(Optional<String> previous, RuntimeException cause) {
    boolean interrupted = Thread.interrupted(); // an interrupt must not stop the roll-back itself
    try {
      if (previous.isPresent()) {
        client.registry().setAlias(modelName, alias, previous.get());
      } else {
        client.registry().deleteAlias(modelName, alias);
      }
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.6f", v);
  }
}
