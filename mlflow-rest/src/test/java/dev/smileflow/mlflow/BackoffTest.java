package dev.smileflow.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {

  final Backoff backoff =
      new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), new SplittableRandom(42));

  @Test
  void delayDoublesPerRetryWithinHalfToFullOfTheExponentialValue() {
    for (int retry = 1; retry <= 5; retry++) {
      long full = 1000L << (retry - 1);
      for (int i = 0; i < 200; i++) {
        long ms = backoff.delay(retry, null).toMillis();
        assertTrue(ms >= full / 2 && ms <= full, "retry " + retry + ": " + ms);
      }
    }
  }

  @Test
  void delayIsCappedAtThirtySecondsEvenForHugeRetryNumbers() {
    for (int retry : new int[] {6, 10, 63, 1000}) {
      Duration d = backoff.delay(retry, null);
      assertTrue(
          d.compareTo(Duration.ofSeconds(30)) <= 0 && d.compareTo(Duration.ofSeconds(15)) >= 0,
          retry + ": " + d);
    }
  }

  @Test
  void jitterSpreadsTheDelays() {
    long min = Long.MAX_VALUE;
    long max = 0;
    for (int i = 0; i < 200; i++) {
      long ms = backoff.delay(3, null).toMillis();
      min = Math.min(min, ms);
      max = Math.max(max, ms);
    }
    assertTrue(max - min > 1000, "spread " + (max - min));
  }

  @Test
  void retryAfterIsHonouredButBounded() {
    assertEquals(Duration.ofSeconds(7), backoff.delay(1, Duration.ofSeconds(7)));
    assertEquals(Backoff.MAX_RETRY_AFTER, backoff.delay(1, Duration.ofHours(1)));
  }

  @Test
  void retryAfterParsesSecondsAndHttpDates() {
    Instant now = Instant.parse("2026-11-23T10:00:00Z");
    assertEquals(Optional.of(Duration.ofSeconds(3)), Backoff.parseRetryAfter("3", now));
    assertEquals(
        Optional.of(Duration.ofSeconds(90)),
        Backoff.parseRetryAfter("Mon, 23 Nov 2026 10:01:30 GMT", now));
    assertEquals(
        Optional.of(Duration.ZERO), Backoff.parseRetryAfter("Mon, 23 Nov 2026 09:00:00 GMT", now));
    assertEquals(Optional.empty(), Backoff.parseRetryAfter("soon", now));
    assertEquals(Optional.empty(), Backoff.parseRetryAfter(null, now));
    assertEquals(Optional.empty(), Backoff.parseRetryAfter("-5", now));
  }
}
