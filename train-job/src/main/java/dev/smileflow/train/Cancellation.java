package dev.smileflow.train;

import java.util.concurrent.atomic.AtomicBoolean;

/** Set by the shutdown hook on SIGINT/SIGTERM; the job checks it between steps. */
final class Cancellation {
  private final AtomicBoolean cancelled = new AtomicBoolean();

  void cancel() {
    cancelled.set(true);
  }

  boolean isCancelled() {
    return cancelled.get() || Thread.currentThread().isInterrupted();
  }

  /** Throws {@link JobInterruptedException} when cancelled or the thread was interrupted. */
  void check(String step) {
    if (isCancelled()) {
      throw new JobInterruptedException("interrupted during " + step);
    }
  }
}
