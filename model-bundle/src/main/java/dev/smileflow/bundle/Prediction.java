package dev.smileflow.bundle;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One prediction: the label, its probability, every class's probability in class order, and the
 * numeric fields that lay outside the range seen in training (the prediction is still made).
 */
public record Prediction(
    String label, double confidence, Map<String, Double> probabilities, List<String> outOfRange) {
  public Prediction {
    if (label.isBlank()) {
      throw new IllegalArgumentException("label must not be blank");
    }
    // Smile's posteriori can exceed 1 by rounding; anything further off is a bug.
    if (!(confidence >= 0.0 && confidence <= 1.0 + 1e-6)) {
      throw new IllegalArgumentException("confidence must be in [0, 1], got " + confidence);
    }
    probabilities = Collections.unmodifiableMap(new LinkedHashMap<>(probabilities));
    outOfRange = List.copyOf(outOfRange);
  }
}
