package dev.smileflow.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.smileflow.mlflow.Experiment;
import dev.smileflow.mlflow.LoggedModel;
import dev.smileflow.mlflow.MlflowClient;
import dev.smileflow.mlflow.MlflowException;
import dev.smileflow.mlflow.ModelVersion;
import dev.smileflow.mlflow.Run;
import dev.smileflow.mlflow.RunSearch;
import dev.smileflow.mlflow.RunStatus;
import dev.smileflow.mlflow.testing.MlflowTestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MLflow goes away and comes back (same port, same store) while {@code java -jar train-job.jar}
 * writes to it: the job rides it out on its retries and leaves exactly what an undisturbed job
 * leaves: one parent run, one nested run per candidate, one LoggedModel, one registered version
 * that the alias points at, and no run left RUNNING. Each stop is triggered by what the server
 * shows (the parent run, the first nested run, the LoggedModel, the registered model), never by the
 * clock.
 */
class ServerRestartIT {
  private static final Path JAR = Path.of("target", "train-job.jar");
  private static final Duration JOB_TIMEOUT = Duration.ofMinutes(3);

  /**
   * Retries that react within a second and outlast a restart of several seconds: 12 retries from
   * 0.2 s doubling (capped at 30 s) wait more than a minute in all before giving up.
   */
  private static final Map<String, String> RETRIES =
      Map.of(
          "MLFLOW_HTTP_REQUEST_MAX_RETRIES", "12",
          "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR", "0.2",
          "MLFLOW_HTTP_REQUEST_TIMEOUT", "30");

  private static MlflowTestServer server;
  private static MlflowClient observer;

  @TempDir Path logs;

  /** What the test does to the server when it sees a moment. */
  private enum Stop {
    CRASH,
    SHUT_DOWN
  }

  /** A moment in a job, as the server shows it: present once it has happened. */
  private record Moment(String name, Function<String, Optional<?>> seenInExperiment) {}

  /** Stop the server {@code how} once {@code moment} shows, then start it again. */
  private record Step(Moment moment, Stop how) {}

  private static final Moment PARENT_RUN =
      new Moment("the parent run exists", id -> runs(id).stream().findFirst());
  private static final Moment NESTED_RUN =
      new Moment("the first nested run exists", id -> nested(runs(id)).stream().findFirst());
  private static final Moment LOGGED_MODEL =
      new Moment(
          "the LoggedModel exists",
          id ->
              observer.loggedModels().search(List.of(id), null, 1, null).items().stream()
                  .findFirst());

  @BeforeAll
  static void startPrivateServer() {
    server =
        MlflowTestServer.start(
            new MlflowTestServer.Options(
                MlflowTestServer.mlflowVersion(), MlflowTestServer.Backend.SQLITE));
    observer = server.newClient();
  }

  @AfterAll
  static void stopServer() {
    observer.close();
    server.close();
  }

  @Test
  void aCrashWhileCandidatesAreLoggedAndAnotherWhileTheModelIsStoredLeaveNoDuplicate()
      throws Exception {
    runJobThrough(
        MlflowTestServer.uniqueName("restart-model"),
        new Step(NESTED_RUN, Stop.CRASH),
        new Step(LOGGED_MODEL, Stop.CRASH));
  }

  @Test
  void aShutDownAtTheStartAndACrashAtRegistrationLeaveNoDuplicate() throws Exception {
    String model = MlflowTestServer.uniqueName("restart-model");
    Moment registered =
        new Moment(
            "the registered model exists",
            id -> {
              try {
                return Optional.of(observer.registry().getRegisteredModel(model));
              } catch (MlflowException e) {
                if (e.kind() == MlflowException.Kind.NOT_FOUND) {
                  return Optional.empty();
                }
                throw e;
              }
            });
    runJobThrough(model, new Step(PARENT_RUN, Stop.SHUT_DOWN), new Step(registered, Stop.CRASH));
  }

  /** Starts a job registering {@code modelName}, takes {@code steps}, checks what the job left. */
  private void runJobThrough(String modelName, Step... steps) throws Exception {
    assertTrue(Files.isRegularFile(JAR), JAR.toAbsolutePath() + " is built by package");
    String experiment = MlflowTestServer.uniqueName("restart-exp");
    Path log = logs.resolve(modelName + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(
                ProcessHandle.current().info().command().orElse("java"),
                "-jar",
                JAR.toString(),
                "--experiment",
                experiment,
                "--model-name",
                modelName)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().putAll(server.env());
    builder.environment().putAll(RETRIES);
    long started = System.nanoTime();
    Process job = builder.start();
    try {
      for (Step step : steps) {
        awaitMoment(job, log, experiment, step.moment());
        long down = System.nanoTime();
        switch (step.how()) {
          case CRASH -> server.crash();
          case SHUT_DOWN -> server.shutDown();
        }
        assertTrue(job.isAlive(), "the job was still running when the server stopped");
        server.startAgain();
        System.out.printf(
            "%s: %s at '%s', server back after %d ms%n",
            modelName, step.how(), step.moment().name(), (System.nanoTime() - down) / 1_000_000);
      }
      assertTrue(
          job.waitFor(JOB_TIMEOUT.toSeconds(), TimeUnit.SECONDS),
          "the job did not finish:\n" + Files.readString(log));
    } finally {
      job.destroyForcibly();
    }
    String output = Files.readString(log);
    List<String> broken =
        output
            .lines()
            .filter(l -> l.contains("retry 1/"))
            .map(l -> l.replaceAll(".*MLflow (\\S+ \\S+) failed \\(([^()]+?) ?[()].*", "$1 ($2)"))
            .toList();
    List<String> lookedUp =
        output
            .lines()
            .filter(l -> l.contains("looking up whether it took effect"))
            .map(l -> l.replaceAll(".* - (.+): the response was lost.*", "$1"))
            .toList();
    System.out.printf(
        "%s: exit %d after %d ms; calls refused or broken off: %s; lost responses looked up: %s%n",
        modelName, job.exitValue(), (System.nanoTime() - started) / 1_000_000, broken, lookedUp);
    assertEquals(0, job.exitValue(), output);
    assertTrue(
        broken.size() + lookedUp.size() >= steps.length,
        "every stop broke at least one of the job's calls:\n" + output);
    assertLeftNoDuplicate(experiment, modelName, output);
  }

  /** Polls the server until {@code moment} shows in {@code experiment}; fails if the job ends. */
  private static void awaitMoment(Process job, Path log, String experiment, Moment moment)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
    while (true) {
      Optional<String> id =
          observer.tracking().findExperimentByName(experiment).map(Experiment::experimentId);
      if (id.isPresent() && moment.seenInExperiment().apply(id.get()).isPresent()) {
        return;
      }
      if (!job.isAlive() || System.nanoTime() > deadline) {
        fail("the job did not reach '" + moment.name() + "':\n" + Files.readString(log));
      }
      Thread.sleep(20);
    }
  }

  private static void assertLeftNoDuplicate(String experiment, String model, String output) {
    String id = observer.tracking().getExperimentByName(experiment).experimentId();
    List<Run> runs = runs(id);
    for (Run r : runs) {
      assertFalse(
          r.info().status() == RunStatus.RUNNING || r.info().status() == RunStatus.SCHEDULED,
          r.info().runName() + " left " + r.info().status());
    }
    List<Run> parents =
        runs.stream().filter(r -> r.data().tag("mlflow.parentRunId").isEmpty()).toList();
    assertEquals(1, parents.size(), "one parent run: " + names(runs));
    Run parent = parents.getFirst();
    assertEquals(RunStatus.FINISHED, parent.info().status());

    int candidates = parent.data().metric("candidates").orElseThrow().intValue();
    List<Run> nested = nested(runs);
    assertTrue(candidates > 1, "the search had candidates");
    assertEquals(candidates, nested.size(), "one nested run per candidate: " + names(nested));
    Set<String> indexes =
        nested.stream()
            .map(r -> r.data().tag("candidate.index").orElseThrow())
            .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(candidates, indexes.size(), "no candidate logged twice: " + names(nested));
    for (Run r : nested) {
      assertEquals(parent.runId(), r.data().tag("mlflow.parentRunId").orElseThrow());
    }

    List<LoggedModel> loggedModels =
        observer.loggedModels().search(List.of(id), null, 50, null).items();
    assertEquals(1, loggedModels.size(), "one LoggedModel: " + loggedModels);

    List<ModelVersion> versions =
        observer.registry().searchModelVersions("name = '" + model + "'", 1000, null).items();
    assertEquals(1, versions.size(), "one registered version: " + versions);
    ModelVersion version = versions.getFirst();
    assertEquals(parent.runId(), version.runId());
    assertEquals(
        version.version(),
        observer.registry().getVersionByAlias(model, "production").version(),
        "the alias points at the job's version");
    assertEquals(version.version(), parent.data().tag("registered_version").orElseThrow());
    assertTrue(output.contains("models:/" + model + "@production"), output);
  }

  private static List<Run> runs(String experimentId) {
    return observer
        .tracking()
        .searchAllRuns(new RunSearch(List.of(experimentId), null, List.of(), 1000, null, "ALL"));
  }

  private static List<Run> nested(List<Run> runs) {
    return runs.stream().filter(r -> r.data().tag("mlflow.parentRunId").isPresent()).toList();
  }

  private static List<String> names(List<Run> runs) {
    return runs.stream().map(r -> r.info().runName() + "=" + r.info().status()).toList();
  }
}
