package dev.smileflow.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smileflow.mlflow.Experiment;
import dev.smileflow.mlflow.MlflowClient;
import dev.smileflow.mlflow.Run;
import dev.smileflow.mlflow.RunSearch;
import dev.smileflow.mlflow.RunSpec;
import dev.smileflow.mlflow.RunStatus;
import dev.smileflow.mlflow.Tag;
import dev.smileflow.mlflow.testing.MlflowTestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The sharded search as Cloud Run runs it, three {@code java -jar train-job.jar --shard I/3}
 * processes against the real MLflow server: the same answer as one process, a retried shard that
 * changes nothing, a missing shard named by {@code select}, and a shard with other data refused.
 */
class ShardedSearchIT {
  private static final Path JAR = Path.of("target", "train-job.jar");
  private static final int SHARDS = 3;

  /** Wine: 3 classes, 13 numeric features; every algorithm, so the shares differ in cost. */
  private static final List<String> DATA =
      List.of("--data", "../testdata/wine.csv", "--label", "cultivar", "--folds", "4");

  @TempDir Path logs;

  record Exit(int code, String output) {}

  private Exit runJar(MlflowTestServer server, String name, List<String> args)
      throws IOException, InterruptedException {
    Path log = logs.resolve(name + ".log");
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-jar");
    command.add(JAR.toString());
    command.addAll(DATA);
    command.addAll(args);
    if (!args.contains("--seed")) {
      command.addAll(List.of("--seed", "7"));
    }
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(server.env());
    builder.environment().put("TRAIN_THREADS", "1");
    Process process = builder.start();
    try {
      assertTrue(process.waitFor(4, TimeUnit.MINUTES), name + " did not finish: " + log);
      return new Exit(process.exitValue(), Files.readString(log));
    } finally {
      process.destroyForcibly();
    }
  }

  private List<Exit> shards(
      MlflowTestServer server, String experiment, String model, String jobId, List<Integer> which)
      throws Exception {
    List<Exit> exits = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(which.size())) {
      List<Future<Exit>> futures = new ArrayList<>();
      for (int i : which) {
        List<String> args =
            List.of(
                "--experiment", experiment,
                "--model-name", model,
                "--shard", i + "/" + SHARDS,
                "--job-id", jobId,
                "--wait", "180");
        futures.add(pool.submit(() -> runJar(server, jobId + "-shard-" + i, args)));
      }
      for (Future<Exit> f : futures) {
        exits.add(f.get());
      }
    }
    return exits;
  }

  /** An experiment's parent runs and nested runs. */
  private record Runs(List<Run> parents, List<Run> nested) {
    Run parent() {
      assertEquals(1, parents.size(), "one parent run");
      return parents.getFirst();
    }

    /** Each candidate's CV scores by run name, exactly as logged. */
    Map<String, List<Double>> scores() {
      Map<String, List<Double>> out = new TreeMap<>();
      for (Run r : nested) {
        out.put(
            r.info().runName(),
            List.of(
                r.data().metric("cv_accuracy_mean").orElseThrow(),
                r.data().metric("cv_f1_macro_mean").orElseThrow(),
                r.data().metric("cv_log_loss_mean").orElseThrow(),
                r.data().metric("cv_accuracy_std").orElseThrow()));
      }
      return out;
    }
  }

  private static Runs runs(MlflowClient client, String experiment) {
    Experiment exp = client.tracking().getExperimentByName(experiment);
    List<Run> all = client.tracking().searchAllRuns(RunSearch.of(exp.experimentId(), null));
    return new Runs(
        all.stream().filter(r -> r.data().tag("mlflow.parentRunId").isEmpty()).toList(),
        all.stream().filter(r -> r.data().tag("mlflow.parentRunId").isPresent()).toList());
  }

  /** MLflow 3 and the 2.x servers many teams still run. */
  static List<MlflowTestServer> servers() {
    return List.of(MlflowTestServer.shared(), MlflowTestServer.shared2x());
  }

  @ParameterizedTest
  @MethodSource("servers")
  void threeShardsGiveOneProcessesAnswerAndARetriedShardChangesNothing(MlflowTestServer server)
      throws Exception {
    assertTrue(Files.isRegularFile(JAR), JAR.toAbsolutePath() + " is built by package");
    String single = MlflowTestServer.uniqueName("one-process");
    String sharded = MlflowTestServer.uniqueName("sharded");
    String model = MlflowTestServer.uniqueName("sharded-model");
    String jobId = MlflowTestServer.uniqueName("job");

    Exit alone =
        runJar(
            server,
            "one-process",
            List.of("--experiment", single, "--model-name", MlflowTestServer.uniqueName("m")));
    assertEquals(0, alone.code(), alone.output());
    List<Exit> exits = shards(server, sharded, model, jobId, List.of(0, 1, 2));
    for (Exit e : exits) {
      assertEquals(0, e.code(), e.output());
    }
    assertEquals(
        1,
        exits.stream().filter(e -> e.output().contains("Candidates (4-fold")).count(),
        "exactly one shard selects and prints the whole summary");

    try (MlflowClient client = server.newClient()) {
      Runs expected = runs(client, single);
      Runs actual = runs(client, sharded);
      Run one = expected.parent();
      Run parent = client.tracking().getRun(actual.parent().runId());
      assertEquals(RunStatus.FINISHED, parent.info().status());
      assertEquals(jobId, parent.data().tag("smileflow.job_id").orElseThrow());
      assertEquals(one.data().tag("winner"), parent.data().tag("winner"), "same winner");
      for (String metric :
          List.of("best_cv_accuracy_mean", "holdout_accuracy", "holdout_log_loss", "candidates")) {
        assertEquals(
            one.data().metric(metric).orElseThrow(),
            parent.data().metric(metric).orElseThrow(),
            metric);
      }
      assertEquals(expected.scores(), actual.scores(), "every candidate's CV scores, exactly");
      assertEquals(
          1,
          actual.nested().stream()
              .filter(r -> r.data().tag("candidate.winner").orElse("").equals("true"))
              .count(),
          "one nested run is marked the winner");
      assertEquals(
          "1", client.registry().getVersionByAlias(model, "production").version(), "promoted");

      Exit retried = shards(server, sharded, model, jobId, List.of(1)).getFirst();
      assertEquals(0, retried.code(), retried.output());
      assertTrue(retried.output().contains("0 cross-validated now"), retried.output());
      Runs after = runs(client, sharded);
      assertEquals(
          actual.nested().stream().map(Run::runId).sorted().toList(),
          after.nested().stream().map(Run::runId).sorted().toList(),
          "a retried shard adds no nested runs");
      assertEquals(
          1,
          client
              .registry()
              .searchModelVersions("name = '" + model + "'", 1000, null)
              .items()
              .size());

      Exit select =
          runJar(server, "select", List.of("select", "--experiment", sharded, "--job-id", jobId));
      assertEquals(0, select.code(), select.output());
      assertEquals(
          1,
          client
              .registry()
              .searchModelVersions("name = '" + model + "'", 1000, null)
              .items()
              .size(),
          "select after the job registers nothing more");
    }
  }

  @Test
  void selectNamesTheMissingShardAndTheLateShardClearsAStaleRunAndFinishesTheJob()
      throws Exception {
    MlflowTestServer server = MlflowTestServer.shared();
    String experiment = MlflowTestServer.uniqueName("late-shard");
    String model = MlflowTestServer.uniqueName("late-model");
    String jobId = MlflowTestServer.uniqueName("late-job");
    for (Exit e : shards(server, experiment, model, jobId, List.of(0, 1))) {
      assertEquals(0, e.code(), e.output());
      assertTrue(e.output().contains("Other shards are still running"), e.output());
    }
    Exit select =
        runJar(
            server,
            "select-early",
            List.of("select", "--experiment", experiment, "--job-id", jobId, "--wait", "2"));
    assertEquals(ExitCodes.SHARDS, select.code(), select.output());
    assertTrue(select.output().contains("shard 3/3 (nothing logged)"), select.output());

    Exit other =
        runJar(
            server,
            "other-seed",
            List.of(
                "--experiment", experiment,
                "--model-name", model,
                "--shard", "2/" + SHARDS,
                "--job-id", jobId,
                "--seed", "8"));
    assertEquals(ExitCodes.USAGE, other.code(), other.output());
    assertTrue(other.output().contains("planned a different search"), other.output());

    try (MlflowClient client = server.newClient()) {
      Run parent = runs(client, experiment).parent();
      // what an attempt of shard 3 killed while logging leaves: a nested run still RUNNING
      Run stale =
          client
              .tracking()
              .createRun(
                  RunSpec.of(parent.info().experimentId(), "stale")
                      .withParent(parent.runId())
                      .withTags(
                          List.of(
                              new Tag("smileflow.shard", "2/3"), new Tag("candidate.index", "0"))));

      Exit late = shards(server, experiment, model, jobId, List.of(2)).getFirst();
      assertEquals(0, late.code(), late.output());
      assertTrue(late.output().contains("Candidates (4-fold"), "the last shard selects");

      assertEquals("deleted", client.tracking().getRun(stale.runId()).info().lifecycleStage());
      Run done = client.tracking().getRun(parent.runId());
      assertEquals(RunStatus.FINISHED, done.info().status());
      assertEquals("shard-2", done.data().param("selected_by").orElseThrow());
      assertEquals("1", done.data().tag("registered_version").orElseThrow());
      List<Run> nested = runs(client, experiment).nested();
      assertEquals(done.data().metric("candidates").orElseThrow(), (double) nested.size());
      assertTrue(nested.stream().allMatch(r -> r.info().status() == RunStatus.FINISHED));
    }
  }
}
