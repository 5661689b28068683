package dev.smileflow.api.monitor;

import dev.smileflow.api.metrics.ApiMetrics;
import dev.smileflow.bundle.LoadedModel;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Where served rows go after the response is computed: the {@link PredictionLog} (when {@code
 * PREDICTION_LOG_PATH} is set) and the {@link DriftMonitor}. Neither ever makes a request wait.
 */
public final class ServingMonitor {
  private final @Nullable PredictionLog log;
  private final DriftMonitor drift;

  ServingMonitor(@Nullable PredictionLog log, DriftMonitor drift) {
    this.log = log;
    this.drift = drift;
  }

  /**
   * Starts the drift thread and, with {@code logPath}, opens the prediction log.
   *
   * @param logPath {@code PREDICTION_LOG_PATH}, or null for no log
   */
  public static ServingMonitor start(
      @Nullable String logPath, double logSample, int driftWindow, ApiMetrics metrics) {
    DriftMonitor drift = new DriftMonitor(driftWindow, metrics);
    return new ServingMonitor(
        logPath == null ? null : PredictionLog.open(logPath, logSample, metrics), drift);
  }

  /** Hands one served row to the log and the drift window; never waits. */
  public void served(ServedRow row) {
    if (log != null) {
      log.served(row);
    }
    drift.served(row);
  }

  /** The drift measures of {@code model}'s latest served rows. */
  public DriftReport drift(LoadedModel model) {
    return drift.report(model);
  }

  /**
   * Stops both; the prediction log writes every row already queued and closes its file, waiting at
   * most {@code timeout}.
   */
  public void close(Duration timeout) {
    drift.close();
    if (log != null) {
      log.close(timeout);
    }
  }
}
