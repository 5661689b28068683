package dev.smileflow.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smileflow.mlflow.testing.MlflowTestServer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Many writers creating the same shared thing at once against the real server (what two jobs on the
 * same data do): whoever loses the server's insert race still succeeds.
 */
class ConcurrentWritersIT {
  private static final int WRITERS = 8;
  private static final int ROUNDS = 3;

  static MlflowClient mlflow;

  @BeforeAll
  static void connect() {
    mlflow = MlflowTestServer.shared().newClient();
  }

  @AfterAll
  static void close() {
    mlflow.close();
  }

  /** Runs {@code WRITERS} copies of {@code task} released together; returns their results. */
  private static <T> List<T> together(Callable<T> task) throws Exception {
    CyclicBarrier start = new CyclicBarrier(WRITERS);
    try (ExecutorService pool = Executors.newFixedThreadPool(WRITERS)) {
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < WRITERS; i++) {
        futures.add(
            pool.submit(() -> {
              start.await();
              return task.call();
            }));
      }
      List<T> results = new ArrayList<>();
      for (Future<T> f : futures) {
        results.add(f.get());
      }
      return results;
    }
  }

  @Test
  void runsLoggingTheSameNewDatasetAtOnceAllRecordIt() throws Exception {
    Tracking tracking = mlflow.tracking();
    Experiment exp = tracking.getOrCreateExperiment(MlflowTestServer.uniqueName("dataset-race"));
    for (int round = 0; round < ROUNDS; round++) {
      Dataset dataset =
          new Dataset(
              "penguins",
              String.format("%08x", round + 0x5eed0000),
              "local",
              "{\"uri\": \"file:///data/penguins.csv\"}",
              "{\"mlflow_colspec\": [{\"type\": \"double\", \"name\": \"bill\", \"required\":"
                  + " true}]}",
              "{\"num_rows\": 344}");
      List<String> runIds = new ArrayList<>();
      for (int i = 0; i < WRITERS; i++) {
        runIds.add(tracking.createRun(RunSpec.of(exp.experimentId(), "job-" + i)).runId());
      }
      List<String> ids = new ArrayList<>(runIds);
      together(() -> {
        String runId;
        synchronized (ids) {
          runId = ids.removeFirst();
        }
        tracking.logInputs(runId, List.of(DatasetInput.of(dataset, "training")), List.of());
        return runId;
      });
      for (String runId : runIds) {
        List<DatasetInput> inputs = tracking.getRun(runId).inputs().datasetInputs();
        assertEquals(1, inputs.size(), "run " + runId + " in round " + round);
        assertEquals(dataset, inputs.getFirst().dataset());
        assertEquals("training", inputs.getFirst().context().orElseThrow());
      }
    }
  }

  @Test
  void concurrentGetOrCreateOfOneRegisteredModelYieldsOneModel() throws Exception {
    String name = MlflowTestServer.uniqueName("model-race");
    Set<String> names =
        new HashSet<>(
            together(() -> mlflow.registry().getOrCreateRegisteredModel(name, "race").name()));
    assertEquals(Set.of(name), names);
  }

  @Test
  void writersSettingTheSameNewExperimentTagAtOnceAllSucceed() throws Exception {
    Tracking tracking = mlflow.tracking();
    for (int round = 0; round < ROUNDS; round++) {
      Experiment exp = tracking.getOrCreateExperiment(MlflowTestServer.uniqueName("tag-race"));
      together(() -> {
        tracking.setExperimentTag(exp.experimentId(), "mlflow.experimentKind", "custom");
        return Boolean.TRUE;
      });
      assertEquals(
          "custom",
          Tag.toMap(tracking.getExperiment(exp.experimentId()).tags())
              .get("mlflow.experimentKind"));
    }
  }

  @Test
  void writersPointingANewAliasAtOnceAllSucceedAndItPointsAtOneOfTheirVersions() throws Exception {
    Registry registry = mlflow.registry();
    Tracking tracking = mlflow.tracking();
    Experiment exp = tracking.getOrCreateExperiment(MlflowTestServer.uniqueName("alias-race"));
    Run run = tracking.createRun(RunSpec.of(exp.experimentId(), "source"));
    for (int round = 0; round < ROUNDS; round++) {
      String name = MlflowTestServer.uniqueName("alias-race");
      registry.getOrCreateRegisteredModel(name, null);
      List<String> versions = new ArrayList<>();
      for (int i = 0; i < WRITERS; i++) {
        versions.add(
            registry
                .createModelVersion(
                    new ModelVersionSpec(
                        name,
                        run.info().artifactUri() + "/model",
                        run.runId(),
                        null,
                        List.of(),
                        null))
                .version());
      }
      List<String> pending = new ArrayList<>(versions);
      together(() -> {
        String version;
        synchronized (pending) {
          version = pending.removeFirst();
        }
        registry.setAlias(name, "production", version);
        return version;
      });
      assertTrue(
          versions.contains(registry.getVersionByAlias(name, "production").version()),
          "the alias points at one of the writers' versions");
    }
  }
}
