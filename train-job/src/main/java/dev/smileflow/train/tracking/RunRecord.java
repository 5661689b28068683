package dev.smileflow.train.tracking;

import dev.smileflow.mlflow.Run;
import dev.smileflow.train.data.Column;
import dev.smileflow.train.data.ColumnDecision;
import dev.smileflow.train.data.MissingPolicy;
import dev.smileflow.train.data.Table;
import dev.smileflow.train.report.Slices;
import dev.smileflow.train.search.Algorithm;
import dev.smileflow.train.search.CandidateResult;
import dev.smileflow.train.search.Evaluation;
import dev.smileflow.train.search.FoldScore;
import dev.smileflow.train.search.Metric;
import dev.smileflow.train.search.ModelSpec;
import dev.smileflow.train.search.SearchResult;
import dev.smileflow.train.search.Shard;
import dev.smileflow.train.validation.Drift;
import dev.smileflow.train.validation.Finding;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;

/**
 * What a job writes to its MLflow runs, by name and formatted value: the parent run's name, params,
 * tags and metrics, each candidate's nested run, the model's metrics, the registered version's tags
 * and {@code candidates.csv}. It only formats; a {@link Tracker} writes. docs/train-job.md ("What
 * lands in MLflow") lists the same names.
 */
public final class RunRecord {
  /** The longest tag value written; a longer one is cut. */
  static final int MAX_TAG_VALUE = 5000;

  /** The longest tag-key part made from a column name. */
  static final int MAX_KEY_PART = 200;

  /**
   * Tag on a sharded job's parent run: the job execution its shards share ({@code --job-id}, on
   * Cloud Run {@code CLOUD_RUN_EXECUTION}).
   */
  public static final String JOB_ID_TAG = "smileflow.job_id";

  /**
   * Param on a sharded job's parent run: the fingerprint of the search every shard must plan alike.
   * Params are write-once, so a shard that planned differently cannot log its own.
   */
  public static final String PLAN_PARAM = "plan_digest";

  /** Param on a sharded job's parent run: who selects the winner; write-once, so one does. */
  public static final String SELECTOR_PARAM = "selected_by";

  /** Tag on a candidate's run logged by a shard: {@code I/N}, 0-based. */
  static final String SHARD_TAG = "smileflow.shard";

  /** Parent-run tags set at the end: the winner's label and the version registered. */
  public static final String WINNER_TAG = "winner";

  public static final String VERSION_TAG = "registered_version";

  static final String CANDIDATE_INDEX_TAG = "candidate.index";
  static final String CANDIDATE_WINNER_TAG = "candidate.winner";
  static final String CANDIDATE_FAILURE_TAG = "candidate.failure";

  private static final DateTimeFormatter RUN_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  private RunRecord() {}

  /** The job settings the parent run records as params ({@code JobConfig} is one). */
  public interface Settings {
    /** Where the data comes from ({@code bundled iris.csv} or the file). */
    String dataSource();

    MissingPolicy missing();

    int folds();

    long seed();

    double testFraction();

    Metric metric();

    boolean randomSearch();

    int trials();

    /** The algorithms asked for; empty = all. */
    List<Algorithm> algorithms();

    /** The {@code --param} overrides. */
    List<String> params();

    @Nullable Double minScore();

    double promoteMargin();

    boolean promote();

    String modelName();

    String alias();

    int threads();

    /** The most training rows the search cross-validates on. */
    int searchRows();
  }

  /** The parent run's name: {@code train-<UTC yyyyMMdd-HHmmss>}. */
  public static String runName(Instant startedAt) {
    return "train-" + RUN_TIME.format(startedAt);
  }

  /** The parent run's params: the job's settings and the shape of its data. */
  public static Map<String, String> params(Settings s, Table table, Table train) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("data", s.dataSource());
    p.put("data_digest", table.digest());
    p.put("label", table.labelName());
    p.put("rows", Integer.toString(table.rows()));
    p.put("training_rows", Integer.toString(train.rows()));
    p.put("features", Integer.toString(table.columns().size()));
    p.put("classes", String.join(",", table.classes()));
    p.put("missing", s.missing().toString());
    p.put("folds", Integer.toString(s.folds()));
    p.put("seed", Long.toString(s.seed()));
    p.put("test_fraction", Double.toString(s.testFraction()));
    p.put("metric", s.metric().key());
    p.put("search", s.randomSearch() ? "random" : "grid");
    p.put("trials", Integer.toString(s.trials()));
    p.put(
        "algorithms",
        s.algorithms().isEmpty()
            ? "all"
            : String.join(",", s.algorithms().stream().map(Algorithm::id).toList()));
    p.put("param_overrides", s.params().isEmpty() ? "none" : String.join(";", s.params()));
    p.put("min_score", s.minScore() == null ? "none" : s.minScore().toString());
    p.put("promote_margin", Double.toString(s.promoteMargin()));
    p.put("promote", Boolean.toString(s.promote()));
    p.put("model_name", s.modelName());
    p.put("alias", s.alias());
    p.put("threads", Integer.toString(s.threads()));
    p.put("search_rows", Integer.toString(Math.min(s.searchRows(), train.rows())));
    return p;
  }

  /**
   * The parent run's tags at its start: the data ({@code data.*}, among them {@code data.features},
   * the feature names, and one {@code data.excluded.<column>} per column left out, valued with the
   * reason and its evidence), the validation findings ({@code validation.*}), the algorithms left
   * out of the search ({@code search.skipped.<i>}) and the drift per numeric feature ({@code
   * drift.<column>}).
   */
  public static Map<String, String> startTags(
      Table table, List<Finding> findings, List<String> skipped, List<Drift.Result> drift) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("validation.status", findings.isEmpty() ? "passed" : "passed_with_warnings");
    tags.put("data.schema", truncate(schema(table)));
    tags.put("data.class_counts", truncate(classCounts(table)));
    tags.put("data.missing_values", Long.toString(table.missingCount()));
    tags.put("data.features", truncate(String.join(", ", table.featureNames())));
    for (ColumnDecision d : table.excluded()) {
      tags.put("data.excluded." + tagKey(d.column()), truncate(d.explanation()));
    }
    tags.put("validation.warnings", Integer.toString(findings.size()));
    for (int i = 0; i < findings.size(); i++) {
      tags.put(
          "validation." + findings.get(i).code() + (i == 0 ? "" : "." + i),
          truncate(findings.get(i).message()));
    }
    for (int i = 0; i < skipped.size(); i++) {
      tags.put("search.skipped." + i, truncate(skipped.get(i)));
    }
    for (Drift.Result d : drift) {
      tags.put(
          "drift." + tagKey(d.feature()),
          String.format(
              Locale.ROOT,
              "D=%.4f p=%.3g%s",
              d.statistic(),
              d.pValue(),
              d.drifted() ? " drifted" : ""));
    }
    return tags;
  }

  /**
   * {@code name:double} or {@code name:string[levels]} per feature, then {@code -> label:string}.
   */
  private static String schema(Table table) {
    List<String> columns =
        table.columns().stream()
            .map(c ->
                c.name()
                    + ":"
                    + switch (c) {
                      case Column.Numeric n -> "double";
                      case Column.Categorical k -> "string" + k.levels();
                    })
            .toList();
    return String.join(", ", columns) + " -> " + table.labelName() + ":string";
  }

  /** {@code class=count, ...} in class order. */
  private static String classCounts(Table table) {
    return IntStream.range(0, table.classes().size())
        .mapToObj(c -> table.classes().get(c) + "=" + table.classCounts()[c])
        .collect(Collectors.joining(", "));
  }

  /**
   * A column name as part of a tag key: MLflow accepts letters, digits, {@code _ - .} and spaces
   * (and rejects some uses of {@code /}), so any other character becomes {@code _}; at most {@value
   * #MAX_KEY_PART} characters.
   */
  static String tagKey(String column) {
    String key = column.replaceAll("[^A-Za-z0-9_.\\- ]", "_");
    return key.length() <= MAX_KEY_PART ? key : key.substring(0, MAX_KEY_PART);
  }

  /** At most {@value #MAX_TAG_VALUE} characters of {@code value}. */
  static String truncate(String value) {
    return value.length() <= MAX_TAG_VALUE ? value : value.substring(0, MAX_TAG_VALUE);
  }

  /**
   * The hold-out scores by name ({@code accuracy}, {@code f1_macro}, {@code log_loss}, {@code
   * roc_auc_ovr_macro}); logged with a {@code holdout_} prefix.
   */
  public static Map<String, Double> holdout(Evaluation evaluation) {
    Map<String, Double> holdout = new LinkedHashMap<>();
    holdout.put("accuracy", evaluation.accuracy());
    holdout.put("f1_macro", evaluation.f1Macro());
    holdout.put("log_loss", evaluation.logLoss());
    double aucSum = 0;
    for (int c = 0; c < evaluation.classes(); c++) {
      aucSum += evaluation.roc(c).auc();
    }
    holdout.put("roc_auc_ovr_macro", aucSum / evaluation.classes());
    return holdout;
  }

  /** The hold-out scores as metrics: {@code holdout_<score>}. */
  public static Map<String, Double> holdoutMetrics(Map<String, Double> holdout) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    holdout.forEach((k, v) -> metrics.put("holdout_" + k, v));
    return metrics;
  }

  /**
   * The model's metrics (also stored in its bundle): {@code holdout_*} and every metric's CV mean
   * and standard deviation.
   */
  public static Map<String, Double> modelMetrics(
      Map<String, Double> holdout, CandidateResult winner) {
    Map<String, Double> metrics = holdoutMetrics(holdout);
    putCvMetrics(metrics, winner);
    return metrics;
  }

  /** Every metric's CV mean and standard deviation: {@code cv_<metric>_mean} and {@code _std}. */
  private static void putCvMetrics(Map<String, Double> metrics, CandidateResult c) {
    for (Metric m : Metric.values()) {
      metrics.put("cv_" + m.key() + "_mean", c.mean(m));
      metrics.put("cv_" + m.key() + "_std", c.std(m));
    }
  }

  /**
   * The parent run's metrics once the model is logged: {@code holdout_*}, the winner's CV mean of
   * {@code metric}, and the counts of candidates, training and hold-out rows.
   */
  public static Map<String, Double> parentMetrics(
      Map<String, Double> holdout, SearchResult search, int trainingRows, int holdoutRows) {
    Metric metric = search.metric();
    Map<String, Double> metrics = holdoutMetrics(holdout);
    metrics.put("best_cv_" + metric.key() + "_mean", search.winner().mean(metric));
    metrics.put("candidates", (double) search.candidates().size());
    metrics.put("training_rows", (double) trainingRows);
    metrics.put("holdout_rows", (double) holdoutRows);
    return metrics;
  }

  /** The parent run's last metric: the job's wall time in seconds. */
  public static Map<String, Double> wallTime(long millis) {
    return Map.of("job_wall_time_s", millis / 1000.0);
  }

  /**
   * The parent run's tags at its end: the Markdown summary ({@code mlflow.note.content}), the
   * winner, and with a registered version its number and the promotion decision.
   */
  public static Map<String, String> endTags(
      String summary, String winner, @Nullable String version, boolean promoted) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("mlflow.note.content", summary);
    tags.put(WINNER_TAG, winner);
    if (version != null) {
      tags.put(VERSION_TAG, version);
      tags.put("promotion.decision", promoted ? "promoted" : "not_promoted");
    }
    return tags;
  }

  /** Where the slice table lands among the parent run's artifacts. */
  public static final String SLICES_DIR = "reports";

  /** The slice table's path among the parent run's artifacts. */
  public static final String SLICES_PATH = SLICES_DIR + "/" + Slices.FILE;

  /** The most {@code slice.flagged.<i>} tags written; {@code slice.flagged} counts them all. */
  static final int MAX_FLAGGED_TAGS = 20;

  /**
   * MLflow's run tag listing the run's tables ({@code mlflow.log_table} sets it; the UI and {@code
   * mlflow.load_table} read it).
   */
  static final String LOGGED_ARTIFACTS_TAG = "mlflow.loggedArtifacts";

  /**
   * The parent run's tags about the hold-out slices: {@code slice.rules}, {@code slice.flagged}
   * (how many), {@code slice.flagged.<i>} (why each, the first {@value #MAX_FLAGGED_TAGS}) and
   * {@code mlflow.loggedArtifacts} naming {@code reports/slices.json} as a table, in the JSON that
   * {@code mlflow.log_table} writes.
   */
  public static Map<String, String> sliceTags(Slices slices) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("slice.rules", Slices.rules());
    List<Slices.Slice> flagged = slices.flagged();
    tags.put("slice.flagged", Integer.toString(flagged.size()));
    for (int i = 0; i < Math.min(flagged.size(), MAX_FLAGGED_TAGS); i++) {
      tags.put("slice.flagged." + i, truncate(slices.why(flagged.get(i))));
    }
    tags.put(LOGGED_ARTIFACTS_TAG, "[{\"path\": \"" + SLICES_PATH + "\", \"type\": \"table\"}]");
    return tags;
  }

  /** The registered version's tags: the algorithm, the data digest and its hold-out score. */
  public static Map<String, String> versionTags(
      Algorithm algorithm, String dataDigest, Metric metric, double holdoutScore) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("algorithm", algorithm.id());
    tags.put("data_digest", dataDigest);
    tags.put("holdout_" + metric.key(), score(holdoutScore));
    return tags;
  }

  /**
   * A candidate's nested run name: its 1-based index and label, {@code 03-svm(c=1,sigma_scale=2)}.
   */
  static String candidateRunName(CandidateResult c) {
    return String.format(
        "%02d-%s", c.index() + 1, c.spec().label().replace(", ", ",").replace(' ', '_'));
  }

  /** A candidate's nested-run tags (besides the standard ones). */
  static Map<String, String> candidateTags(CandidateResult c, int winnerIndex) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put(CANDIDATE_INDEX_TAG, Integer.toString(c.index()));
    tags.put(CANDIDATE_WINNER_TAG, Boolean.toString(c.index() == winnerIndex));
    tags.put("algorithm", c.spec().algorithm().id());
    if (c.failure() != null) {
      tags.put(CANDIDATE_FAILURE_TAG, truncate(c.failure()));
    }
    return tags;
  }

  /** A candidate's params: its algorithm and hyperparameters. */
  static Map<String, String> candidateParams(CandidateResult c) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("algorithm", c.spec().algorithm().id());
    params.putAll(c.spec().params());
    return params;
  }

  /**
   * A succeeded candidate's summary metrics: every metric's CV mean and standard deviation, fit and
   * score time, model size, and on the winner its {@code holdout_*}.
   */
  static Map<String, Double> candidateMetrics(
      CandidateResult c, int winnerIndex, Map<String, Double> winnerHoldout) {
    Map<String, Double> summary = new LinkedHashMap<>();
    putCvMetrics(summary, c);
    summary.put("fit_time_ms", (double) c.fitMillis());
    summary.put("score_time_ms", (double) c.scoreMillis());
    summary.put("model_size_bytes", (double) c.modelSizeBytes());
    if (c.index() == winnerIndex) {
      summary.putAll(holdoutMetrics(winnerHoldout));
    }
    return summary;
  }

  /** One value of a candidate's per-fold metrics, at a step. */
  record FoldPoint(String key, double value, int step) {}

  /**
   * A succeeded candidate's per-fold metrics, fold by fold: {@code cv_<metric>} at step = fold
   * (0-based) and {@code fold_<i>_<metric>} (1-based) at step 0, values that are not finite left
   * out; and {@code fold_<i>_fit_time_ms} and {@code fold_<i>_score_time_ms}.
   */
  static List<FoldPoint> foldMetrics(CandidateResult c) {
    List<FoldPoint> points = new ArrayList<>();
    for (FoldScore f : c.folds()) {
      for (Metric m : Metric.values()) {
        double value = f.get(m);
        if (Double.isFinite(value)) {
          points.add(new FoldPoint("cv_" + m.key(), value, f.fold()));
          points.add(new FoldPoint(foldKey(f.fold(), m.key()), value, 0));
        }
      }
      points.add(new FoldPoint(foldKey(f.fold(), "fit_time_ms"), f.fitMillis(), 0));
      points.add(new FoldPoint(foldKey(f.fold(), "score_time_ms"), f.scoreMillis(), 0));
    }
    return points;
  }

  private static String foldKey(int fold, String name) {
    return "fold_" + (fold + 1) + "_" + name;
  }

  /**
   * The candidate a nested run records, read back (the inverse of {@link #candidateTags}, {@link
   * #candidateParams}, {@link #candidateMetrics} and {@link #foldMetrics}): its index names its
   * spec in {@code candidates}, which must be the one the run's params describe. A score logged as
   * not finite reads back as NaN.
   *
   * @throws IllegalStateException when the run is not a candidate of this plan
   */
  public static CandidateResult candidate(Run run, List<ModelSpec> candidates, int folds) {
    String index = run.data().tag(CANDIDATE_INDEX_TAG).orElse("");
    if (!index.matches("\\d{1,9}") || Integer.parseInt(index) >= candidates.size()) {
      throw new IllegalStateException(
          "run " + run.runId() + " has no candidate index of this plan (tag '" + index + "')");
    }
    int i = Integer.parseInt(index);
    ModelSpec spec = candidates.get(i);
    CandidateResult unscored = new CandidateResult(i, spec, List.of(), 0, "");
    Map<String, String> params = new LinkedHashMap<>();
    run.data().params().forEach(p -> params.put(p.key(), p.value()));
    if (!params.equals(candidateParams(unscored))) {
      throw new IllegalStateException(
          "run %s logged candidate %s as %s, but this plan's candidate %s is %s"
              .formatted(run.runId(), i, params, i, spec.label()));
    }
    var failure = run.data().tag(CANDIDATE_FAILURE_TAG);
    if (failure.isPresent()) {
      return new CandidateResult(i, spec, List.of(), 0, failure.get());
    }
    List<FoldScore> scores = new ArrayList<>();
    for (int f = 0; f < folds; f++) {
      int fold = f;
      ToDoubleFunction<String> value =
          name -> run.data().metric(foldKey(fold, name)).orElse(Double.NaN);
      scores.add(
          new FoldScore(
              f,
              value.applyAsDouble(Metric.ACCURACY.key()),
              value.applyAsDouble(Metric.F1_MACRO.key()),
              value.applyAsDouble(Metric.LOG_LOSS.key()),
              (long) value.applyAsDouble("fit_time_ms"),
              (long) value.applyAsDouble("score_time_ms")));
    }
    long size = run.data().metric("model_size_bytes").orElse(0.0).longValue();
    return new CandidateResult(i, spec, scores, size, null);
  }

  /** A shard's tags on the runs of its candidates. */
  static Map<String, String> shardTags(Shard shard) {
    return Map.of(SHARD_TAG, shard.index() + "/" + shard.count());
  }

  /** The tag on a sharded job's parent run that says shard {@code index} has logged its share. */
  public static String shardDoneTag(int index) {
    return "smileflow.shard." + index + ".done";
  }

  /**
   * The metrics that are numbers: NaN (e.g. the AUC of a class absent from a fold) and infinities
   * left out. MLflow would store them, but they are not scores.
   */
  public static Map<String, Double> finite(Map<String, Double> metrics) {
    Map<String, Double> out = new LinkedHashMap<>();
    metrics.forEach((k, v) -> {
      if (Double.isFinite(v)) {
        out.put(k, v);
      }
    });
    return out;
  }

  /**
   * {@code candidates.csv}: one row per candidate with its index, algorithm, params, every metric's
   * CV mean and standard deviation, fit time, model size and failure.
   */
  public static String candidatesCsv(SearchResult search) {
    StringBuilder out = new StringBuilder("index,algorithm,params");
    for (Metric m : Metric.values()) {
      out.append(",cv_%s_mean,cv_%s_std".formatted(m.key(), m.key()));
    }
    out.append(",fit_time_ms,model_size_bytes,failure\n");
    for (CandidateResult c : search.candidates()) {
      out.append(
          "%s,%s,%s"
              .formatted(
                  c.index(), c.spec().algorithm().id(), quoted(c.spec().params().toString())));
      for (Metric m : Metric.values()) {
        out.append(',').append(score(c.mean(m))).append(',').append(score(c.std(m)));
      }
      String failure = c.failure() == null ? "" : c.failure();
      out.append(",%s,%s,%s\n".formatted(c.fitMillis(), c.modelSizeBytes(), quoted(failure)));
    }
    return out.toString();
  }

  /** A CSV field in double quotes, its own double quotes turned into single ones. */
  private static String quoted(String field) {
    return '"' + field.replace('"', '\'') + '"';
  }

  /** A score as text: four decimals, {@code 0.9667}. */
  private static String score(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }
}
