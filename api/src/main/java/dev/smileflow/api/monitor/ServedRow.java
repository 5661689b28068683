package dev.smileflow.api.monitor;

import dev.smileflow.bundle.LoadedModel;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One row the api classified for a client (warm-up traffic is never one): what the prediction log
 * writes and the drift window holds.
 *
 * @param model the model that classified it, whose training profile the row is compared with
 * @param features the row's fields as received (the parsed request, not copied: never modified)
 */
public record ServedRow(
    Instant time,
    String requestId,
    String modelName,
    String modelVersion,
    LoadedModel model,
    Map<String, ?> features,
    String predLabel,
    double predConfidence) {
  public ServedRow {
    Objects.requireNonNull(time);
    Objects.requireNonNull(requestId);
    Objects.requireNonNull(modelName);
    Objects.requireNonNull(modelVersion);
    Objects.requireNonNull(model);
    Objects.requireNonNull(features);
    Objects.requireNonNull(predLabel);
  }
}
