package dev.smileflow.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smileflow.mlflow.testing.MlflowTestServer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TrackingIT {

  static MlflowClient mlflow;
  static Tracking tracking;

  @BeforeAll
  static void connect() {
    mlflow = MlflowTestServer.shared().newClient();
    tracking = mlflow.tracking();
  }

  @AfterAll
  static void close() {
    mlflow.close();
  }

  @Test
  void getOrCreateExperimentCreatesOnceAndReturnsTheSameExperimentAfterwards() {
    String name = MlflowTestServer.uniqueName("exp");
    assertTrue(tracking.findExperimentByName(name).isEmpty());
    Experiment first = tracking.getOrCreateExperiment(name, List.of(new Tag("team", "ml")));
    Experiment second = tracking.getOrCreateExperiment(name);
    assertEquals(first.experimentId(), second.experimentId());
    assertEquals(name, second.name());
    assertEquals("ml", Tag.toMap(second.tags()).get("team"));
    assertTrue(
        String.valueOf(second.artifactLocation()).startsWith("mlflow-artifacts:/"),
        second.artifactLocation());
    MlflowException e =
        assertThrows(
            MlflowException.class,
            () -> tracking.getExperimentByName(MlflowTestServer.uniqueName("absent")));
    assertEquals(MlflowException.Kind.NOT_FOUND, e.kind());
    assertEquals("RESOURCE_DOES_NOT_EXIST", e.errorCode());
    assertEquals(404, e.httpStatus());
  }

  @Test
  void experimentTagIsSetAndThenOverwritten() {
    Experiment experiment = tracking.getOrCreateExperiment(MlflowTestServer.uniqueName("exp-tag"));
    tracking.setExperimentTag(
        experiment.experimentId(), "mlflow.experimentKind", "genai_development");
    tracking.setExperimentTag(
        experiment.experimentId(), "mlflow.experimentKind", "custom_model_development");
    Experiment read = tracking.getExperiment(experiment.experimentId());
    assertEquals("custom_model_development", Tag.toMap(read.tags()).get("mlflow.experimentKind"));
  }

  @Test
  void concurrentGetOrCreateOfOneNameYieldsOneExperiment() throws Exception {
    String name = MlflowTestServer.uniqueName("race");
    try (ExecutorService pool = Executors.newFixedThreadPool(6)) {
      List<Future<String>> ids = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        ids.add(pool.submit(() -> tracking.getOrCreateExperiment(name).experimentId()));
      }
      Set<String> distinct = new HashSet<>();
      for (Future<String> f : ids) {
        distinct.add(f.get());
      }
      assertEquals(Set.of(tracking.getExperimentByName(name).experimentId()), distinct);
    }
  }

  @Test
  void getOrCreateExperimentRestoresADeletedExperiment() {
    String name = MlflowTestServer.uniqueName("deleted");
    Experiment created = tracking.getOrCreateExperiment(name);
    ObjectNode body = Json.object().put("experiment_id", created.experimentId());
    transport().post("mlflow/experiments/delete", body, Transport.Replay.ALWAYS);
    assertTrue(tracking.getExperimentByName(name).deleted());

    Experiment restored = tracking.getOrCreateExperiment(name);
    assertEquals(created.experimentId(), restored.experimentId());
    assertFalse(restored.deleted());
  }

  @Test
  void createdRunCarriesNameTagsParentAndStartTime() {
    Experiment exp = tracking.getOrCreateExperiment(MlflowTestServer.uniqueName("runs"));
    Run parent = tracking.createRun(RunSpec.of(exp.experimentId(), "parent"));
    long before = System.currentTimeMillis();
    Run child =
        tracking.createRun(
            RunSpec.of(exp.experimentId(), "child-1")
                .withParent(parent.runId())
                .withTags(List.of(new Tag("mlflow.source.type", "JOB"))));

    Run read = tracking.getRun(child.runId());
    assertEquals("child-1", read.info().runName());
    assertEquals(RunStatus.RUNNING, read.info().status());
    long startTime = Objects.requireNonNull(read.info().startTime());
    assertTrue(startTime >= before && startTime <= System.currentTimeMillis(), "" + startTime);
    assertEquals(parent.runId(), read.data().tag(RunSpec.PARENT_RUN_ID_TAG).orElseThrow());
    assertEquals("JOB", read.data().tag("mlflow.source.type").orElseThrow());
    assertEquals("child-1", read.data().tag("mlflow.runName").orElseThrow());
    assertTrue(
        String.valueOf(read.info().artifactUri())
            .startsWith("mlflow-artifacts:/" + exp.experimentId() + "/"));
  }

  @Test
  void logBatchSplitsLargeBatchesAndEverythingReadsBack() {
    Experiment exp = tracking.getOrCreateExperiment(MlflowTestServer.uniqueName("batch"));
    Run run = tracking.createRun(RunSpec.of(exp.experimentId(), "big"));
    List<Param> params = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      params.add(new Param("p" + i, "v" + i));
    }
    List<Tag> tags = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      tags.add(new Tag("t" + i, "w" + i));
    }
    List<Metric> metrics = new ArrayList<>();
    for (int step = 0; step < 2500; step++) {
      metrics.add(Metric.of("loss", 1.0 / (step + 1), 1_000L + step, step));
    }
    metrics.add(Metric.of("nan", Double.NaN, 5, 0));
    metrics.add(Metric.of("inf", Double.POSITIVE_INFINITY, 5, 0));
    tracking.logBatch(run.runId(), metrics, params, tags);

    Run read = tracking.getRun(run.runId());
    assertEquals(250, read.data().params().size());
    assertEquals("v249", read.data().param("p249").orElseThrow());
    assertEquals("w149", read.data().tag("t149").orElseThrow());
    List<Metric> history = tracking.getMetricHistory(run.runId(), "loss");
    assertEquals(2500, history.size());
    Set<Long> steps = new HashSet<>();
    history.forEach(m -> steps.add(m.step()));
    assertEquals(2500, steps.size());
    assertTrue(Double.isNaN(read.data().metric("nan").orElseThrow()));
    // MLflow's SQL store clamps infinities to the largest double
    assertEquals(Double.MAX_VALUE, read.data().metric("inf").orElseThrow());
  }

  @Test
  void reloggingAParamWithAnotherValueIsRejectedAsInvalid() {
    Experiment exp = tracking.getOrCreateExperiment(MlflowTestServer.uniqueName("params"));
    Run run = tracking.createRun(RunSpec.of(exp.experimentId(), "p"));
    tracking.logBatch(run.runId(), List.of(), List.of(new Param("alpha", "1")), List.of());
    tracking.logBatch(run.runId(), List.of(), List.of(new Param("alpha", "1")), List.of());
    MlflowException e =
        assertThrows(
            MlflowException.class,
            () ->
                tracking.logBatch(
                    run.runId(), List.of(), List.of(new Param("alpha", "2")), List.of()));
    assertEquals(MlflowException.Kind.INVALID, e.kind());
    assertEquals("INVALID_PARAMETER_VALUE", e.errorCode());
    assertFalse(e.message().contains("\n"));
  }

  @Test
  void claimParamGrantsAKeyToExactlyOneOfManyRacingWriters() throws Exception {
    Experiment exp = tracking.getOrCreateExperiment(MlflowTestServer.uniqueName("claim"));
    Run run = tracking.createRun(RunSpec.of(exp.experimentId(), "claimed"));
    int writers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      CyclicBarrier start = new CyclicBarrier(writers);
      List<Future<Boolean>> claims = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        String value = "writer-" + i;
        claims.add(
            pool.submit(() -> {
              start.await();
              return tracking.claimParam(run.runId(), "selected_by", value);
            }));
      }
      List<String> winners = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        if (claims.get(i).get()) {
          winners.add("writer-" + i);
        }
      }
      assertEquals(1, winners.size(), "winners: " + winners);
      String held = tracking.getRun(run.runId()).data().param("selected_by").orElseThrow();
      assertEquals(winners.getFirst(), held);
      assertTrue(tracking.claimParam(run.runId(), "selected_by", held), "the holder again");
      assertFalse(tracking.claimParam(run.runId(), "selected_by", "late"));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void deletedRunLeavesActiveSearchesButStaysReadable() {
    Experiment exp = tracking.getOrCreateExperiment(MlflowTestServer.uniqueName("delete"));
    Run kept = tracking.createRun(RunSpec.of(exp.experimentId(), "kept"));
    Run gone = tracking.createRun(RunSpec.of(exp.experimentId(), "gone"));
    tracking.deleteRun(gone.runId());
    tracking.deleteRun(gone.runId()); // twice: a retried call is harmless
    List<String> active =
        tracking.searchAllRuns(RunSearch.of(exp.experimentId(), null)).stream()
            .map(Run::runId)
            .toList();
    assertEquals(List.of(kept.runId()), active);
    assertEquals("deleted", tracking.getRun(gone.runId()).info().lifecycleStage());
  }

  @Test
  void endRunFinishesItWithEndTimeAndSetTagOverwrites() {
    Experiment exp = tracking.getOrCreateExperiment(MlflowTestServer.uniqueName("update"));
    Run run = tracking.createRun(RunSpec.of(exp.experimentId(), "u"));
    tracking.setTag(run.runId(), "phase", "one");
    tracking.setTag(run.runId(), "phase", "two");
    long before = System.currentTimeMillis();
    RunInfo info = tracking.endRun(run.runId(), RunStatus.FINISHED);
    long after = System.currentTimeMillis();
    assertEquals(RunStatus.FINISHED, info.status());
    Run read = tracking.getRun(run.runId());
    assertEquals(RunStatus.FINISHED, read.info().status());
    long end = Objects.requireNonNull(read.info().endTime());
    assertTrue(end >= before && end <= after, end + " within " + before + ".." + after);
    assertEquals("two", read.data().tag("phase").orElseThrow());
    RunInfo failed =
        tracking.endRun(
            tracking.createRun(RunSpec.of(exp.experimentId(), "f")).runId(), RunStatus.FAILED);
    assertEquals(RunStatus.FAILED, failed.status());
    assertNotNull(failed.endTime());
  }

  @Test
  void searchRunsFiltersOrdersAndPaginates() {
    Experiment exp = tracking.getOrCreateExperiment(MlflowTestServer.uniqueName("search"));
    Run parent = tracking.createRun(RunSpec.of(exp.experimentId(), "parent"));
    for (int i = 0; i < 5; i++) {
      Run c =
          tracking.createRun(RunSpec.of(exp.experimentId(), "c" + i).withParent(parent.runId()));
      tracking.logBatch(c.runId(), List.of(Metric.of("acc", i / 10.0, 1, 0)), List.of(), List.of());
    }
    IntFunction<RunSearch> children =
        pageSize ->
            new RunSearch(
                List.of(exp.experimentId()),
                "tags.mlflow.parentRunId = '" + parent.runId() + "'",
                List.of("metrics.acc DESC"),
                pageSize,
                null,
                "ACTIVE_ONLY");
    List<Run> all = tracking.searchAllRuns(children.apply(2));
    assertEquals(
        List.of("c4", "c3", "c2", "c1", "c0"), all.stream().map(r -> r.info().runName()).toList());

    Page<Run> first = tracking.searchRuns(children.apply(2));
    assertEquals(2, first.items().size());
    assertNotNull(first.nextPageToken());
    Page<Run> last = tracking.searchRuns(children.apply(10));
    assertEquals(5, last.items().size());
    assertNull(last.nextPageToken());
    assertEquals(
        1,
        tracking.searchRuns(RunSearch.of(exp.experimentId(), "metrics.acc > 0.35")).items().size());
  }

  @Test
  void datasetInputShowsUpInTheRunWithItsContext() {
    Experiment exp = tracking.getOrCreateExperiment(MlflowTestServer.uniqueName("datasets"));
    Run run = tracking.createRun(RunSpec.of(exp.experimentId(), "d"));
    Dataset iris =
        new Dataset(
            "iris",
            "1a2b3c4d",
            "local",
            "{\"uri\": \"file:///data/iris.csv\"}",
            "{\"mlflow_colspec\": [{\"type\": \"double\", \"name\": \"sepal_length\", \"required\": true}]}",
            "{\"num_rows\": 150, \"num_elements\": 750}");
    tracking.logInputs(run.runId(), List.of(DatasetInput.of(iris, "training")), List.of());

    Run read = tracking.getRun(run.runId());
    assertEquals(1, read.inputs().datasetInputs().size());
    DatasetInput in = read.inputs().datasetInputs().getFirst();
    assertEquals(iris, in.dataset());
    assertEquals("training", in.context().orElseThrow());
    assertEquals(
        1,
        tracking
            .searchRuns(RunSearch.of(exp.experimentId(), "datasets.context = 'training'"))
            .items()
            .size());
  }

  @Test
  void datasetDigestLongerThan36CharactersIsRefusedBeforeSending() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Dataset("d", "a".repeat(64), "local", "{}", null, null));
    assertTrue(String.valueOf(e.getMessage()).contains("digest"), e.getMessage());
  }

  @Test
  void loggedModelOutputShowsUpInTheRunOnceEvenWhenLoggedTwice() {
    Experiment exp = tracking.getOrCreateExperiment(MlflowTestServer.uniqueName("outputs"));
    Run run = tracking.createRun(RunSpec.of(exp.experimentId(), "o"));
    LoggedModel model =
        mlflow.loggedModels().create(LoggedModelSpec.of(exp.experimentId(), "m", run.runId()));
    tracking.logOutputs(run.runId(), List.of(new ModelOutput(model.modelId(), 3)));
    tracking.logOutputs(run.runId(), List.of(new ModelOutput(model.modelId(), 3)));
    Run read = tracking.getRun(run.runId());
    assertEquals(List.of(new ModelOutput(model.modelId(), 3)), read.outputs().modelOutputs());
  }

  private static Transport transport() {
    return new Transport(MlflowTestServer.shared().config());
  }
}
