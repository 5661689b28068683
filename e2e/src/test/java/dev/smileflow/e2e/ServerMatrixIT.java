package dev.smileflow.e2e;

import static java.util.Objects.requireNonNull;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smileflow.mlflow.ArtifactFile;
import dev.smileflow.mlflow.MlflowClient;
import dev.smileflow.mlflow.ModelVersion;
import dev.smileflow.mlflow.Stage;
import dev.smileflow.mlflow.testing.MlflowTestServer;
import dev.smileflow.mlflow.testing.TlsProxy;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same train-job.jar and api.jar against the other servers of the compatibility matrix
 * (docs/compatibility.md): the pinned MLflow 2.x on sqlite, and the pinned MLflow 3.x on
 * PostgreSQL, and the pinned 3.x behind a TLS-terminating reverse proxy with a private CA under a
 * path prefix. Each trains and promotes version 1, serves it, trains again to promote version 2,
 * and the running api follows. ({@link EndToEndIT} does the same on the pinned 3.x with sqlite.)
 */
class ServerMatrixIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String VIRGINICA =
      "{\"sepal_length\": 7.7, \"sepal_width\": 2.6, \"petal_length\": 6.9, \"petal_width\": 2.3}";

  @TempDir Path tmp;

  @Test
  void mlflow2StoresTheModelAsRunArtifactsAndServesItFromARunsUri() throws Exception {
    MlflowTestServer server = MlflowTestServer.shared2x();
    String model = trainServeAndPromoteTwice(server, "v2");
    try (MlflowClient mlflow = server.newClient()) {
      ModelVersion v2 = mlflow.registry().getModelVersion(model, "2");
      assertTrue(v2.source() != null && v2.source().equals("runs:/" + v2.runId() + "/model"));
      assertEquals(Stage.PRODUCTION, v2.currentStage());
      assertEquals("production", v2.aliases().getFirst());
      String files = mlflow.modelVersionArtifactUri(model, "2");
      assertTrue(
          mlflow.artifacts().listFiles(files).stream()
              .map(ArtifactFile::path)
              .anyMatch(p -> p.equals("MLmodel")),
          files);
      assertFalse(
          mlflow.tracking().getRun(requireNonNull(v2.runId())).inputs().datasetInputs().isEmpty(),
          "the training data is a run input on 2.x too");
    }
  }

  @Test
  void mlflow3OnPostgresqlTrainsRegistersPromotesAndServes() throws Exception {
    try (MlflowTestServer server =
        MlflowTestServer.start(
            new MlflowTestServer.Options(
                MlflowTestServer.mlflowVersion(), MlflowTestServer.Backend.POSTGRESQL))) {
      String model = trainServeAndPromoteTwice(server, "pg");
      try (MlflowClient mlflow = server.newClient()) {
        ModelVersion v2 = mlflow.registry().getModelVersion(model, "2");
        assertTrue(v2.source() != null && v2.source().startsWith("models:/m-"), v2.source());
        assertEquals(Stage.PRODUCTION, v2.currentStage());
      }
    }
  }

  @Test
  void behindATlsProxyWithAPrivateCaUnderAPathPrefixTheJarsTrainPromoteAndServe() throws Exception {
    try (TlsProxy proxy =
        TlsProxy.start(
            MlflowTestServer.shared().uri(),
            "/mlflow",
            Files.createDirectories(tmp.resolve("tls")))) {
      Map<String, String> env = new HashMap<>();
      env.put("MLFLOW_TRACKING_URI", proxy.uri().toString());
      env.put("MLFLOW_TRACKING_SERVER_CERT_PATH", proxy.caPem().toString());
      String model = trainServeAndPromoteTwice(env, "tls");
      try (MlflowClient mlflow = MlflowTestServer.shared().newClient()) {
        assertEquals(
            "2",
            mlflow.registry().getVersionByAlias(model, "production").version(),
            "what the jars wrote through the proxy is on the server behind it");
      }
    }
  }

  private String trainServeAndPromoteTwice(MlflowTestServer server, String prefix)
      throws IOException, InterruptedException {
    return trainServeAndPromoteTwice(server.env(), prefix);
  }

  /** Two trainings and a running api in between; returns the registered model's name. */
  private String trainServeAndPromoteTwice(Map<String, String> serverEnv, String prefix)
      throws IOException, InterruptedException {
    String model = MlflowTestServer.uniqueName(prefix + "-iris");
    Map<String, String> env = new HashMap<>(serverEnv);
    env.put("MLFLOW_EXPERIMENT_NAME", MlflowTestServer.uniqueName(prefix + "-exp"));
    env.put("MODEL_NAME", model);
    JarProcess.Result first =
        JarProcess.run(trainJar(), env, tmp.resolve("train-1.log"), Duration.ofMinutes(5));
    assertEquals(0, first.exitCode(), "train-job failed:\n" + first.output());
    env.put("MODEL_REFRESH_SECONDS", "1");
    try (ApiServer api = ApiServer.startReady(env, tmp.resolve("api.log"))) {
      assertEquals("1", servedVersion(api));
      JarProcess.Result second =
          JarProcess.run(trainJar(), env, tmp.resolve("train-2.log"), Duration.ofMinutes(5));
      assertEquals(0, second.exitCode(), "second train-job failed:\n" + second.output());
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      String served = servedVersion(api);
      while (!served.equals("2") && System.nanoTime() < deadline) {
        Thread.sleep(200);
        served = servedVersion(api);
      }
      assertEquals("2", served, "the running api follows the promotion:\n" + second.output());
    }
    return model;
  }

  private static String servedVersion(ApiServer api) throws IOException, InterruptedException {
    HttpResponse<String> response = api.postJson("/v1/classify", VIRGINICA);
    assertEquals(200, response.statusCode(), response.body());
    JsonNode body = JSON.readTree(response.body());
    assertEquals("Iris-virginica", body.path("data").path("pred_label").asText(), body.toString());
    return body.path("data").path("model_version").asText();
  }

  private static Path trainJar() {
    return JarProcess.jar("trainJob.jar");
  }
}
