package dev.smileflow.train;

import static java.util.Objects.requireNonNull;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.smileflow.train.data.Table;
import dev.smileflow.train.report.Reports;
import dev.smileflow.train.search.Algorithm;
import dev.smileflow.train.search.ModelSpec;
import dev.smileflow.train.search.SearchResult;
import dev.smileflow.train.search.UnservableModelException;
import dev.smileflow.train.tracking.StoredModel;
import dev.smileflow.train.tracking.Tracker;
import dev.smileflow.train.validation.Finding;
import dev.smileflow.train.validation.Profile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The job's steps one at a time, with a tracker that writes nothing. */
class TrainJobTest {
  private static final YAMLMapper YAML = new YAMLMapper();

  @TempDir Path dir;

  /** The options parsed as the command line parses them. */
  static JobConfig config(String... args) {
    AtomicReference<JobConfig> parsed = new AtomicReference<>();
    int code =
        new CommandLine(
                new TrainCommand(
                    c -> {
                      parsed.set(c);
                      return 0;
                    },
                    Map.of(),
                    Map.of()))
            .execute(args);
    assertEquals(0, code, "the arguments parse");
    return parsed.get();
  }

  private static TrainJob job(TrainJob.ModelCheck check, String... args) {
    return new TrainJob(
        config(args),
        new Tracker.DryRun(),
        null,
        new Cancellation(),
        (done, total, what) -> {},
        (ref, work) -> {
          throw new AssertionError("no MLflow reference expected: " + ref);
        },
        check);
  }

  private static TrainJob job(String... args) {
    return job(TrainJob.ModelCheck.SERVED_AS_TRAINED, args);
  }

  @Test
  void theBundledIrisHasNoLabelButSpecies() {
    UsageException e = assertThrows(UsageException.class, () -> job("--label", "kind").load());
    assertEquals("--label kind needs --data (the bundled Iris labels 'species')", e.getMessage());
    assertEquals(150, job().load().rows());
  }

  @Test
  void theSplitHoldsOutTheTestFractionOfEveryClass() {
    TrainJob job = job("--test-fraction", "0.2");
    TrainJob.Rows rows = job.split(job.load());
    assertEquals(120, rows.train().rows());
    assertEquals(30, rows.test().rows());
    assertEquals(List.of(40, 40, 40), counts(rows.train()));
    assertEquals(List.of(10, 10, 10), counts(rows.test()));
  }

  private static List<Integer> counts(Table t) {
    return Arrays.stream(t.classCounts()).boxed().toList();
  }

  @Test
  void aReferenceProfileOfOtherDataAddsADriftFindingPerDriftedColumn() throws Exception {
    Path before = SyntheticCsv.write(dir.resolve("before.csv"), 300, 2, 0.0, 1);
    Path after = SyntheticCsv.write(dir.resolve("after.csv"), 300, 2, 3.0, 2);
    TrainJob first = job("--data", before.toString(), "--label", "y");
    Path profile =
        Files.writeString(
            dir.resolve("profile.json"), Profile.of(first.split(first.load()).train()).toJson());

    TrainJob job =
        job("--data", after.toString(), "--label", "y", "--reference-profile", profile.toString());
    TrainJob.Checks checks = job.validate(job.split(job.load()), dir);
    assertEquals(List.of("a", "b"), checks.drift().stream().map(d -> d.feature()).toList());
    assertTrue(checks.drift().stream().allMatch(d -> d.drifted()), checks.drift().toString());
    List<Finding> drifted =
        checks.findings().stream().filter(f -> f.code().equals("drift")).toList();
    assertEquals(2, drifted.size(), checks.findings().toString());
    assertTrue(
        drifted.getFirst().message().startsWith("column 'a' drifted: KS D="),
        drifted.getFirst().message());

    TrainJob same =
        job("--data", before.toString(), "--label", "y", "--reference-profile", profile.toString());
    TrainJob.Checks none = same.validate(same.split(same.load()), dir);
    assertTrue(none.drift().stream().noneMatch(d -> d.drifted()), none.drift().toString());
    assertTrue(none.findings().isEmpty(), none.findings().toString());
  }

  @Test
  void manySearchRowsLeaveOutTheKernelAlgorithmsUnlessTheyAreNamed() throws Exception {
    Path big = SyntheticCsv.write(dir.resolve("big.csv"), 13_000, 2, 1.0, 3);
    TrainJob all = job("--data", big.toString(), "--label", "y");
    Table train = all.split(all.load()).train();
    assertTrue(train.rows() > TrainJob.KERNEL_ROW_LIMIT, "rows: " + train.rows());

    TrainJob.Plan plan = all.plan(train);
    assertSame(train, plan.rows(), "searched on every training row below --search-rows");
    List<Algorithm> searched =
        plan.candidates().stream().map(ModelSpec::algorithm).distinct().toList();
    assertFalse(searched.contains(Algorithm.SVM), searched.toString());
    assertFalse(searched.contains(Algorithm.KNN), searched.toString());
    assertTrue(
        plan.skipped()
            .contains(
                "svm: "
                    + train.rows()
                    + " search rows exceed 10000 (name it in --algorithms to include it)"),
        plan.skipped().toString());

    TrainJob named = job("--data", big.toString(), "--label", "y", "--algorithms", "svm,logistic");
    TrainJob.Plan explicit = named.plan(train);
    assertTrue(
        explicit.candidates().stream().anyMatch(c -> c.algorithm() == Algorithm.SVM),
        "named algorithms are searched whatever the rows");
    assertTrue(explicit.skipped().isEmpty(), explicit.skipped().toString());

    TrainJob.Plan sampled =
        job("--data", big.toString(), "--label", "y", "--search-rows", "500").plan(train);
    assertEquals(500, sampled.rows().rows(), 2.0, "a stratified sample of --search-rows rows");
  }

  /** The winner of a small logistic search on Iris, refitted: what the model steps take. */
  private record Trained(
      TrainJob job, TrainJob.Rows rows, TrainJob.Refit refit, List<Path> reports) {}

  private Trained trained(TrainJob.ModelCheck check) {
    TrainJob job = job(check, "--algorithms", "logistic");
    TrainJob.Rows rows = job.split(job.load());
    SearchResult search = job.search(job.plan(rows.train()));
    TrainJob.Refit refit = job.refit(search, rows);
    List<Path> reports = job.report(search, refit, rows.all(), dir);
    return new Trained(job, rows, refit, reports);
  }

  @Test
  void theWrittenModelRecordsWhereTheTrackerWillStoreItAndCarriesTheReports() throws Exception {
    Trained t = trained(TrainJob.ModelCheck.SERVED_AS_TRAINED);
    Path logged = dir.resolve("logged");
    t.job()
        .writeModel(
            t.refit(),
            t.rows(),
            new StoredModel.Logged("m-123", "mlflow-artifacts:/1/models/m-123/artifacts"),
            t.reports(),
            logged);
    JsonNode mlmodel = YAML.readTree(logged.resolve("MLmodel").toFile());
    assertEquals(
        "mlflow-artifacts:/1/models/m-123/artifacts", mlmodel.get("artifact_path").asText());
    assertEquals("m-123", mlmodel.get("model_id").asText());
    assertFalse(mlmodel.has("run_id"), "a dry run has no run");
    for (String report :
        List.of(Reports.CONFUSION_PNG, Reports.ROC_PNG, Reports.REPORT_TXT, Reports.REPORT_JSON)) {
      assertTrue(Files.isRegularFile(logged.resolve(report)), report);
    }

    Path runArtifacts = dir.resolve("run-artifacts");
    t.job()
        .writeModel(
            t.refit(),
            t.rows(),
            new StoredModel.RunArtifacts("r1", "model", "mlflow-artifacts:/1/r1/artifacts/model"),
            t.reports(),
            runArtifacts);
    JsonNode v2 = YAML.readTree(runArtifacts.resolve("MLmodel").toFile());
    assertEquals("model", v2.get("artifact_path").asText());
    assertFalse(v2.has("model_id"));

    Path local = dir.resolve("local");
    t.job().writeModel(t.refit(), t.rows(), new StoredModel.Local(local), t.reports(), local);
    assertFalse(YAML.readTree(local.resolve("MLmodel").toFile()).has("artifact_path"));
  }

  @Test
  void aModelThatFailsItsCheckStopsTheJobAfterItsFilesAreWritten() {
    Trained t =
        trained((fitted, written, holdout) -> {
          throw new UnservableModelException("row 1 differs");
        });
    Path out = dir.resolve("model");
    UnservableModelException e =
        assertThrows(
            UnservableModelException.class,
            () ->
                t.job()
                    .writeModel(t.refit(), t.rows(), new StoredModel.Local(out), t.reports(), out));
    assertEquals("row 1 differs", e.getMessage());
    assertTrue(Files.isRegularFile(out.resolve("model.ser")), "checked after writing");
  }

  @Test
  void theRefitWinnerIsScoredOnTheHoldoutRows() {
    Trained t = trained(TrainJob.ModelCheck.SERVED_AS_TRAINED);
    assertEquals(30, t.refit().evaluation().size());
    assertEquals(t.refit().evaluation().accuracy(), t.refit().holdout().get("accuracy"));
    assertTrue(
        requireNonNull(t.refit().holdout().get("accuracy"), "accuracy is scored") > 0.85,
        t.refit().holdout().toString());
    assertEquals(Algorithm.LOGISTIC, t.refit().winner().spec().algorithm());
    assertTrue(t.refit().modelMetrics().containsKey("holdout_accuracy"));
  }

  @Test
  void theHoldoutRowsAreSlicedByQuartileOfEveryIrisFeatureAndTheTableIsWritten() throws Exception {
    Trained t = trained(TrainJob.ModelCheck.SERVED_AS_TRAINED);
    var slices = t.refit().slices();
    assertEquals(t.refit().evaluation().accuracy(), slices.accuracy());
    for (String feature : List.of("sepal_length", "sepal_width", "petal_length", "petal_width")) {
      var bins = slices.slices().stream().filter(s -> s.feature().equals(feature)).toList();
      assertEquals(4, bins.size(), feature + ": " + bins);
      assertEquals(30, bins.stream().mapToInt(s -> s.rows()).sum(), feature + " covers every row");
    }
    JsonNode table = new ObjectMapper().readTree(dir.resolve("slices.json").toFile());
    assertEquals(17, table.get("data").size(), "the whole, then 16 slices");
  }

  @Test
  void aDryRunReturnsEveryStepsResult() {
    Path out = dir.resolve("bundle");
    TrainJob.Result r = job("--algorithms", "logistic", "--output", out.toString()).run();
    assertEquals(out, r.bundleDir());
    assertEquals(new StoredModel.Local(out), r.model());
    assertEquals(null, r.runId());
    assertEquals(null, r.registration());
    assertEquals(3, r.search().candidates().size());
    assertEquals(r.search().winner(), r.refit().winner());
    assertTrue(Files.isRegularFile(out.resolve("model.ser")));
  }
}
