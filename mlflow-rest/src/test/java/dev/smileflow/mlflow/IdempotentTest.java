package dev.smileflow.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Create-if-absent: how a rejection, a look-up and one more send combine (no network). */
class IdempotentTest {

  private final Transport transport =
      new Transport(
          MlflowConfig.fromEnv(
              Map.of("MLFLOW_TRACKING_URI", URI.create("http://127.0.0.1:9").toString())),
          d -> {},
          new SplittableRandom(1));

  private int sends;
  private int lookups;

  @AfterEach
  void close() {
    transport.close();
  }

  private static MlflowException rejected(MlflowException.Kind kind) {
    return new MlflowException(kind, 400, "BAD_REQUEST", "UNIQUE constraint failed");
  }

  /** A send that answers from {@code outcomes} in order: an exception to throw, or a value. */
  private Supplier<String> send(Object... outcomes) {
    Deque<Object> queue = new ArrayDeque<>(List.of(outcomes));
    return () -> {
      sends++;
      Object next = queue.removeFirst();
      if (next instanceof RuntimeException e) {
        throw e;
      }
      return (String) next;
    };
  }

  private Supplier<Optional<String>> lookup(Optional<String> answer) {
    return () -> {
      lookups++;
      return answer;
    };
  }

  @Test
  void aRejectionWhoseResultExistsIsSuccessWithoutSendingAgain() {
    String got =
        Idempotent.ensure(
            transport,
            "create x",
            send(rejected(MlflowException.Kind.INVALID)),
            lookup(Optional.of("theirs")));
    assertEquals("theirs", got);
    assertEquals(1, sends);
    assertEquals(1, lookups);
  }

  @Test
  void aRejectionWhoseResultIsAbsentIsSentOnceMore() {
    String got =
        Idempotent.ensure(
            transport,
            "create x",
            send(rejected(MlflowException.Kind.ALREADY_EXISTS), "ours"),
            lookup(Optional.empty()));
    assertEquals("ours", got);
    assertEquals(2, sends);
  }

  @Test
  void aSecondRejectionWithTheResultStillAbsentIsTheAnswer() {
    MlflowException second = rejected(MlflowException.Kind.INVALID);
    MlflowException e =
        assertThrows(
            MlflowException.class,
            () ->
                Idempotent.ensure(
                    transport,
                    "create x",
                    send(rejected(MlflowException.Kind.CONFLICT), second),
                    lookup(Optional.empty())));
    assertSame(second, e);
    assertEquals(2, sends);
    assertEquals(2, lookups);
  }

  @Test
  void failuresNoConcurrentWriterCanCauseAreRaisedWithoutALookUp() {
    for (MlflowException.Kind kind :
        List.of(
            MlflowException.Kind.PERMISSION_DENIED,
            MlflowException.Kind.UNAUTHENTICATED,
            MlflowException.Kind.NOT_FOUND,
            MlflowException.Kind.UNAVAILABLE)) {
      MlflowException failure = new MlflowException(kind, 0, null, "no");
      assertSame(
          failure,
          assertThrows(
              MlflowException.class,
              () ->
                  Idempotent.ensure(
                      transport, "create x", send(failure), lookup(Optional.of("x")))));
    }
    assertEquals(0, lookups);
  }

  @Test
  void aLookUpThatFailsAfterARejectionSaysSoAndKeepsTheRejection() {
    MlflowException rejection = rejected(MlflowException.Kind.INVALID);
    MlflowException e =
        assertThrows(
            MlflowException.class,
            () ->
                Idempotent.ensure(
                    transport,
                    "runs/log-inputs for run r",
                    send(rejection),
                    () -> {
                      throw new MlflowException(
                          MlflowException.Kind.UNAVAILABLE, 503, null, "server down");
                    }));
    assertEquals(MlflowException.Kind.UNAVAILABLE, e.kind());
    assertEquals(
        "runs/log-inputs for run r was refused and the look-up for its result failed: server"
            + " down",
        e.message());
    assertSame(rejection, e.getSuppressed()[0]);
  }
}
