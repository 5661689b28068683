package dev.smileflow.train;

import dev.smileflow.bundle.BundleDescriptor;
import dev.smileflow.bundle.ModelBundle;
import dev.smileflow.train.data.ColumnDecision;
import dev.smileflow.train.data.CsvTables;
import dev.smileflow.train.data.Split;
import dev.smileflow.train.data.Table;
import dev.smileflow.train.registry.PromotionGate;
import dev.smileflow.train.registry.Registrar;
import dev.smileflow.train.report.Reports;
import dev.smileflow.train.search.Algorithm;
import dev.smileflow.train.search.CandidateResult;
import dev.smileflow.train.search.CrossValidator;
import dev.smileflow.train.search.Evaluation;
import dev.smileflow.train.search.FittedModel;
import dev.smileflow.train.search.Metric;
import dev.smileflow.train.search.ModelSpec;
import dev.smileflow.train.search.NativeBlas;
import dev.smileflow.train.search.SearchResult;
import dev.smileflow.train.search.SearchSpace;
import dev.smileflow.train.tracking.DatasetInfo;
import dev.smileflow.train.tracking.ReferenceProfiles;
import dev.smileflow.train.tracking.StoredModel;
import dev.smileflow.train.tracking.Tracker;
import dev.smileflow.train.validation.DataValidator;
import dev.smileflow.train.validation.Drift;
import dev.smileflow.train.validation.Finding;
import dev.smileflow.train.validation.Profile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One training job, step by step: load, split, validate, search, refit the winner, evaluate on the
 * hold-out rows, write and log the model, register it and apply the promotion gate. Any failure
 * ends the open runs FAILED (KILLED when interrupted) before it propagates.
 */
final class TrainJob {
  private static final Logger log = LoggerFactory.getLogger(TrainJob.class);

  /**
   * Search rows above which the quadratic-cost algorithms (svm, knn) are left out unless named
   * explicitly.
   */
  static final int KERNEL_ROW_LIMIT = 10_000;

  private final JobConfig config;
  private final Tracker tracker;
  private final @Nullable Registrar registrar;
  private final Cancellation cancel;
  private final CrossValidator.Progress progress;
  private final BiFunction<String, Path, Path> profileResolver;
  private final ModelCheck modelCheck;

  /** Checks the written model files before they are uploaded; throws to stop the job. */
  @FunctionalInterface
  interface ModelCheck {
    /** {@link FittedModel#checkServedAsTrained}: what every real job runs. */
    ModelCheck SERVED_AS_TRAINED =
        (fitted, dir, holdout) -> fitted.checkServedAsTrained(dir, holdout);

    void check(FittedModel fitted, Path dir, Table holdout);
  }

  /**
   * @param profileResolver turns a {@code runs:/} or {@code models:/} reference profile into a
   *     local file (given a work directory)
   * @param modelCheck checks the written model files before upload ({@link
   *     ModelCheck#SERVED_AS_TRAINED} in every real job)
   */
  TrainJob(
      JobConfig config,
      Tracker tracker,
      @Nullable Registrar registrar,
      Cancellation cancel,
      CrossValidator.Progress progress,
      BiFunction<String, Path, Path> profileResolver,
      ModelCheck modelCheck) {
    this.config = config;
    this.tracker = tracker;
    this.registrar = registrar;
    this.cancel = cancel;
    this.progress = progress;
    this.profileResolver = profileResolver;
    this.modelCheck = modelCheck;
  }

  /** What the job did, for the summary. */
  record Result(
      Table data,
      int trainRows,
      int testRows,
      SearchResult search,
      List<String> skipped,
      List<Finding> findings,
      List<Drift.Result> drift,
      Map<String, Double> holdout,
      Path bundleDir,
      @Nullable String runId,
      StoredModel model,
      @Nullable String version,
      PromotionGate.@Nullable Decision decision,
      PromotionGate.@Nullable Champion champion,
      long millis) {}

  Result run() {
    long start = System.nanoTime();
    try {
      Result result = steps(start);
      tracker.endAll("FINISHED");
      return result;
    } catch (RuntimeException e) {
      boolean interrupted = cancel.isCancelled() || e instanceof JobInterruptedException;
      Thread.interrupted(); // clear it so the clean-up calls can reach MLflow
      tracker.endAll(interrupted ? "KILLED" : "FAILED");
      if (interrupted && !(e instanceof JobInterruptedException)) {
        JobInterruptedException wrapped =
            new JobInterruptedException("interrupted: " + e.getMessage());
        wrapped.addSuppressed(e);
        throw wrapped;
      }
      throw e;
    }
  }

  private Result steps(long start) {
    // 1. Data, split, validation.
    Table table =
        config.data() == null
            ? CsvTables.iris()
            : CsvTables.read(config.data(), config.loadOptions());
    if (config.data() == null && !config.label().equals("species")) {
      throw new UsageException(
          "--label " + config.label() + " needs --data (the bundled Iris labels 'species')");
    }
    log.info("data: {}", table);
    for (ColumnDecision d : table.decisions()) {
      if (d.excluded()) {
        log.warn("column '{}' is not a feature: {}", d.column(), d.explanation());
      } else if (!d.detail().isEmpty()) {
        log.info("column '{}' is a feature: {}", d.column(), d.detail());
      }
    }
    Split split = Split.holdout(table.y(), config.testFraction(), config.seed());
    Table train = table.select(split.train());
    Table test = table.select(split.test());
    List<Finding> findings = new ArrayList<>(DataValidator.validate(table, train, config.folds()));
    List<Drift.Result> drift = List.of();
    Path work = workDir();
    String reference = config.referenceProfile();
    if (reference != null) {
      Path file =
          ReferenceProfiles.isMlflowUri(reference)
              ? profileResolver.apply(reference, work)
              : Path.of(reference);
      drift = Drift.compare(Profile.read(file), train, findings);
      for (Drift.Result d : drift) {
        if (d.drifted()) {
          findings.add(
              new Finding(
                  "drift",
                  String.format(
                      Locale.ROOT,
                      "column '%s' drifted: KS D=%.3f, p=%.2g",
                      d.feature(),
                      d.statistic(),
                      d.pValue())));
        }
      }
    }
    findings.forEach(f -> log.warn("validation: {}", f.message()));
    cancel.check("validation");

    // 2. Candidates, searched on at most --search-rows training rows (a stratified sample); the
    // winner is refitted on the whole training split.
    Table searchRows = train;
    if (train.rows() > config.searchRows()) {
      double drop = 1.0 - (double) config.searchRows() / train.rows();
      searchRows = train.select(Split.holdout(train.y(), drop, config.seed() + 1).train());
      log.info(
          "searching on a stratified sample of {} of the {} training rows (--search-rows)",
          searchRows.rows(),
          train.rows());
    }
    List<String> skipped = new ArrayList<>();
    List<ModelSpec> candidates = candidates(searchRows.rows(), skipped);
    skipped.forEach(s -> log.warn("skipped: {}", s));
    log.info(
        "searching {} candidates with {}-fold stratified CV on {} training rows ({} threads, seed {})",
        candidates.size(),
        config.folds(),
        searchRows.rows(),
        config.threads(),
        config.seed());

    // 3. Parent run.
    String runName =
        "train-"
            + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                .withZone(ZoneOffset.UTC)
                .format(Instant.now());
    Map<String, String> tags = new LinkedHashMap<>(config.runTags());
    tags.put("validation.status", findings.isEmpty() ? "passed" : "passed_with_warnings");
    tags.put(
        "data.schema",
        truncate(
            String.join(
                    ", ",
                    table.columns().stream()
                        .map(c ->
                            c.name()
                                + ":"
                                + switch (c) {
                                  case dev.smileflow.train.data.Column.Numeric n -> "double";
                                  case dev.smileflow.train.data.Column.Categorical k ->
                                      "string" + k.levels();
                                })
                        .toList())
                + " -> "
                + table.labelName()
                + ":string"));
    StringBuilder counts = new StringBuilder();
    for (int c = 0; c < table.classes().size(); c++) {
      counts
          .append(c == 0 ? "" : ", ")
          .append(table.classes().get(c))
          .append('=')
          .append(table.classCounts()[c]);
    }
    tags.put("data.class_counts", truncate(counts.toString()));
    tags.put("data.missing_values", Long.toString(table.missingCount()));
    tags.putAll(columnTags(table));
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
    tracker.startParent(runName, jobParams(table, train), tags);
    tracker.logDataset(DatasetInfo.of(table, train.rows()));
    Profile profile = Profile.of(train);
    Path profileFile = write(work.resolve("data_profile.json"), profile.toJson());
    tracker.uploadToParent(List.of(profileFile), "data");
    cancel.check("set-up");

    // 4. Search.
    SearchResult search;
    try {
      search =
          new CrossValidator(config.folds(), config.seed(), config.threads())
              .run(searchRows, candidates, config.metric(), progress);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new JobInterruptedException("interrupted during cross-validation");
    }
    cancel.check("cross-validation");
    CandidateResult winner = search.winner();
    log.info(
        "winner: {} (CV {} {})",
        winner.spec().label(),
        config.metric().key(),
        fmt(winner.mean(config.metric())));

    // 5. Refit on the whole training split, confirm on the hold-out rows.
    FittedModel fitted = FittedModel.fit(winner.spec(), train, config.seed());
    Evaluation evaluation = fitted.evaluate(test);
    Map<String, Double> holdout = new LinkedHashMap<>();
    holdout.put("accuracy", evaluation.accuracy());
    holdout.put("f1_macro", evaluation.f1Macro());
    holdout.put("log_loss", evaluation.logLoss());
    double aucSum = 0;
    for (int c = 0; c < table.classes().size(); c++) {
      aucSum += evaluation.roc(c).auc();
    }
    holdout.put("roc_auc_ovr_macro", aucSum / table.classes().size());
    tracker.logCandidates(search.candidates(), config.metric(), winner.index(), holdout);
    cancel.check("logging candidates");

    // 6. Reports and the model.
    Path bundleDir = config.output() != null ? config.output() : work.resolve("model");
    Path reportDir = work.resolve("reports");
    List<Path> reports =
        Reports.write(reportDir, evaluation, table.classes(), winner.spec().label());
    tracker.uploadToParent(reports, "reports");
    Path summaryCsv = write(work.resolve("candidates.csv"), candidatesCsv(search));
    tracker.uploadToParent(List.of(summaryCsv), "");
    Map<String, Double> modelMetrics = new LinkedHashMap<>();
    holdout.forEach((k, v) -> modelMetrics.put("holdout_" + k, v));
    for (Metric m : Metric.values()) {
      modelMetrics.put("cv_" + m.key() + "_mean", winner.mean(m));
      modelMetrics.put("cv_" + m.key() + "_std", winner.std(m));
    }
    BundleDescriptor descriptor =
        fitted.descriptor(table, train, finite(modelMetrics), config.seed(), Instant.now());
    Map<String, Object> example = fitted.inputExample(train);
    String runId = tracker.parentRunId();
    StoredModel model =
        tracker.logModel(
            config.modelName(),
            winner.spec().params(),
            modelMetrics,
            bundleDir,
            where ->
                writeCheckedBundle(
                    modelCheck,
                    bundleDir,
                    fitted,
                    test,
                    descriptor,
                    example,
                    where,
                    runId,
                    reports));
    Map<String, Double> parentMetrics = new LinkedHashMap<>();
    holdout.forEach((k, v) -> parentMetrics.put("holdout_" + k, v));
    parentMetrics.put("best_cv_" + config.metric().key() + "_mean", winner.mean(config.metric()));
    parentMetrics.put("candidates", (double) search.candidates().size());
    parentMetrics.put("training_rows", (double) train.rows());
    parentMetrics.put("holdout_rows", (double) test.rows());
    tracker.logParentMetrics(parentMetrics);
    cancel.check("logging the model");

    // 7. Registry and the promotion gate.
    String version = null;
    PromotionGate.Decision decision = null;
    PromotionGate.Champion champion = null;
    if (registrar != null) {
      PromotionGate gate =
          new PromotionGate(
              config.metric(), config.minScore(), config.promoteMargin(), config.promote());
      double challenger = config.metric().of(evaluation);
      List<Map<String, Object>> rows = new ArrayList<>();
      List<String> labels = new ArrayList<>();
      for (int i = 0; i < test.rows(); i++) {
        rows.add(fitted.preprocessing().completeRow(test, i));
        labels.add(table.classes().get(test.label(i)));
      }
      Registrar.HoldoutRows holdoutRows = new Registrar.HoldoutRows(rows, labels, table.classes());
      champion = registrar.champion(holdoutRows, config.metric(), work);
      cancel.check("scoring the production version");
      Map<String, String> versionTags = new LinkedHashMap<>();
      versionTags.put("algorithm", winner.spec().algorithm().id());
      versionTags.put("data_digest", table.digest());
      versionTags.put("holdout_" + config.metric().key(), fmt(challenger));
      version = registrar.register(model, runId, versionTags).version();
      cancel.check("registration");
      Registrar.Outcome outcome =
          registrar.promote(version, gate, challenger, champion, holdoutRows, work);
      decision = outcome.decision();
      champion = outcome.champion();
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    Result result =
        new Result(
            table,
            train.rows(),
            test.rows(),
            search,
            skipped,
            findings,
            drift,
            holdout,
            bundleDir,
            runId,
            model,
            version,
            decision,
            champion,
            millis);
    Map<String, String> endTags = new LinkedHashMap<>();
    endTags.put("mlflow.note.content", Summary.markdown(result, config));
    endTags.put("winner", winner.spec().label());
    if (version != null) {
      endTags.put("registered_version", version);
      endTags.put(
          "promotion.decision",
          decision != null && decision.promote() ? "promoted" : "not_promoted");
    }
    tracker.tagParent(endTags);
    tracker.logParentMetrics(Map.of("job_wall_time_s", millis / 1000.0));
    return result;
  }

  private List<ModelSpec> candidates(int searchRows, List<String> skipped) {
    boolean explicit = !config.algorithms().isEmpty();
    List<Algorithm> algorithms =
        new ArrayList<>(explicit ? config.algorithms() : List.of(Algorithm.values()));
    if (!NativeBlas.available()) {
      for (Algorithm needsBlas : algorithms.stream().filter(Algorithm::needsBlas).toList()) {
        algorithms.remove(needsBlas);
        skipped.add(
            needsBlas.id() + ": Smile's native BLAS/LAPACK (libopenblas.so) is not installed");
      }
    }
    if (!explicit && searchRows > KERNEL_ROW_LIMIT) {
      for (Algorithm slow : List.of(Algorithm.SVM, Algorithm.KNN)) {
        algorithms.remove(slow);
        skipped.add(
            slow.id()
                + ": "
                + searchRows
                + " search rows exceed "
                + KERNEL_ROW_LIMIT
                + " (name it in --algorithms to include it)");
      }
    }
    if (algorithms.isEmpty()) {
      throw new UsageException("no algorithm left to search (" + String.join("; ", skipped) + ")");
    }
    try {
      SearchSpace space = SearchSpace.defaults(algorithms);
      if (config.searchFile() != null) {
        space = space.withFile(config.searchFile());
      }
      for (String p : config.params()) {
        space = space.with(p);
      }
      return config.randomSearch() ? space.random(config.trials(), config.seed()) : space.grid();
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage(), e);
    }
  }

  private Map<String, String> jobParams(Table table, Table train) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("data", config.dataSource());
    p.put("data_digest", table.digest());
    p.put("label", table.labelName());
    p.put("rows", Integer.toString(table.rows()));
    p.put("training_rows", Integer.toString(train.rows()));
    p.put("features", Integer.toString(table.columns().size()));
    p.put("classes", String.join(",", table.classes()));
    p.put("missing", config.missing().toString());
    p.put("folds", Integer.toString(config.folds()));
    p.put("seed", Long.toString(config.seed()));
    p.put("test_fraction", Double.toString(config.testFraction()));
    p.put("metric", config.metric().key());
    p.put("search", config.randomSearch() ? "random" : "grid");
    p.put("trials", Integer.toString(config.trials()));
    p.put(
        "algorithms",
        config.algorithms().isEmpty()
            ? "all"
            : String.join(",", config.algorithms().stream().map(Algorithm::id).toList()));
    p.put(
        "param_overrides", config.params().isEmpty() ? "none" : String.join(";", config.params()));
    p.put("min_score", config.minScore() == null ? "none" : config.minScore().toString());
    p.put("promote_margin", Double.toString(config.promoteMargin()));
    p.put("promote", Boolean.toString(config.promote()));
    p.put("model_name", config.modelName());
    p.put("alias", config.alias());
    p.put("threads", Integer.toString(config.threads()));
    p.put("search_rows", Integer.toString(Math.min(config.searchRows(), train.rows())));
    return p;
  }

  /**
   * Writes the bundle, then loads it back through the api's loader and checks that it predicts the
   * hold-out rows as the in-memory model does, before a byte of it is uploaded.
   */
  private static Path writeCheckedBundle(
      ModelCheck check,
      Path dir,
      FittedModel fitted,
      Table holdout,
      BundleDescriptor descriptor,
      Map<String, Object> example,
      StoredModel where,
      @Nullable String runId,
      List<Path> reports) {
    try {
      ModelBundle.write(
          dir,
          fitted.model(),
          descriptor,
          example,
          b -> {
            switch (where) {
              case StoredModel.Logged l -> b.artifactPath(l.artifactUri()).modelId(l.modelId());
              case StoredModel.RunArtifacts r -> b.artifactPath(r.path());
              case StoredModel.Local l -> {
                // a dry run: no MLflow location to record
              }
            }
            if (runId != null) {
              b.runId(runId);
            }
            return b;
          });
      for (Path report : reports) {
        Files.copy(
            report,
            dir.resolve(report.getFileName()),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      check.check(fitted, dir, holdout);
      log.info(
          "model files verified: the serving loader predicts {} hold-out rows as trained",
          holdout.rows());
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the model bundle into " + dir, e);
    }
  }

  private static String candidatesCsv(SearchResult search) {
    StringBuilder out = new StringBuilder("index,algorithm,params");
    for (Metric m : Metric.values()) {
      out.append(",cv_").append(m.key()).append("_mean,cv_").append(m.key()).append("_std");
    }
    out.append(",fit_time_ms,model_size_bytes,failure\n");
    for (CandidateResult c : search.candidates()) {
      out.append(c.index())
          .append(',')
          .append(c.spec().algorithm().id())
          .append(",\"")
          .append(c.spec().params().toString().replace("\"", "'"))
          .append('"');
      for (Metric m : Metric.values()) {
        out.append(',').append(fmt(c.mean(m))).append(',').append(fmt(c.std(m)));
      }
      out.append(',')
          .append(c.fitMillis())
          .append(',')
          .append(c.modelSizeBytes())
          .append(",\"")
          .append(c.failure() == null ? "" : c.failure().replace("\"", "'"))
          .append("\"\n");
    }
    return out.toString();
  }

  private static Map<String, Double> finite(Map<String, Double> metrics) {
    Map<String, Double> out = new LinkedHashMap<>();
    metrics.forEach((k, v) -> {
      if (Double.isFinite(v)) {
        out.put(k, v);
      }
    });
    return out;
  }

  private static Path workDir() {
    try {
      return Files.createTempDirectory("train-job");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a work directory", e);
    }
  }

  private static Path write(Path file, String text) {
    try {
      return Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  static String fmt(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }

  /**
   * The parent-run tags about columns: {@code data.features} (the feature names, comma-separated)
   * and one {@code data.excluded.<column>} per column left out, valued with the reason and its
   * evidence.
   */
  static Map<String, String> columnTags(Table table) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("data.features", truncate(String.join(", ", table.featureNames())));
    for (ColumnDecision d : table.excluded()) {
      tags.put("data.excluded." + tagKey(d.column()), truncate(d.explanation()));
    }
    return tags;
  }

  /**
   * A column name as part of a tag key: MLflow accepts letters, digits, {@code _ - .} and spaces
   * (and rejects some uses of {@code /}), so any other character becomes {@code _}; at most 200
   * characters.
   */
  static String tagKey(String column) {
    String key = column.replaceAll("[^A-Za-z0-9_.\\- ]", "_");
    return key.length() <= 200 ? key : key.substring(0, 200);
  }

  private static String truncate(String s) {
    return s.length() <= 5000 ? s : s.substring(0, 5000);
  }
}
