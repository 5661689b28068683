package dev.smileflow.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MLFLOW_TRACKING_INSECURE_TLS against an HTTPS stub with a self-signed certificate for another
 * host name.
 */
class InsecureTlsTest {

  @TempDir static Path dir;
  static HttpsServer server;
  static final List<Duration> SLEEPS = new ArrayList<>();

  @BeforeAll
  static void startHttpsStub() throws Exception {
    Path keystore = dir.resolve("ks.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "stub",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-validity",
                "2",
                "-dname",
                "CN=not-this-host.example",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                "changeit",
                "-keypass",
                "changeit")
            .redirectErrorStream(true)
            .start();
    keytool.getInputStream().transferTo(OutputStream.nullOutputStream());
    assertTrue(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0, "keytool failed");
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      ks.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, "changeit".toCharArray());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(ctx));
    server.createContext(
        "/",
        ex -> {
          byte[] body =
              "{\"experiment\": {\"experiment_id\": \"7\", \"name\": \"tls\"}}"
                  .getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", "application/json");
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    server.start();
  }

  @AfterAll
  static void stop() {
    server.stop(0);
  }

  static URI uri() {
    return URI.create("https://127.0.0.1:" + server.getAddress().getPort());
  }

  @Test
  void insecureTlsAcceptsAnUntrustedCertificateForAnotherHost() {
    MlflowConfig c =
        MlflowConfig.fromEnv(
            Map.of(
                "MLFLOW_TRACKING_URI", uri().toString(), "MLFLOW_TRACKING_INSECURE_TLS", "true"));
    try (Transport t = new Transport(c, SLEEPS::add, new SplittableRandom(1))) {
      assertEquals("7", new Tracking(t).getExperimentByName("tls").experimentId());
    }
  }

  @Test
  void untrustedCertificateFailsAtOnceWithTheInsecureTlsHint() {
    MlflowConfig c = MlflowConfig.fromEnv(Map.of("MLFLOW_TRACKING_URI", uri().toString()));
    SLEEPS.clear();
    try (Transport t = new Transport(c, SLEEPS::add, new SplittableRandom(1))) {
      MlflowException e =
          assertThrows(MlflowException.class, () -> new Tracking(t).getExperimentByName("x"));
      assertEquals(MlflowException.Kind.UNAVAILABLE, e.kind());
      assertTrue(e.message().contains("MLFLOW_TRACKING_INSECURE_TLS"), e.message());
    }
    assertTrue(SLEEPS.isEmpty(), "a certificate problem is not retried");
  }
}
