package dev.smileflow.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smileflow.mlflow.testing.MlflowTestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pinned MLflow 3.x on a PostgreSQL backend store (the deployment files' setup): concurrent
 * writers get distinct run ids and consecutive version numbers, and concurrent alias moves leave
 * one consistent answer.
 */
class PostgresBackendIT {

  private static final int WRITERS = 8;
  static MlflowTestServer server;
  static MlflowClient mlflow;

  @BeforeAll
  static void start() {
    server =
        MlflowTestServer.start(
            new MlflowTestServer.Options(
                MlflowTestServer.mlflowVersion(), MlflowTestServer.Backend.POSTGRESQL));
    mlflow = server.newClient();
  }

  @AfterAll
  static void stop() {
    if (mlflow != null) {
      mlflow.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void concurrentWritersGetDistinctRunIdsAndConsecutiveVersionNumbers() throws Exception {
    Experiment exp = mlflow.tracking().getOrCreateExperiment(MlflowTestServer.uniqueName("pg"));
    String name = MlflowTestServer.uniqueName("pg-model");
    List<ModelVersion> versions =
        inParallel(i -> {
          mlflow.registry().getOrCreateRegisteredModel(name, null);
          Run run = mlflow.tracking().createRun(RunSpec.of(exp.experimentId(), "w" + i));
          return mlflow
              .registry()
              .createModelVersion(ModelVersionSpec.fromRunArtifacts(name, run.runId(), "model"));
        });
    Set<String> runIds = new TreeSet<>();
    Set<Long> numbers = new TreeSet<>();
    for (ModelVersion v : versions) {
      runIds.add(v.runId());
      numbers.add(v.number());
    }
    assertEquals(WRITERS, runIds.size(), "every writer's run has its own id");
    assertEquals(Set.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L), numbers, "versions are 1..8, none twice");
    assertEquals(
        WRITERS,
        mlflow.registry().searchModelVersions("name = '" + name + "'", 1000, null).items().size());
  }

  @Test
  void writersCreatingAndMovingTheSameAliasAtOnceAllSucceedAndLeaveOneHolder() throws Exception {
    Experiment exp = mlflow.tracking().getOrCreateExperiment(MlflowTestServer.uniqueName("pg"));
    String name = MlflowTestServer.uniqueName("pg-alias");
    mlflow.registry().getOrCreateRegisteredModel(name, null);
    Run run = mlflow.tracking().createRun(RunSpec.of(exp.experimentId(), "source"));
    List<String> created = new ArrayList<>();
    for (int i = 0; i < WRITERS; i++) {
      created.add(
          mlflow
              .registry()
              .createModelVersion(ModelVersionSpec.fromRunArtifacts(name, run.runId(), "model"))
              .version());
    }
    // Several fresh aliases, so that the writers race to create each one, then to move it.
    for (int round = 0; round < 4; round++) {
      String alias = "production-" + round;
      for (int move = 0; move < 2; move++) {
        inParallel(i -> {
          mlflow.registry().setAlias(name, alias, created.get(i));
          return created.get(i);
        });
      }
      String byAlias = mlflow.registry().getVersionByAlias(name, alias).version();
      assertTrue(created.contains(byAlias), byAlias);
      List<String> holders =
          created.stream()
              .filter(v -> mlflow.registry().getModelVersion(name, v).aliases().contains(alias))
              .toList();
      assertEquals(List.of(byAlias), holders, "exactly one version holds " + alias);
    }
  }

  private interface Task<T> {
    T run(int writer) throws Exception;
  }

  private static <T> List<T> inParallel(Task<T> task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < WRITERS; i++) {
        int writer = i;
        Callable<T> c = () -> task.run(writer);
        futures.add(pool.submit(c));
      }
      List<T> out = new ArrayList<>();
      for (Future<T> f : futures) {
        out.add(f.get());
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }
}
