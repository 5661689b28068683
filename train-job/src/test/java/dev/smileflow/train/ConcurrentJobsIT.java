package dev.smileflow.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smileflow.mlflow.Experiment;
import dev.smileflow.mlflow.MlflowClient;
import dev.smileflow.mlflow.ModelVersion;
import dev.smileflow.mlflow.Run;
import dev.smileflow.mlflow.RunSearch;
import dev.smileflow.mlflow.RunStatus;
import dev.smileflow.mlflow.testing.MlflowTestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code java -jar train-job.jar} processes started together against one MLflow server on the
 * same data and the same registered model (two Cloud Run tasks, two CI pipelines): both finish, and
 * production ends on the better of the two versions whatever order they finish in.
 */
class ConcurrentJobsIT {
  private static final MlflowTestServer SERVER = MlflowTestServer.shared();
  private static final Path JAR = Path.of("target", "train-job.jar");
  private static final int ROUNDS = 3;

  @TempDir Path logs;

  record Exit(int code, String output) {}

  private Exit runJar(Path log, List<String> args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-jar");
    command.add(JAR.toString());
    command.addAll(args);
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(SERVER.env());
    Process process = builder.start();
    try {
      assertTrue(process.waitFor(3, TimeUnit.MINUTES), "job did not finish: " + log);
      return new Exit(process.exitValue(), Files.readString(log));
    } finally {
      process.destroyForcibly();
    }
  }

  @Test
  void twoJobsStartedTogetherBothFinishAndProductionEndsOnTheBetterVersion() throws Exception {
    assertTrue(Files.isRegularFile(JAR), JAR.toAbsolutePath() + " is built by package");
    for (int round = 0; round < ROUNDS; round++) {
      String experiment = MlflowTestServer.uniqueName("together-exp");
      String model = MlflowTestServer.uniqueName("together");
      List<List<String>> jobs = new ArrayList<>();
      for (List<String> kind : List.of(PromotionGateIT.STRONG, PromotionGateIT.WEAK)) {
        List<String> args =
            new ArrayList<>(
                List.of(
                    "--experiment",
                    experiment,
                    "--model-name",
                    model,
                    "--folds",
                    "3",
                    "--threads",
                    "1"));
        args.addAll(kind);
        jobs.add(args);
      }
      CyclicBarrier start = new CyclicBarrier(jobs.size());
      List<Exit> exits = new ArrayList<>();
      try (ExecutorService pool = Executors.newFixedThreadPool(jobs.size())) {
        List<Future<Exit>> futures = new ArrayList<>();
        for (int j = 0; j < jobs.size(); j++) {
          Path log = logs.resolve("round-" + round + "-job-" + j + ".log");
          List<String> args = jobs.get(j);
          futures.add(
              pool.submit(() -> {
                start.await();
                return runJar(log, args);
              }));
        }
        for (Future<Exit> f : futures) {
          exits.add(f.get());
        }
      }
      for (Exit exit : exits) {
        System.out.printf(
            "round %d: exit %d, lost races resolved %d, production moved while deciding %d%n",
            round,
            exit.code(),
            exit.output().lines().filter(l -> l.contains("sending it once more")).count(),
            exit.output().lines().filter(l -> l.contains("production moved from")).count());
        assertEquals(0, exit.code(), "round " + round + ":\n" + exit.output());
        assertFalse(exit.output().contains("UNIQUE constraint"), exit.output());
      }

      try (MlflowClient client = SERVER.newClient()) {
        Experiment exp = client.tracking().getExperimentByName(experiment);
        List<Run> runs = client.tracking().searchAllRuns(RunSearch.of(exp.experimentId(), null));
        List<Run> parents =
            runs.stream().filter(r -> r.data().tag("mlflow.parentRunId").isEmpty()).toList();
        assertEquals(2, parents.size(), "round " + round);
        for (Run r : runs) {
          assertEquals(RunStatus.FINISHED, r.info().status(), r.info().runName());
        }
        for (Run parent : parents) {
          assertEquals(
              1,
              client.tracking().getRun(parent.runId()).inputs().datasetInputs().size(),
              "each job's parent run records the shared dataset");
        }
        List<ModelVersion> versions =
            client
                .registry()
                .searchModelVersions("name = '" + model + "'", 1000, null)
                .items()
                .stream()
                .map(v -> client.registry().getModelVersion(model, v.version()))
                .toList();
        assertEquals(2, versions.size(), "round " + round);
        ModelVersion better =
            versions.stream().max(Comparator.comparingDouble(v -> score(v))).orElseThrow();
        ModelVersion worse = versions.stream().filter(v -> v != better).findFirst().orElseThrow();
        assertTrue(score(better) > score(worse), "the two jobs differ in quality");
        assertEquals(
            better.version(),
            client.registry().getVersionByAlias(model, "production").version(),
            "round " + round + ": production is the better version; versions: " + versions);
      }
    }
  }

  private static double score(ModelVersion v) {
    return Double.parseDouble(v.tag("holdout_accuracy").orElseThrow());
  }
}
