package dev.smileflow.mlflow.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smileflow.mlflow.MlflowClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MlflowTestServerIT {

  static int health(URI uri) throws IOException, InterruptedException {
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
      return http.send(
              HttpRequest.newBuilder(uri.resolve("/health")).build(),
              HttpResponse.BodyHandlers.ofString())
          .statusCode();
    }
  }

  @Test
  void sharedServerIsOneHealthyInstancePerJvm() throws Exception {
    MlflowTestServer a = MlflowTestServer.shared();
    assertSame(a, MlflowTestServer.shared());
    assertEquals(200, health(a.uri()));
    assertEquals(a.uri().toString(), a.env().get("MLFLOW_TRACKING_URI"));
  }

  @Test
  void privateServerIsSeparateAndGoneAfterClose() throws Exception {
    URI uri;
    long pidsBefore = ProcessHandle.current().descendants().count();
    try (MlflowTestServer own = MlflowTestServer.start()) {
      uri = own.uri();
      assertNotEquals(MlflowTestServer.shared().uri(), uri);
      assertEquals(200, health(uri));
      assertTrue(
          uri.getHost().equals("127.0.0.1") || uri.getHost().equals("localhost"), uri.toString());
    }
    assertThrows(IOException.class, () -> health(uri));
    assertTrue(
        ProcessHandle.current().descendants().count() <= pidsBefore,
        "server processes left running");
  }

  @Test
  void aCrashedOrStoppedServerStartsAgainOnItsPortWithItsData() throws Exception {
    try (MlflowTestServer own =
            MlflowTestServer.start(
                new MlflowTestServer.Options(
                    MlflowTestServer.mlflowVersion(), MlflowTestServer.Backend.SQLITE));
        MlflowClient client = own.newClient()) {
      URI uri = own.uri();
      String name = MlflowTestServer.uniqueName("restart");
      String id = client.tracking().getOrCreateExperiment(name).experimentId();

      own.crash();
      assertThrows(IOException.class, () -> health(uri), "nothing answers after a crash");
      own.startAgain();
      assertEquals(uri, own.uri());
      assertEquals(200, health(uri));
      assertEquals(id, client.tracking().getExperimentByName(name).experimentId());

      own.shutDown();
      assertThrows(IOException.class, () -> health(uri), "nothing answers after a shut-down");
      own.startAgain();
      assertEquals(id, client.tracking().getExperimentByName(name).experimentId());
      assertThrows(IllegalStateException.class, own::startAgain, "it is running already");
    }
  }

  @Test
  void theSharedServerCannotBeCrashed() {
    assertThrows(UnsupportedOperationException.class, MlflowTestServer.shared()::crash);
  }

  @Test
  void uniqueNamesNeverRepeat() {
    Set<String> names = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      assertTrue(names.add(MlflowTestServer.uniqueName("x")));
    }
    assertTrue(MlflowTestServer.uniqueName("iris").startsWith("iris-"));
  }
}
