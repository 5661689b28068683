package dev.smileflow.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MlflowConfigTest {

  @Test
  void onlyTheTrackingUriGivesTheDefaults() {
    MlflowConfig c = MlflowConfig.fromEnv(Map.of("MLFLOW_TRACKING_URI", "http://127.0.0.1:5000"));
    assertEquals(URI.create("http://127.0.0.1:5000"), c.trackingUri());
    assertInstanceOf(Auth.None.class, c.auth());
    assertFalse(c.insecureTls());
    assertEquals(Duration.ofSeconds(60), c.requestTimeout());
    assertEquals(5, c.maxRetries());
    assertEquals(Duration.ofSeconds(1), c.backoffFactor());
  }

  @Test
  void pathPrefixIsKeptAndTrailingSlashDropped() {
    MlflowConfig c =
        MlflowConfig.fromEnv(Map.of("MLFLOW_TRACKING_URI", "https://ml.example.com/mlflow/"));
    assertEquals(URI.create("https://ml.example.com/mlflow"), c.trackingUri());
    assertEquals(
        URI.create("https://ml.example.com/mlflow/api/2.0/mlflow/runs/get?run_id=a%20b"),
        new Transport(c).api("mlflow/runs/get", Query.of("run_id", "a b")));
  }

  @Test
  void basicAuthWinsOverTokenAndEveryValueIsRead() {
    MlflowConfig c =
        MlflowConfig.fromEnv(
            Map.of(
                "MLFLOW_TRACKING_URI", "http://mlflow:5000",
                "MLFLOW_TRACKING_USERNAME", "alice",
                "MLFLOW_TRACKING_PASSWORD", "s3cret-pass",
                "MLFLOW_TRACKING_TOKEN", "tok-123",
                "MLFLOW_TRACKING_INSECURE_TLS", "true",
                "MLFLOW_HTTP_REQUEST_TIMEOUT", "2.5",
                "MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0",
                "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR", "0.1"));
    assertEquals(new Auth.Basic("alice", "s3cret-pass"), c.auth());
    assertTrue(c.insecureTls());
    assertEquals(Duration.ofMillis(2500), c.requestTimeout());
    assertEquals(0, c.maxRetries());
    assertEquals(Duration.ofMillis(100), c.backoffFactor());
    assertEquals("Basic YWxpY2U6czNjcmV0LXBhc3M=", c.auth().header().orElseThrow());
  }

  @Test
  void tokenAloneGivesBearerAuth() {
    MlflowConfig c =
        MlflowConfig.fromEnv(
            Map.of("MLFLOW_TRACKING_URI", "http://h:1", "MLFLOW_TRACKING_TOKEN", "tok-123"));
    assertEquals("Bearer tok-123", c.auth().header().orElseThrow());
  }

  @Test
  void toStringNeverShowsPasswordOrToken() {
    MlflowConfig basic =
        MlflowConfig.fromEnv(
            Map.of(
                "MLFLOW_TRACKING_URI",
                "http://h:1",
                "MLFLOW_TRACKING_USERNAME",
                "alice",
                "MLFLOW_TRACKING_PASSWORD",
                "s3cret-pass"));
    MlflowConfig bearer =
        MlflowConfig.fromEnv(
            Map.of("MLFLOW_TRACKING_URI", "http://h:1", "MLFLOW_TRACKING_TOKEN", "tok-123"));
    assertFalse(basic.toString().contains("s3cret-pass"), basic.toString());
    assertTrue(basic.toString().contains("alice"));
    assertFalse(bearer.toString().contains("tok-123"), bearer.toString());
    assertFalse(basic.auth().toString().contains("s3cret-pass"));
    assertFalse(bearer.auth().toString().contains("tok-123"));
  }

  @Test
  void everyInvalidValueIsListedInOneMessage() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                MlflowConfig.fromEnv(
                    Map.of(
                        "MLFLOW_TRACKING_URI", "file:///tmp/mlruns",
                        "MLFLOW_TRACKING_USERNAME", "alice",
                        "MLFLOW_TRACKING_INSECURE_TLS", "maybe",
                        "MLFLOW_HTTP_REQUEST_TIMEOUT", "0",
                        "MLFLOW_HTTP_REQUEST_MAX_RETRIES", "many",
                        "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR", "-1")));
    String m = String.valueOf(e.getMessage());
    for (String name :
        new String[] {
          "MLFLOW_TRACKING_URI",
          "MLFLOW_TRACKING_PASSWORD",
          "MLFLOW_TRACKING_INSECURE_TLS",
          "MLFLOW_HTTP_REQUEST_TIMEOUT",
          "MLFLOW_HTTP_REQUEST_MAX_RETRIES",
          "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR"
        }) {
      assertTrue(m.contains(name), name + " missing from: " + m);
    }
  }

  @Test
  void missingTrackingUriIsNamed() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> MlflowConfig.fromEnv(Map.of()));
    assertTrue(
        String.valueOf(e.getMessage()).contains("MLFLOW_TRACKING_URI is required"), e.getMessage());
  }

  @Test
  void credentialsInTheUriAndTooManyRetriesAreRejected() {
    var credentials =
        assertThrows(
            IllegalArgumentException.class,
            () -> MlflowConfig.fromEnv(Map.of("MLFLOW_TRACKING_URI", "http://bob:pw@h:1")));
    assertTrue(String.valueOf(credentials.getMessage()).contains("credentials"));
    var retries =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                MlflowConfig.fromEnv(
                    Map.of(
                        "MLFLOW_TRACKING_URI",
                        "http://h:1",
                        "MLFLOW_HTTP_REQUEST_MAX_RETRIES",
                        "500")));
    assertTrue(String.valueOf(retries.getMessage()).contains("MLFLOW_HTTP_REQUEST_MAX_RETRIES"));
  }

  @Test
  void aServerCertPathIsReadAndExcludesInsecureTls(@TempDir Path dir) throws IOException {
    Path pem = Files.writeString(dir.resolve("ca.pem"), "x");
    MlflowConfig c =
        MlflowConfig.fromEnv(
            Map.of(
                "MLFLOW_TRACKING_URI",
                "https://h:1",
                "MLFLOW_TRACKING_SERVER_CERT_PATH",
                pem.toString()));
    assertEquals(pem, c.serverCertPath());
    IllegalArgumentException both =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                MlflowConfig.fromEnv(
                    Map.of(
                        "MLFLOW_TRACKING_URI",
                        "https://h:1",
                        "MLFLOW_TRACKING_SERVER_CERT_PATH",
                        pem.toString(),
                        "MLFLOW_TRACKING_INSECURE_TLS",
                        "true")));
    assertTrue(String.valueOf(both.getMessage()).contains("exclude each other"), both.getMessage());
  }

  @Test
  void aCertFileWithoutCertificatesIsRefusedNamingTheVariable(@TempDir Path dir)
      throws IOException {
    Path pem = Files.writeString(dir.resolve("ca.pem"), "not pem");
    MlflowConfig c =
        MlflowConfig.fromEnv(Map.of("MLFLOW_TRACKING_URI", URI.create("https://h:1").toString()));
    MlflowConfig withCert =
        new MlflowConfig(
            c.trackingUri(),
            c.auth(),
            false,
            pem,
            c.requestTimeout(),
            c.maxRetries(),
            c.backoffFactor());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> MlflowClient.create(withCert));
    assertTrue(
        String.valueOf(e.getMessage()).contains("MLFLOW_TRACKING_SERVER_CERT_PATH"),
        e.getMessage());
  }
}
