package dev.smileflow.train;

import dev.smileflow.bundle.BundleDescriptor;
import dev.smileflow.bundle.MlModelFile;
import dev.smileflow.bundle.ModelBundle;
import dev.smileflow.mlflow.RunStatus;
import dev.smileflow.train.data.ColumnDecision;
import dev.smileflow.train.data.CsvTables;
import dev.smileflow.train.data.Split;
import dev.smileflow.train.data.Table;
import dev.smileflow.train.registry.PromotionGate;
import dev.smileflow.train.registry.Registrar;
import dev.smileflow.train.report.Reports;
import dev.smileflow.train.report.Slices;
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
import dev.smileflow.train.tracking.ReferenceProfiles;
import dev.smileflow.train.tracking.RunRecord;
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
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One training job as a sequence of named steps ({@link #steps}), each taking and returning
 * records: load the data, split it, validate it, plan the search, start the parent run, search,
 * refit and evaluate the winner, report, write and check the model, log it, register it behind the
 * promotion gate, and finish the run. What the steps write to MLflow is named and formatted by
 * {@link RunRecord}. Any failure ends the open runs FAILED (KILLED when interrupted) before it
 * propagates.
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

  /** The data set and its stratified hold-out split. */
  record Rows(Table all, Table train, Table test) {}

  /**
   * What validation found: every warning (drifted features among them) and, with a reference
   * profile, the drift test of each numeric feature.
   */
  record Checks(List<Finding> findings, List<Drift.Result> drift) {
    Checks {
      findings = List.copyOf(findings);
      drift = List.copyOf(drift);
    }
  }

  /**
   * The search to run: the training rows it cross-validates on, the candidates, and why algorithms
   * were left out.
   */
  record Plan(Table rows, List<ModelSpec> candidates, List<String> skipped) {
    Plan {
      candidates = List.copyOf(candidates);
      skipped = List.copyOf(skipped);
    }
  }

  /**
   * The winner refitted on the whole training split, and its hold-out evaluation, scores and scores
   * per slice.
   */
  record Refit(
      CandidateResult winner,
      FittedModel fitted,
      Evaluation evaluation,
      Map<String, Double> holdout,
      Slices slices) {
    Refit {
      holdout = Collections.unmodifiableMap(new LinkedHashMap<>(holdout));
    }

    /** The model's metrics: in its bundle and, logged with its id, on the parent run. */
    Map<String, Double> modelMetrics() {
      return RunRecord.modelMetrics(holdout, winner);
    }
  }

  /** The registered version and the promotion gate's decision. */
  record Registration(String version, PromotionGate.Decision decision) {}

  /**
   * What every task of a job computes alike before the search: the data, its work directory, its
   * checks and the search plan.
   */
  record Prepared(Rows rows, Path work, Checks checks, Plan plan) {}

  /** What the job did, for the summary. */
  record Result(
      Prepared prepared,
      SearchResult search,
      Refit refit,
      Path bundleDir,
      @Nullable String runId,
      StoredModel model,
      @Nullable Registration registration,
      long millis) {}

  Result run() {
    return guarded(() -> steps(System.nanoTime()));
  }

  /**
   * Runs {@code steps} and ends the runs still open FINISHED; on a failure ends them FAILED (KILLED
   * when interrupted) before the failure propagates.
   */
  <T> T guarded(Supplier<T> steps) {
    try {
      T result = steps.get();
      tracker.endAll(RunStatus.FINISHED);
      return result;
    } catch (RuntimeException e) {
      boolean interrupted = cancel.isCancelled() || e instanceof JobInterruptedException;
      Thread.interrupted(); // clear it so the clean-up calls can reach MLflow
      tracker.endAll(interrupted ? RunStatus.KILLED : RunStatus.FAILED);
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
    Prepared p = prepare();
    startRun(p, Map.of());
    recordData(p.rows(), p.work());
    SearchResult search = search(p.plan());
    return conclude(
        start,
        p,
        search,
        refit ->
            tracker.logCandidates(search.candidates(), refit.winner().index(), refit.holdout()));
  }

  /** Loads, splits and validates the data and plans the search. */
  Prepared prepare() {
    Rows rows = split(load());
    Path work = workDir();
    return new Prepared(rows, work, validate(rows, work), plan(rows.train()));
  }

  /**
   * The steps after the search: refit and evaluate the winner, log the candidates ({@code
   * logCandidates}), report, write, check and log the model, register it behind the gate, finish.
   */
  Result conclude(long start, Prepared p, SearchResult search, Consumer<Refit> logCandidates) {
    Rows rows = p.rows();
    Refit refit = refit(search, rows);
    logCandidates.accept(refit);
    cancel.check("logging candidates");
    List<Path> reports = report(search, refit, rows.all(), p.work());
    Path bundleDir = config.output() != null ? config.output() : p.work().resolve("model");
    StoredModel model =
        tracker.reserveModel(config.modelName(), refit.winner().spec().params(), bundleDir);
    writeModel(refit, rows, model, reports, bundleDir);
    logModel(model, bundleDir, refit, search, rows);
    Registration registration =
        registrar == null ? null : register(registrar, model, refit, rows, p.work());
    long millis = (System.nanoTime() - start) / 1_000_000;
    Result result =
        new Result(p, search, refit, bundleDir, tracker.parentRunId(), model, registration, millis);
    finish(result);
    return result;
  }

  /** Reads the data (the bundled Iris without {@code --data}) and logs which columns it uses. */
  Table load() {
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
    return table;
  }

  /** The stratified hold-out split of {@code --test-fraction}. */
  Rows split(Table table) {
    Split split = Split.holdout(table.y(), config.testFraction(), config.seed());
    return new Rows(table, table.select(split.train()), table.select(split.test()));
  }

  /**
   * Validates the data and, with {@code --reference-profile}, tests the training rows for drift
   * against it; hard problems throw, warnings are logged and returned.
   */
  Checks validate(Rows rows, Path work) {
    List<Finding> findings =
        new ArrayList<>(DataValidator.validate(rows.all(), rows.train(), config.folds()));
    List<Drift.Result> drift = List.of();
    String reference = config.referenceProfile();
    if (reference != null) {
      Path file =
          ReferenceProfiles.isMlflowUri(reference)
              ? profileResolver.apply(reference, work)
              : Path.of(reference);
      drift = Drift.compare(Profile.read(file), rows.train(), findings);
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
    return new Checks(findings, drift);
  }

  /**
   * The candidates, searched on at most {@code --search-rows} training rows (a stratified sample;
   * the winner is refitted on the whole training split).
   */
  Plan plan(Table train) {
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
    return new Plan(searchRows, candidates, skipped);
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
            "%s: %s search rows exceed %s (name it in --algorithms to include it)"
                .formatted(slow.id(), searchRows, KERNEL_ROW_LIMIT));
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
      throw new UsageException(e);
    }
  }

  /** Starts the parent run with the job's params and tags, and {@code extraTags}. */
  void startRun(Prepared p, Map<String, String> extraTags) {
    Table all = p.rows().all();
    Map<String, String> tags =
        new LinkedHashMap<>(
            RunRecord.startTags(
                all, p.checks().findings(), p.plan().skipped(), p.checks().drift()));
    tags.putAll(extraTags);
    tracker.startParent(
        RunRecord.runName(Instant.now()), RunRecord.params(config, all, p.rows().train()), tags);
  }

  /**
   * Logs the data set as the parent run's input and uploads the training rows' profile (the next
   * job's drift reference).
   */
  void recordData(Rows rows, Path work) {
    tracker.logDataset(rows.all(), rows.train().rows());
    Path profile = write(work.resolve("data_profile.json"), Profile.of(rows.train()).toJson());
    tracker.uploadToParent(List.of(profile), "data");
    cancel.check("set-up");
  }

  /** Cross-validates every candidate of the plan. */
  SearchResult search(Plan plan) {
    List<Integer> all = IntStream.range(0, plan.candidates().size()).boxed().toList();
    SearchResult search =
        SearchResult.of(crossValidate(plan, all), config.metric(), config.folds());
    CandidateResult winner = search.winner();
    log.info(
        "winner: {} (CV {} {})",
        winner.spec().label(),
        config.metric().key(),
        String.format(Locale.ROOT, "%.4f", winner.mean(config.metric())));
    return search;
  }

  /** Cross-validates the candidates at {@code indexes} of the plan (all of them, or a shard's). */
  List<CandidateResult> crossValidate(Plan plan, List<Integer> indexes) {
    List<CandidateResult> results;
    try {
      results =
          new CrossValidator(config.folds(), config.seed(), config.threads())
              .evaluate(plan.rows(), plan.candidates(), indexes, progress);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new JobInterruptedException("interrupted during cross-validation");
    }
    cancel.check("cross-validation");
    return results;
  }

  /** Refits the winner on the whole training split and confirms it on the hold-out rows. */
  Refit refit(SearchResult search, Rows rows) {
    CandidateResult winner = search.winner();
    FittedModel fitted = FittedModel.fit(winner.spec(), rows.train(), config.seed());
    Evaluation evaluation = fitted.evaluate(rows.test());
    return new Refit(
        winner,
        fitted,
        evaluation,
        RunRecord.holdout(evaluation),
        Slices.of(rows.test(), evaluation));
  }

  /**
   * Writes the winner's plots and classification report and uploads them with {@code
   * candidates.csv} to the parent run; uploads the slice table and tags the parent run with the
   * flagged slices; returns the report files (the slice table is not among them: it stays out of
   * the model).
   */
  List<Path> report(SearchResult search, Refit refit, Table table, Path work) {
    List<Path> reports =
        Reports.write(
            work.resolve("reports"),
            refit.evaluation(),
            table.classes(),
            refit.winner().spec().label());
    tracker.uploadToParent(reports, "reports");
    Path slices = write(work.resolve(Slices.FILE), refit.slices().table());
    tracker.uploadToParent(List.of(slices), RunRecord.SLICES_DIR);
    tracker.tagParent(RunRecord.sliceTags(refit.slices()));
    refit.slices().flagged().forEach(f -> log.warn("slice: {}", refit.slices().why(f)));
    Path csv = write(work.resolve("candidates.csv"), RunRecord.candidatesCsv(search));
    tracker.uploadToParent(List.of(csv), "");
    return reports;
  }

  /**
   * Writes the winner as a model bundle into {@code dir}, its MLmodel file naming where the tracker
   * will store it, adds the reports, and checks that the serving loader predicts the hold-out rows
   * as the in-memory model does, before a byte is uploaded.
   */
  void writeModel(Refit refit, Rows rows, StoredModel where, List<Path> reports, Path dir) {
    FittedModel fitted = refit.fitted();
    BundleDescriptor descriptor =
        fitted.descriptor(
            rows.all(),
            rows.train(),
            RunRecord.finite(refit.modelMetrics()),
            config.seed(),
            Instant.now());
    String runId = tracker.parentRunId();
    try {
      ModelBundle.write(
          dir,
          fitted.model(),
          descriptor,
          fitted.inputExample(rows.train()),
          mlmodel -> located(mlmodel, where, runId));
      for (Path report : reports) {
        Files.copy(report, dir.resolve(report.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the model bundle into " + dir, e);
    }
    modelCheck.check(fitted, dir, rows.test());
    log.info(
        "model files verified: the serving loader predicts {} hold-out rows as trained",
        rows.test().rows());
  }

  /** The MLmodel file's record of where the files are stored and which run wrote them. */
  private static MlModelFile.Builder located(
      MlModelFile.Builder mlmodel, StoredModel where, @Nullable String runId) {
    switch (where) {
      case StoredModel.Logged l -> mlmodel.artifactPath(l.artifactUri()).modelId(l.modelId());
      case StoredModel.RunArtifacts r -> mlmodel.artifactPath(r.path());
      case StoredModel.Local l -> {
        // a dry run: no MLflow location to record
      }
    }
    if (runId != null) {
      mlmodel.runId(runId);
    }
    return mlmodel;
  }

  /** Uploads the written model and logs the parent run's scores. */
  void logModel(StoredModel model, Path dir, Refit refit, SearchResult search, Rows rows) {
    tracker.logModel(model, dir, refit.modelMetrics());
    tracker.logParentMetrics(
        RunRecord.parentMetrics(refit.holdout(), search, rows.train().rows(), rows.test().rows()));
    cancel.check("logging the model");
  }

  /**
   * Scores the production version on the hold-out rows, registers the model as a new version and
   * lets the promotion gate decide whether it replaces production.
   */
  Registration register(Registrar registrar, StoredModel model, Refit refit, Rows rows, Path work) {
    Metric metric = config.metric();
    PromotionGate gate =
        new PromotionGate(metric, config.minScore(), config.promoteMargin(), config.promote());
    double challenger = metric.of(refit.evaluation());
    Registrar.HoldoutRows holdout = holdoutRows(refit.fitted(), rows);
    PromotionGate.Champion champion = registrar.champion(holdout, metric, work);
    cancel.check("scoring the production version");
    Map<String, String> versionTags =
        RunRecord.versionTags(
            refit.winner().spec().algorithm(), rows.all().digest(), metric, challenger);
    String version = registrar.register(model, tracker.parentRunId(), versionTags);
    cancel.check("registration");
    return new Registration(
        version, registrar.promote(version, gate, challenger, champion, holdout, work));
  }

  /** The hold-out rows as a client sends them (missing values absent), with their labels. */
  private static Registrar.HoldoutRows holdoutRows(FittedModel fitted, Rows rows) {
    Table test = rows.test();
    List<String> classes = rows.all().classes();
    List<Map<String, Object>> values = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    for (int i = 0; i < test.rows(); i++) {
      values.add(fitted.preprocessing().completeRow(test, i));
      labels.add(classes.get(test.label(i)));
    }
    return new Registrar.HoldoutRows(values, labels);
  }

  /** Tags the parent run with the summary, the winner and the decision, and logs the wall time. */
  private void finish(Result result) {
    Registration registration = result.registration();
    tracker.tagParent(
        RunRecord.endTags(
            Summary.markdown(result, config),
            result.refit().winner().spec().label(),
            registration == null ? null : registration.version(),
            registration != null && registration.decision().promote()));
    tracker.logParentMetrics(RunRecord.wallTime(result.millis()));
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
}
