package dev.smileflow.api;

import java.time.Duration;
import java.util.function.Predicate;

/**
 * Waits for an observable condition (a response, a metric, a served version) with a deadline,
 * polling every 20 ms. Tests synchronise with the api this way, never by sleeping a fixed time.
 */
final class Await {
  private static final long POLL_MILLIS = 20;

  /** Something to observe; may fail while the condition is not met yet. */
  @FunctionalInterface
  interface Probe<T> {
    T get() throws Exception;
  }

  private Await() {}

  /**
   * The first value of {@code probe} that {@code done} accepts; fails naming {@code what} and the
   * last value seen when {@code timeout} passes first.
   */
  static <T> T until(String what, Duration timeout, Probe<T> probe, Predicate<T> done)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Object last = null;
    while (true) {
      try {
        T value = probe.get();
        if (done.test(value)) {
          return value;
        }
        last = value;
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          throw e;
        }
        last = e;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(what + ": not within " + timeout + "; last seen: " + last);
      }
      Thread.sleep(POLL_MILLIS);
    }
  }
}
