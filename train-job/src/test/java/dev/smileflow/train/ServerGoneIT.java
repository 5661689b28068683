package dev.smileflow.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smileflow.mlflow.MlflowClient;
import dev.smileflow.mlflow.RunSearch;
import dev.smileflow.mlflow.testing.MlflowTestServer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MLflow stops after the job has started its parent run: the job fails with exit 4 and a one-line
 * reason, not a hang.
 */
class ServerGoneIT {
  @TempDir Path dir;

  @Test
  void serverStoppingMidRunEndsTheJobWithFour() throws Exception {
    Path data = SyntheticCsv.write(dir.resolve("slow.csv"), 4000, 4, 0.4, 9);
    String experiment = MlflowTestServer.uniqueName("tj-gone");
    MlflowTestServer server = MlflowTestServer.start();
    try {
      Map<String, String> env = new HashMap<>(server.env());
      env.put("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "1");
      env.put("MLFLOW_HTTP_REQUEST_TIMEOUT", "10");
      CompletableFuture<MainTest.Outcome> job =
          CompletableFuture.supplyAsync(() ->
              MainTest.run(
                  env,
                  "--data",
                  data.toString(),
                  "--label",
                  "y",
                  "--experiment",
                  experiment,
                  "--algorithms",
                  "svm,gradient_boosting"));
      try (MlflowClient client = server.newClient()) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        boolean started = false;
        while (!started && System.nanoTime() < deadline && !job.isDone()) {
          Thread.sleep(200);
          started =
              client
                  .tracking()
                  .findExperimentByName(experiment)
                  .map(e ->
                      !client
                          .tracking()
                          .searchAllRuns(RunSearch.of(e.experimentId(), null))
                          .isEmpty())
                  .orElse(false);
        }
        assertTrue(started, "the parent run was created");
      }
      server.close();
      MainTest.Outcome o = job.get(180, TimeUnit.SECONDS);
      assertEquals(4, o.code(), o.err());
      assertTrue(o.err().lines().anyMatch(l -> l.startsWith("error: MLflow failure: ")), o.err());
    } finally {
      server.close();
    }
  }
}
