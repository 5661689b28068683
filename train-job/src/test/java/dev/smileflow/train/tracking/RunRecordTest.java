package dev.smileflow.train.tracking;

import static java.util.Objects.requireNonNull;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smileflow.mlflow.Param;
import dev.smileflow.mlflow.Run;
import dev.smileflow.mlflow.RunData;
import dev.smileflow.mlflow.RunInfo;
import dev.smileflow.mlflow.RunInputs;
import dev.smileflow.mlflow.RunOutputs;
import dev.smileflow.mlflow.RunStatus;
import dev.smileflow.mlflow.Tag;
import dev.smileflow.train.data.CsvTables;
import dev.smileflow.train.data.LoadOptions;
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
import dev.smileflow.train.validation.Drift;
import dev.smileflow.train.validation.Finding;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** What a job writes to its runs, by name and value, without a server. */
class RunRecordTest {
  private static final Table IRIS = CsvTables.iris();

  private static final ModelSpec LOGISTIC = new ModelSpec.Logistic(0.1);
  private static final ModelSpec TREE = new ModelSpec.DecisionTreeSpec(3, 5);

  private static CandidateResult candidate(int index, ModelSpec spec, double... accuracies) {
    List<FoldScore> folds = new ArrayList<>();
    for (int f = 0; f < accuracies.length; f++) {
      folds.add(new FoldScore(f, accuracies[f], accuracies[f] - 0.01, 0.2, 10 + f, 1));
    }
    return new CandidateResult(index, spec, folds, 1234, null);
  }

  private static CandidateResult failed(int index, ModelSpec spec, String why) {
    return new CandidateResult(index, spec, List.of(), 0, why);
  }

  private record Settings(
      List<Algorithm> algorithms, List<String> params, @Nullable Double minScore)
      implements RunRecord.Settings {
    @Override
    public String dataSource() {
      return "bundled iris.csv";
    }

    @Override
    public MissingPolicy missing() {
      return MissingPolicy.IMPUTE;
    }

    @Override
    public int folds() {
      return 5;
    }

    @Override
    public long seed() {
      return 42;
    }

    @Override
    public double testFraction() {
      return 0.2;
    }

    @Override
    public Metric metric() {
      return Metric.F1_MACRO;
    }

    @Override
    public boolean randomSearch() {
      return true;
    }

    @Override
    public int trials() {
      return 8;
    }

    @Override
    public double promoteMargin() {
      return 0.01;
    }

    @Override
    public boolean promote() {
      return false;
    }

    @Override
    public String modelName() {
      return "iris-classifier";
    }

    @Override
    public String alias() {
      return "production";
    }

    @Override
    public int threads() {
      return 2;
    }

    @Override
    public int searchRows() {
      return 20_000;
    }
  }

  @Test
  void theParentRunIsNamedAfterItsUtcStartTime() {
    assertEquals(
        "train-20240305-070809", RunRecord.runName(Instant.parse("2024-03-05T07:08:09.900Z")));
  }

  @Test
  void paramsRecordTheSettingsAndTheShapeOfTheData() {
    Table train = IRIS.select(IntStream.range(0, 120).toArray());
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("data", "bundled iris.csv");
    expected.put("data_digest", IRIS.digest());
    expected.put("label", "species");
    expected.put("rows", "150");
    expected.put("training_rows", "120");
    expected.put("features", "4");
    expected.put("classes", "Iris-setosa,Iris-versicolor,Iris-virginica");
    expected.put("missing", "impute");
    expected.put("folds", "5");
    expected.put("seed", "42");
    expected.put("test_fraction", "0.2");
    expected.put("metric", "f1_macro");
    expected.put("search", "random");
    expected.put("trials", "8");
    expected.put("algorithms", "logistic,svm");
    expected.put("param_overrides", "svm.c=1,10;logistic.lambda=1");
    expected.put("min_score", "0.9");
    expected.put("promote_margin", "0.01");
    expected.put("promote", "false");
    expected.put("model_name", "iris-classifier");
    expected.put("alias", "production");
    expected.put("threads", "2");
    expected.put("search_rows", "120");
    Map<String, String> params =
        RunRecord.params(
            new Settings(
                List.of(Algorithm.LOGISTIC, Algorithm.SVM),
                List.of("svm.c=1,10", "logistic.lambda=1"),
                0.9),
            IRIS,
            train);
    assertEquals(expected, params);
    assertEquals(List.copyOf(expected.keySet()), List.copyOf(params.keySet()), "in this order");

    Map<String, String> defaults =
        RunRecord.params(new Settings(List.of(), List.of(), null), IRIS, train);
    assertEquals("all", defaults.get("algorithms"));
    assertEquals("none", defaults.get("param_overrides"));
    assertEquals("none", defaults.get("min_score"));
  }

  @Test
  void startTagsDescribeTheDataTheFindingsTheSkippedAlgorithmsAndTheDrift() {
    Table t =
        CsvTables.parse(
            "t.csv",
            "size (cm),colour,y\n1.5,red,a\n0.25,blue,b\n,red,a\n3.75,blue,b\n"
                .getBytes(StandardCharsets.UTF_8),
            new LoadOptions("y", MissingPolicy.IMPUTE, Set.of()));
    Map<String, String> tags =
        RunRecord.startTags(
            t,
            List.of(
                new Finding("missing_values", "column 'size (cm)': 1 missing value"),
                new Finding("missing_values", "second"),
                new Finding("drift", "column 'size (cm)' drifted")),
            List.of("lda: no BLAS", "svm: too many rows"),
            List.of(new Drift.Result("size (cm)", 0.61234, 0.0123456, true)));
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("validation.status", "passed_with_warnings");
    expected.put("data.schema", "size (cm):double, colour:string[blue, red] -> y:string");
    expected.put("data.class_counts", "a=2, b=2");
    expected.put("data.missing_values", "1");
    expected.put("data.features", "size (cm), colour");
    expected.put("validation.warnings", "3");
    expected.put("validation.missing_values", "column 'size (cm)': 1 missing value");
    expected.put("validation.missing_values.1", "second");
    expected.put("validation.drift.2", "column 'size (cm)' drifted");
    expected.put("search.skipped.0", "lda: no BLAS");
    expected.put("search.skipped.1", "svm: too many rows");
    expected.put("drift.size _cm_", "D=0.6123 p=0.0123 drifted");
    assertEquals(expected, tags);

    Map<String, String> clean = RunRecord.startTags(IRIS, List.of(), List.of(), List.of());
    assertEquals("passed", clean.get("validation.status"));
    assertEquals("0", clean.get("validation.warnings"));
    assertEquals(
        "sepal_length:double, sepal_width:double, petal_length:double, petal_width:double ->"
            + " species:string",
        clean.get("data.schema"));
  }

  @Test
  void everyExcludedColumnIsATagWithItsReasonAndTheFeaturesAreListed() {
    Table penguins =
        CsvTables.read(
            Path.of("..", "testdata", "penguins-raw.csv"),
            new LoadOptions("Species", MissingPolicy.IMPUTE, Set.of()));
    Map<String, String> tags =
        new LinkedHashMap<>(RunRecord.startTags(penguins, List.of(), List.of(), List.of()));
    tags.keySet().removeIf(k -> !k.equals("data.features") && !k.startsWith("data.excluded."));
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put(
        "data.features",
        "studyName, Island, Clutch Completion, Culmen Length (mm), Culmen Depth (mm), Flipper Length"
            + " (mm), Body Mass (g), Sex, Delta 15 N (o/oo), Delta 13 C (o/oo)");
    expected.put(
        "data.excluded.Sample Number",
        "row_counter (341 of 343 steps from one row to the next are +1)");
    expected.put("data.excluded.Region", "constant (the single value 'Anvers')");
    expected.put("data.excluded.Stage", "constant (the single value 'Adult, 1 Egg Stage')");
    expected.put(
        "data.excluded.Individual ID", "identifier (190 distinct values in 344 rows with a value)");
    expected.put("data.excluded.Date Egg", "date (values like '2007-11-11')");
    expected.put("data.excluded.Comments", "mostly_missing (290 of 344 values missing)");
    assertEquals(expected, tags);
  }

  @Test
  void columnNamesBecomeTagKeysMlflowAccepts() {
    assertEquals("Culmen Length _mm_", RunRecord.tagKey("Culmen Length (mm)"));
    assertEquals("Delta 15 N _o_oo_", RunRecord.tagKey("Delta 15 N (o/oo)"));
    assertEquals("a-b_c.d", RunRecord.tagKey("a-b_c.d"));
    assertEquals(200, RunRecord.tagKey("x".repeat(300)).length());
  }

  @Test
  void longTagValuesAreCutAtFiveThousandCharacters() {
    assertEquals("x".repeat(5000), RunRecord.truncate("x".repeat(5001)));
    assertEquals("short", RunRecord.truncate("short"));
    Map<String, String> tags = RunRecord.candidateTags(failed(0, TREE, "boom ".repeat(2000)), 1);
    assertEquals(
        5000, requireNonNull(tags.get("candidate.failure"), "a failure is tagged").length());
  }

  @Test
  void holdoutScoresAreNamedAndTheAucIsTheMacroMeanOverClasses() {
    Evaluation perfect =
        new Evaluation(
            2,
            new int[] {0, 1, 0, 1},
            new int[] {0, 1, 0, 1},
            new double[][] {{0.9, 0.1}, {0.2, 0.8}, {0.7, 0.3}, {0.4, 0.6}});
    Map<String, Double> holdout = RunRecord.holdout(perfect);
    assertEquals(
        List.of("accuracy", "f1_macro", "log_loss", "roc_auc_ovr_macro"),
        List.copyOf(holdout.keySet()));
    assertEquals(1.0, holdout.get("accuracy"));
    assertEquals(1.0, holdout.get("f1_macro"));
    assertEquals(1.0, holdout.get("roc_auc_ovr_macro"));
  }

  @Test
  void theModelAndTheParentRunGetTheHoldoutScoresAndTheWinnersCvScores() {
    CandidateResult winner = candidate(1, LOGISTIC, 0.9, 1.0);
    SearchResult search =
        new SearchResult(List.of(candidate(0, TREE, 0.5, 0.6), winner), Metric.ACCURACY, 2);
    Map<String, Double> holdout = Map.of("accuracy", 0.8);

    Map<String, Double> model = RunRecord.modelMetrics(holdout, winner);
    assertEquals(
        List.of(
            "holdout_accuracy",
            "cv_accuracy_mean",
            "cv_accuracy_std",
            "cv_f1_macro_mean",
            "cv_f1_macro_std",
            "cv_log_loss_mean",
            "cv_log_loss_std"),
        List.copyOf(model.keySet()));
    assertEquals(0.95, requireNonNull(model.get("cv_accuracy_mean"), "cv mean is a metric"), 1e-12);

    Map<String, Double> parent = RunRecord.parentMetrics(holdout, search, 120, 30);
    Map<String, Double> expected = new LinkedHashMap<>();
    expected.put("holdout_accuracy", 0.8);
    expected.put("best_cv_accuracy_mean", winner.mean(Metric.ACCURACY));
    expected.put("candidates", 2.0);
    expected.put("training_rows", 120.0);
    expected.put("holdout_rows", 30.0);
    assertEquals(expected, parent);
    assertEquals(Map.of("job_wall_time_s", 12.345), RunRecord.wallTime(12_345));
  }

  @Test
  void metricsThatAreNotNumbersAreLeftOut() {
    Map<String, Double> in = new LinkedHashMap<>();
    in.put("a", 1.0);
    in.put("nan", Double.NaN);
    in.put("inf", Double.POSITIVE_INFINITY);
    in.put("b", 0.0);
    assertEquals(List.of("a", "b"), List.copyOf(RunRecord.finite(in).keySet()));
  }

  @Test
  void endTagsNameTheVersionAndTheDecisionOnlyWhenOneWasRegistered() {
    Map<String, String> promoted = RunRecord.endTags("# summary", "svm(c=1)", "3", true);
    assertEquals(
        Map.of(
            "mlflow.note.content", "# summary",
            "winner", "svm(c=1)",
            "registered_version", "3",
            "promotion.decision", "promoted"),
        promoted);
    assertEquals("not_promoted", RunRecord.endTags("s", "w", "4", false).get("promotion.decision"));
    assertEquals(
        Map.of("mlflow.note.content", "s", "winner", "w"),
        RunRecord.endTags("s", "w", null, false));
  }

  @Test
  void sliceTagsCountTheFlaggedSlicesNameTheFirstTwentyAndListTheTableAsMlflowDoes()
      throws Exception {
    // 1000 rows of level 'ok', all right; 25 levels of 10 rows, half of them wrong: overall 0.90
    StringBuilder csv = new StringBuilder("g,y\n");
    List<Integer> wrong = new ArrayList<>();
    for (int i = 0; i < 1250; i++) {
      String level = i < 1000 ? "ok" : String.format("L%02d", (i - 1000) / 10);
      csv.append(level).append(',').append(i % 2 == 0 ? "a" : "b").append('\n');
      if (i >= 1000 && i % 10 < 5) {
        wrong.add(i);
      }
    }
    Table t =
        CsvTables.parse(
            "g.csv",
            csv.toString().getBytes(StandardCharsets.UTF_8),
            new LoadOptions("y", MissingPolicy.REJECT, Set.of()));
    int[] predicted = t.y().clone();
    wrong.forEach(w -> predicted[w] = 1 - predicted[w]);
    double[][] p = new double[t.rows()][];
    Arrays.setAll(p, i -> new double[] {0.5, 0.5});
    Slices slices = Slices.of(t, new Evaluation(2, t.y(), predicted, p));

    Map<String, String> tags = RunRecord.sliceTags(slices);
    assertEquals("25", tags.get("slice.flagged"));
    assertEquals("g = L00: accuracy 0.50 vs 0.90 overall (n=10)", tags.get("slice.flagged.0"));
    assertEquals("g = L19: accuracy 0.50 vs 0.90 overall (n=10)", tags.get("slice.flagged.19"));
    assertTrue(!tags.containsKey("slice.flagged.20"), "at most 20 named");
    assertEquals(Slices.rules(), tags.get("slice.rules"));
    String logged = tags.get("mlflow.loggedArtifacts");
    assertEquals("[{\"path\": \"reports/slices.json\", \"type\": \"table\"}]", logged);
    assertEquals(
        "reports/slices.json", new ObjectMapper().readTree(logged).get(0).get("path").asText());
  }

  @Test
  void versionTagsCarryTheAlgorithmTheDataAndTheHoldoutScoreToFourDecimals() {
    assertEquals(
        Map.of("algorithm", "svm", "data_digest", "abc", "holdout_log_loss", "0.1235"),
        RunRecord.versionTags(Algorithm.SVM, "abc", Metric.LOG_LOSS, 0.123456));
  }

  @Test
  void aCandidatesNestedRunHasItsNameTagsParamsAndMetrics() {
    CandidateResult c = candidate(2, LOGISTIC, 0.9, Double.NaN);
    assertEquals("03-logistic(lambda=0.1)", RunRecord.candidateRunName(c));
    assertEquals(
        Map.of(
            "candidate.index", "2",
            "candidate.winner", "true",
            "algorithm", "logistic"),
        RunRecord.candidateTags(c, 2));
    assertEquals("false", RunRecord.candidateTags(c, 0).get("candidate.winner"));
    assertEquals(Map.of("algorithm", "logistic", "lambda", "0.1"), RunRecord.candidateParams(c));

    Map<String, Double> winner = RunRecord.candidateMetrics(c, 2, Map.of("accuracy", 0.7));
    assertEquals(0.7, winner.get("holdout_accuracy"));
    assertEquals(21.0, winner.get("fit_time_ms"));
    assertEquals(2.0, winner.get("score_time_ms"));
    assertEquals(1234.0, winner.get("model_size_bytes"));
    assertTrue(
        RunRecord.candidateMetrics(c, 0, Map.of("accuracy", 0.7)).keySet().stream()
            .noneMatch(k -> k.startsWith("holdout_")),
        "only the winner carries hold-out scores");

    List<RunRecord.FoldPoint> folds = RunRecord.foldMetrics(c);
    assertEquals(new RunRecord.FoldPoint("cv_accuracy", 0.9, 0), folds.get(0));
    assertEquals(new RunRecord.FoldPoint("fold_1_accuracy", 0.9, 0), folds.get(1));
    assertTrue(folds.contains(new RunRecord.FoldPoint("cv_log_loss", 0.2, 1)));
    assertTrue(folds.contains(new RunRecord.FoldPoint("fold_2_log_loss", 0.2, 0)));
    assertTrue(
        folds.stream().noneMatch(p -> p.key().endsWith("accuracy") && Double.isNaN(p.value())),
        "a NaN fold score is left out: " + folds);
    assertTrue(folds.contains(new RunRecord.FoldPoint("fold_2_fit_time_ms", 11, 0)));
    assertTrue(folds.contains(new RunRecord.FoldPoint("fold_2_score_time_ms", 1, 0)));
    assertEquals(
        12,
        folds.size(),
        "both series of 3 metrics on fold 1, of log loss only on fold 2, and 2 times per fold");
  }

  @Test
  void candidatesCsvHasOneRowPerCandidateWithItsScoresAndFailure() {
    SearchResult search =
        new SearchResult(
            List.of(candidate(0, LOGISTIC, 0.9, 1.0), failed(1, TREE, "it said \"no\"")),
            Metric.ACCURACY,
            2);
    String[] lines = RunRecord.candidatesCsv(search).split("\n");
    assertEquals(
        "index,algorithm,params,cv_accuracy_mean,cv_accuracy_std,cv_f1_macro_mean,cv_f1_macro_std,"
            + "cv_log_loss_mean,cv_log_loss_std,fit_time_ms,model_size_bytes,failure",
        lines[0]);
    assertEquals(
        "0,logistic,\"{lambda=0.1}\",0.9500,0.0707,0.9400,0.0707,0.2000,0.0000,21,1234,\"\"",
        lines[1]);
    assertEquals(
        "1,decision_tree,\"{max_depth=3, node_size=5}\",NaN,0.0000,NaN,0.0000,NaN,0.0000,0,0,"
            + "\"it said 'no'\"",
        lines[2]);
    assertEquals(3, lines.length);
  }

  /** The nested run MLflow would hold for {@code c}, as the tracker logs it. */
  private static Run loggedRun(CandidateResult c, int winnerIndex, String status) {
    List<dev.smileflow.mlflow.Metric> metrics = new ArrayList<>();
    RunRecord.finite(RunRecord.candidateMetrics(c, winnerIndex, Map.of()))
        .forEach((k, v) -> metrics.add(dev.smileflow.mlflow.Metric.of(k, v, 1, 0)));
    for (RunRecord.FoldPoint p : RunRecord.foldMetrics(c)) {
      metrics.add(dev.smileflow.mlflow.Metric.of(p.key(), p.value(), 1, p.step()));
    }
    // runs/get reports the latest value of a key: the last fold's for cv_<metric>
    Map<String, dev.smileflow.mlflow.Metric> latest = new LinkedHashMap<>();
    metrics.forEach(m -> latest.put(m.key(), m));
    return new Run(
        new RunInfo(
            "run-" + c.index(), "r", "1", RunStatus.valueOf(status), 1L, 2L, null, "active"),
        new RunData(
            List.copyOf(latest.values()),
            Param.of(RunRecord.candidateParams(c)),
            Tag.of(RunRecord.candidateTags(c, winnerIndex))),
        new RunInputs(List.of(), List.of()),
        new RunOutputs(List.of()));
  }

  @Test
  void aCandidateReadsBackFromItsRunExactlyAsItWasLogged() {
    CandidateResult scored = candidate(1, TREE, 0.9333333333333333, 1.0, 0.8666666666666667);
    CandidateResult failure = failed(0, LOGISTIC, "IllegalArgumentException: singular");
    List<ModelSpec> plan = List.of(LOGISTIC, TREE);
    assertEquals(scored, RunRecord.candidate(loggedRun(scored, -1, "FINISHED"), plan, 3));
    assertEquals(failure, RunRecord.candidate(loggedRun(failure, -1, "FAILED"), plan, 3));
  }

  @Test
  void aRunOfAnotherPlanIsRefusedNamingBothCandidates() {
    Run tree = loggedRun(candidate(1, TREE, 0.9, 0.8), -1, "FINISHED");
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                RunRecord.candidate(
                    tree, List.of(LOGISTIC, new ModelSpec.DecisionTreeSpec(8, 5)), 2));
    String message = requireNonNull(e.getMessage(), "the refusal names both candidates");
    assertTrue(message.contains("max_depth=3"), message);
    assertTrue(message.contains("decision_tree(max_depth=8"), message);
  }
}
