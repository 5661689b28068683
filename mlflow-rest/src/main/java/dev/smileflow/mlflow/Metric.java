package dev.smileflow.mlflow;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One metric value. NaN and infinities are allowed (sent as MLflow's {@code "NaN"}/{@code
 * "Infinity"} strings).
 *
 * @param timestamp milliseconds since the epoch
 * @param modelId optional LoggedModel the value belongs to (MLflow 3)
 */
public record Metric(
    String key,
    double value,
    long timestamp,
    long step,
    @Nullable String datasetName,
    @Nullable String datasetDigest,
    @Nullable String modelId,
    @Nullable String runId) {

  public Metric {
    Objects.requireNonNull(key, "key");
    if (key.isEmpty()) {
      throw new IllegalArgumentException("metric key must not be empty");
    }
    if (timestamp < 0) {
      throw new IllegalArgumentException("metric " + key + ": timestamp must not be negative");
    }
  }

  /** A plain run metric. */
  public static Metric of(String key, double value, long timestampMillis, long step) {
    return new Metric(key, value, timestampMillis, step, null, null, null, null);
  }

  /** This metric attributed to a LoggedModel (shown with the model in MLflow 3). */
  public Metric withModelId(String newModelId) {
    return new Metric(key, value, timestamp, step, datasetName, datasetDigest, newModelId, runId);
  }
}
