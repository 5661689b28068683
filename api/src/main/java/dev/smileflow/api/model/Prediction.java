package dev.smileflow.api.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One classification.
 *
 * @param label the predicted class label
 * @param confidence the posterior probability of {@code label}, in [0, 1]
 * @param probabilities every class label with its probability, in the model's class order
 */
public record Prediction(String label, double confidence, Map<String, Double> probabilities) {
  public Prediction {
    Objects.requireNonNull(label, "label");
    if (!(confidence >= 0.0 && confidence <= 1.0)) {
      throw new IllegalArgumentException("confidence out of [0,1]: " + confidence);
    }
    probabilities = Collections.unmodifiableMap(new LinkedHashMap<>(probabilities));
  }
}
