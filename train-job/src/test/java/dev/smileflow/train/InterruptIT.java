package dev.smileflow.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smileflow.mlflow.MlflowClient;
import dev.smileflow.mlflow.Run;
import dev.smileflow.mlflow.RunSearch;
import dev.smileflow.mlflow.RunStatus;
import dev.smileflow.mlflow.testing.MlflowTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real jar, interrupted with SIGINT while it cross-validates: it exits 130 and leaves its run
 * KILLED.
 */
class InterruptIT {
  private static final MlflowTestServer SERVER = MlflowTestServer.shared();

  @TempDir Path dir;

  @Test
  void sigintDuringTheSearchMarksTheRunKilledAndRegistersNothing() throws Exception {
    Path jar = Path.of("target", "train-job.jar").toAbsolutePath();
    assertTrue(Files.isRegularFile(jar), "build the jar first (mvn package): " + jar);
    Path data = SyntheticCsv.write(dir.resolve("slow.csv"), 6000, 6, 0.3, 5);
    String experiment = MlflowTestServer.uniqueName("tj-int");
    String model = MlflowTestServer.uniqueName("tj-int-m");
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb =
        // env resets SIGINT to its default first: a test run started in the background of a
        // non-interactive shell inherits SIGINT ignored, and the JVM keeps it so
        new ProcessBuilder(
                "env",
                "--default-signal=INT",
                java,
                "-jar",
                jar.toString(),
                "--data",
                data.toString(),
                "--label",
                "y",
                "--experiment",
                experiment,
                "--model-name",
                model,
                "--algorithms",
                "svm,random_forest,gradient_boosting")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("job.log").toFile());
    pb.environment().putAll(SERVER.env());
    Process job = pb.start();
    try (MlflowClient client = SERVER.newClient()) {
      Optional<Run> parent = Optional.empty();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (parent.isEmpty() && System.nanoTime() < deadline && job.isAlive()) {
        Thread.sleep(250);
        parent =
            client
                .tracking()
                .findExperimentByName(experiment)
                .flatMap(e ->
                    client.tracking().searchAllRuns(RunSearch.of(e.experimentId(), null)).stream()
                        .findFirst());
      }
      assertTrue(
          parent.isPresent(),
          "the job started its parent run:\n" + Files.readString(dir.resolve("job.log")));
      assertEquals(RunStatus.RUNNING, parent.get().info().status());
      // the signal lands in the search: after the job has reported its first cross-validation fit
      while (!Files.readString(dir.resolve("job.log")).contains("ProgressBar - cross-validation")) {
        assertTrue(
            System.nanoTime() < deadline && job.isAlive(),
            "the job reported no cross-validation progress:\n"
                + Files.readString(dir.resolve("job.log")));
        Thread.sleep(50);
      }
      new ProcessBuilder("kill", "-INT", Long.toString(job.pid())).start().waitFor();
      assertTrue(job.waitFor(60, TimeUnit.SECONDS), "the job exits after SIGINT");
      String log = Files.readString(dir.resolve("job.log"));
      assertEquals(130, job.exitValue(), log);
      assertTrue(log.contains("error: interrupted"), log);
      assertFalse(
          log.contains("|-INFO in ch.qos.logback"),
          "logback's start-up status is not printed:\n" + log);
      List<Run> runs =
          client.tracking().searchAllRuns(RunSearch.of(parent.get().info().experimentId(), null));
      for (Run run : runs) {
        assertEquals(RunStatus.KILLED, run.info().status(), run.info().runName() + "\n" + log);
      }
      assertFalse(
          client.registry().searchModelVersions("name='" + model + "'", 1000, null).items().stream()
              .findAny()
              .isPresent(),
          "nothing was registered");
    } finally {
      job.destroyForcibly();
    }
  }
}
