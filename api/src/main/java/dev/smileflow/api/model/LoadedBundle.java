package dev.smileflow.api.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A verified, deserialized model directory and what it says about itself.
 *
 * @param scorer the prediction function
 * @param inputs the signature's inputs, in order
 * @param classes the class labels, in order
 * @param algorithm the algorithm name recorded in the bundle
 * @param metrics the evaluation metrics recorded in the bundle
 * @param inputExample one valid row (used for the warm-up prediction)
 * @param sha256 the SHA-256 of the serialized model
 */
public record LoadedBundle(
    Scorer scorer,
    List<InputField> inputs,
    List<String> classes,
    String algorithm,
    Map<String, Double> metrics,
    Map<String, Object> inputExample,
    String sha256) {
  public LoadedBundle {
    Objects.requireNonNull(scorer, "scorer");
    inputs = List.copyOf(inputs);
    classes = List.copyOf(classes);
    Objects.requireNonNull(algorithm, "algorithm");
    metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    inputExample = Collections.unmodifiableMap(new LinkedHashMap<>(inputExample));
    Objects.requireNonNull(sha256, "sha256");
    if (inputs.isEmpty()) {
      throw new IllegalArgumentException("a model needs at least one input");
    }
  }
}
