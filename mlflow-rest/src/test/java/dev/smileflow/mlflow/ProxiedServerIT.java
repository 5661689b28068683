package dev.smileflow.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smileflow.mlflow.testing.MlflowTestServer;
import dev.smileflow.mlflow.testing.TlsProxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MLflow behind a TLS-terminating reverse proxy under a path prefix, with a certificate from a
 * private CA that only {@code MLFLOW_TRACKING_SERVER_CERT_PATH} makes trusted.
 */
class ProxiedServerIT {

  @TempDir static Path dir;
  static TlsProxy proxy;

  @BeforeAll
  static void startProxy() {
    proxy = TlsProxy.start(MlflowTestServer.shared().uri(), "/mlflow", dir);
  }

  @AfterAll
  static void stopProxy() {
    proxy.close();
  }

  private static MlflowConfig config(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(extra);
    env.put("MLFLOW_TRACKING_URI", proxy.uri().toString());
    env.put("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0");
    return MlflowConfig.fromEnv(env);
  }

  @Test
  void theWholeModelPathWorksThroughTheProxyWithThePrivateCaTrusted() throws Exception {
    MlflowConfig config =
        config(Map.of("MLFLOW_TRACKING_SERVER_CERT_PATH", proxy.caPem().toString()));
    try (MlflowClient mlflow = MlflowClient.create(config)) {
      assertEquals(new ServerCapabilities(true, true, true), mlflow.capabilities());
      Experiment exp = mlflow.tracking().getOrCreateExperiment(MlflowTestServer.uniqueName("tls"));
      Run run = mlflow.tracking().createRun(RunSpec.of(exp.experimentId(), "behind-proxy"));
      Path file = dir.resolve("MLmodel");
      Files.writeString(file, "flavors: {}\n", StandardCharsets.UTF_8);
      String modelUri = run.info().artifactUri() + "/model";
      mlflow.artifacts().uploadFile(modelUri, file, "MLmodel");
      String name = MlflowTestServer.uniqueName("tls-model");
      mlflow.registry().getOrCreateRegisteredModel(name, null);
      ModelVersion v =
          mlflow
              .registry()
              .createModelVersion(ModelVersionSpec.fromRunArtifacts(name, run.runId(), "model"));
      mlflow.registry().waitUntilReady(name, v.version(), Duration.ofMinutes(1));
      mlflow.registry().setAlias(name, "production", v.version());
      String files = mlflow.modelVersionArtifactUri(name, v.version());
      Path back = dir.resolve("back");
      mlflow.artifacts().downloadDirectory(files, back);
      assertEquals("flavors: {}\n", Files.readString(back.resolve("MLmodel")));
      assertEquals(
          List.of("MLmodel"),
          mlflow.artifacts().listFiles(files).stream().map(ArtifactFile::path).toList());
    }
  }

  @Test
  void withoutTheCaBundleTheProxysCertificateIsRefused() {
    try (MlflowClient mlflow = MlflowClient.create(config(Map.of()))) {
      MlflowException e =
          assertThrows(MlflowException.class, () -> mlflow.tracking().getExperiment("0"));
      assertEquals(MlflowException.Kind.UNAVAILABLE, e.kind());
      assertTrue(Transport.tlsFailure(e), e.toString());
    }
  }

  @Test
  void aCertPathThatIsNoFileFailsTheConfigurationNamingTheVariable() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                config(
                    Map.of(
                        "MLFLOW_TRACKING_SERVER_CERT_PATH",
                        dir.resolve("missing.pem").toString())));
    assertTrue(
        String.valueOf(e.getMessage()).contains("MLFLOW_TRACKING_SERVER_CERT_PATH"),
        e.getMessage());
  }
}
