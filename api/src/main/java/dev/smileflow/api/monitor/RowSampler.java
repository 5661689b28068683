package dev.smileflow.api.monitor;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Decides on the request thread, without a lock, which served rows the drift window takes: every
 * row while traffic stays under {@code perSecond} rows a second (a burst of up to one second's
 * worth at once), and above that one row per {@code 1 / perSecond} of time, the rows between them
 * left out. A generic cell rate algorithm on one atomic long: under heavy traffic most rows cost
 * one volatile read. Feeding the window every row cost the api a third of its throughput and five
 * times its p99 on 2 vCPU (docs/performance.md, "Serving monitor").
 */
final class RowSampler {
  private static final long SECOND = 1_000_000_000L;

  private final long interval;
  private final long tolerance;
  private final LongSupplier nanoClock;
  private final AtomicLong due;

  /**
   * @param perSecond the most rows a second taken under steady heavy traffic
   * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime})
   */
  RowSampler(int perSecond, LongSupplier nanoClock) {
    if (perSecond < 1) {
      throw new IllegalArgumentException("perSecond must be at least 1, got " + perSecond);
    }
    this.interval = SECOND / perSecond;
    this.tolerance = SECOND - interval;
    this.nanoClock = nanoClock;
    this.due = new AtomicLong(nanoClock.getAsLong());
  }

  /** Whether to take this row. */
  boolean take() {
    long now = nanoClock.getAsLong();
    long next = due.get();
    if (next - now > tolerance) {
      return false;
    }
    return due.compareAndSet(next, Math.max(next, now) + interval);
  }
}
