package dev.smileflow.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smileflow.mlflow.StubServer.Reply;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The transport against an in-process stub: auth, retries, backoff, error mapping. */
class TransportTest {

  StubServer stub;
  final List<Duration> sleeps = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startStub() throws IOException {
    stub = new StubServer();
  }

  @AfterEach
  void stopStub() {
    stub.close();
  }

  Transport transport(MlflowConfig config) {
    return new Transport(config, sleeps::add, new SplittableRandom(1));
  }

  MlflowConfig config() {
    return config(new Auth.None());
  }

  MlflowConfig config(Auth auth) {
    return new MlflowConfig(
        stub.uri(), auth, false, null, Duration.ofSeconds(60), 3, Duration.ofMillis(200));
  }

  @Test
  void basicAuthHeaderJsonContentTypeAndApiPathAreSent() {
    stub.then(
        Reply.json(200, "{\"run\": {\"info\": {\"run_id\": \"r1\", \"experiment_id\": \"0\"}}}"));
    try (Transport t = transport(config(new Auth.Basic("alice", "pw-123456789")))) {
      JsonNode r =
          t.post(
              "mlflow/runs/create",
              Json.object().put("experiment_id", "0"),
              Transport.Replay.ALWAYS);
      assertEquals("r1", r.at("/run/info/run_id").asText());
    }
    StubServer.Seen s = stub.seen.getFirst();
    assertEquals("POST", s.method());
    assertEquals("/api/2.0/mlflow/runs/create", s.path());
    assertEquals("Basic YWxpY2U6cHctMTIzNDU2Nzg5", s.header("Authorization"));
    assertEquals("application/json", s.header("Content-Type"));
    assertEquals("{\"experiment_id\":\"0\"}", s.body());
  }

  @Test
  void bearerTokenIsSentOnGetsWithTheQueryEncoded() {
    try (Transport t = transport(config(new Auth.Bearer("tok-1")))) {
      t.get("mlflow/experiments/get-by-name", Query.of("experiment_name", "a b&c"));
    }
    StubServer.Seen s = stub.seen.getFirst();
    assertEquals("Bearer tok-1", s.header("Authorization"));
    assertEquals("experiment_name=a%20b%26c", s.query());
    assertNull(s.header("Content-Type"));
  }

  @Test
  void serviceUnavailableIsRetriedWithGrowingBackoffUntilSuccess() {
    stub.then(
        Reply.text(503, "busy"), Reply.text(502, "bad gateway"), Reply.json(200, "{\"ok\": true}"));
    try (Transport t = transport(config())) {
      assertTrue(t.get("mlflow/x", null).get("ok").asBoolean());
    }
    assertEquals(3, stub.seen.size());
    assertEquals(2, sleeps.size());
    assertTrue(
        sleeps.get(0).toMillis() >= 100 && sleeps.get(0).toMillis() <= 200, sleeps.toString());
    assertTrue(
        sleeps.get(1).toMillis() >= 200 && sleeps.get(1).toMillis() <= 400, sleeps.toString());
  }

  @Test
  void tooManyRequestsHonoursRetryAfter() {
    stub.then(
        Reply.json(429, "{\"error_code\": \"REQUEST_LIMIT_EXCEEDED\", \"message\": \"slow down\"}")
            .withHeader("Retry-After", "7"),
        Reply.json(200, "{}"));
    try (Transport t = transport(config())) {
      t.post("mlflow/runs/log-batch", Json.object(), Transport.Replay.ALWAYS);
    }
    assertEquals(List.of(Duration.ofSeconds(7)), sleeps);
    assertEquals(2, stub.seen.size());
  }

  @Test
  void clientErrorsOtherThan408And429AreNeverRetried() {
    stub.then(
        Reply.json(400, "{\"error_code\": \"INVALID_PARAMETER_VALUE\", \"message\": \"bad key\"}"));
    try (Transport t = transport(config())) {
      MlflowException e =
          assertThrows(
              MlflowException.class,
              () -> t.post("mlflow/runs/log-batch", Json.object(), Transport.Replay.ALWAYS));
      assertEquals(MlflowException.Kind.INVALID, e.kind());
      assertEquals("INVALID_PARAMETER_VALUE", e.errorCode());
      assertTrue(e.message().contains("bad key"));
    }
    assertEquals(1, stub.seen.size());
    assertTrue(sleeps.isEmpty());
  }

  @Test
  void persistent5xxBecomesUnavailableNamingTheServerAfterAllRetries() {
    for (int i = 0; i < 4; i++) {
      stub.then(Reply.text(500, "boom"));
    }
    try (Transport t = transport(config())) {
      MlflowException e = assertThrows(MlflowException.class, () -> t.get("mlflow/runs/get", null));
      assertEquals(MlflowException.Kind.UNAVAILABLE, e.kind());
      assertEquals(500, e.httpStatus());
      assertTrue(e.message().contains(stub.uri().toString()), e.message());
      assertTrue(e.message().contains("after 4 attempts"), e.message());
    }
    assertEquals(4, stub.seen.size());
  }

  @Test
  void createCallIsNotResentAfterA5xxItMayHaveCaused() {
    stub.then(Reply.text(503, "proxy lost the response"), Reply.json(200, "{}"));
    try (Transport t = transport(config())) {
      Transport.AmbiguousFailure e =
          assertThrows(
              Transport.AmbiguousFailure.class,
              () -> t.post("mlflow/runs/create", Json.object(), Transport.Replay.IF_NOT_DELIVERED));
      assertEquals(MlflowException.Kind.UNAVAILABLE, e.failure().kind());
    }
    assertEquals(1, stub.seen.size());
  }

  @Test
  void createCallIsResentAfter429BecauseTheServerRefusedIt() {
    stub.then(Reply.text(429, "later"), Reply.json(200, "{\"created\": 1}"));
    try (Transport t = transport(config())) {
      assertEquals(
          1,
          t.post("mlflow/runs/create", Json.object(), Transport.Replay.IF_NOT_DELIVERED)
              .get("created")
              .asInt());
    }
    assertEquals(2, stub.seen.size());
  }

  @Test
  void createCallIsResentWhenTheConnectionWasRefused() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    MlflowConfig c =
        MlflowConfig.fromEnv(
                Map.of("MLFLOW_TRACKING_URI", URI.create("http://127.0.0.1:" + port).toString()))
            .withRetries(3, Duration.ofMillis(1));
    StubServer[] late = new StubServer[1];
    Transport.Sleeper startServerOnFirstSleep =
        d -> {
          sleeps.add(d);
          if (late[0] == null) {
            try {
              late[0] = new StubServer(port).then(Reply.json(200, "{\"run\": 1}"));
            } catch (IOException e) {
              throw new IllegalStateException(e);
            }
          }
        };
    try (Transport t = new Transport(c, startServerOnFirstSleep, new SplittableRandom(1))) {
      assertEquals(
          1,
          t.post("mlflow/runs/create", Json.object(), Transport.Replay.IF_NOT_DELIVERED)
              .get("run")
              .asInt());
      assertEquals(1, late[0].seen.size());
    } finally {
      if (late[0] != null) {
        late[0].close();
      }
    }
  }

  @Test
  void refusedConnectionEndsUnavailableNamingUriAndCause() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    MlflowConfig c =
        MlflowConfig.fromEnv(
                Map.of("MLFLOW_TRACKING_URI", URI.create("http://127.0.0.1:" + port).toString()))
            .withRetries(2, Duration.ofMillis(1));
    try (Transport t = transport(c)) {
      MlflowException e = assertThrows(MlflowException.class, () -> t.get("mlflow/runs/get", null));
      assertEquals(MlflowException.Kind.UNAVAILABLE, e.kind());
      assertEquals(0, e.httpStatus());
      assertTrue(e.message().contains("http://127.0.0.1:" + port), e.message());
      assertTrue(e.message().contains("connection refused"), e.message());
      assertTrue(e.message().contains("3 attempts"), e.message());
    }
    assertEquals(2, sleeps.size());
  }

  @Test
  void slowAnswerTimesOutAndIsRetried() {
    stub.then(Reply.json(200, "{}").delayed(1500), Reply.json(200, "{\"second\": true}"));
    MlflowConfig c = config().withRequestTimeout(Duration.ofMillis(300));
    try (Transport t = transport(c)) {
      assertTrue(t.get("mlflow/x", null).get("second").asBoolean());
    }
    assertEquals(1, sleeps.size());
  }

  @Test
  void malformedJsonIsAProtocolErrorAndNotRetried() {
    stub.then(new Reply(200, "text/html", "<html>login page</html>", Map.of(), 0));
    try (Transport t = transport(config())) {
      MlflowException e = assertThrows(MlflowException.class, () -> t.get("mlflow/runs/get", null));
      assertEquals(MlflowException.Kind.PROTOCOL, e.kind());
      assertTrue(e.message().contains("malformed JSON"), e.message());
      assertFalse(e.message().contains("login page"), e.message());
    }
    assertEquals(1, stub.seen.size());
  }

  @Test
  void plainTextHostHeader403IsPermissionDeniedWithTheFix() {
    stub.then(Reply.text(403, "Invalid Host header - possible DNS rebinding attack detected"));
    try (Transport t = transport(config())) {
      MlflowException e = assertThrows(MlflowException.class, () -> t.get("mlflow/runs/get", null));
      assertEquals(MlflowException.Kind.PERMISSION_DENIED, e.kind());
      assertNull(e.errorCode());
      assertTrue(e.message().contains("--allowed-hosts"), e.message());
    }
    assertEquals(1, stub.seen.size());
  }

  @Test
  void unauthenticated401IsNotRetried() {
    stub.then(
        Reply.text(401, "You are not authenticated. Please see docs.")
            .withHeader("WWW-Authenticate", "Basic realm=\"mlflow\""));
    try (Transport t = transport(config())) {
      MlflowException e = assertThrows(MlflowException.class, () -> t.get("mlflow/runs/get", null));
      assertEquals(MlflowException.Kind.UNAUTHENTICATED, e.kind());
      assertEquals(401, e.httpStatus());
    }
    assertEquals(1, stub.seen.size());
  }

  @Test
  void downloadThatKeepsFailingLeavesNoFileBehind(@TempDir Path tmp) throws IOException {
    for (int i = 0; i < 4; i++) {
      stub.then(Reply.text(500, "disk error"));
    }
    Path target = tmp.resolve("model.ser");
    try (Transport t = transport(config())) {
      assertThrows(MlflowException.class, () -> t.download(stub.uri().resolve("/f"), target));
    }
    try (var files = Files.list(tmp)) {
      assertEquals(0, files.count());
    }
  }

  @Test
  void uploadSendsTheFileBytesWithPut(@TempDir Path tmp) throws IOException {
    Path f = Files.writeString(tmp.resolve("a.txt"), "hello");
    try (Transport t = transport(config(new Auth.Bearer("tok")))) {
      t.upload(stub.uri().resolve("/api/2.0/mlflow-artifacts/artifacts/1/a.txt"), f);
    }
    StubServer.Seen s = stub.seen.getFirst();
    assertEquals("PUT", s.method());
    assertEquals("hello", s.body());
    assertEquals("Bearer tok", s.header("Authorization"));
  }
}
