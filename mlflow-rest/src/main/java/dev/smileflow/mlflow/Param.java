package dev.smileflow.mlflow;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A run or logged-model parameter. Params are write-once in MLflow: the same key with another value
 * is rejected.
 */
public record Param(String key, String value) {
  public Param {
    Objects.requireNonNull(key, "key");
    value = value == null ? "" : value;
    if (key.isEmpty()) {
      throw new IllegalArgumentException("param key must not be empty");
    }
  }

  /** Params from a map, in its iteration order. */
  public static List<Param> of(Map<String, String> params) {
    return params.entrySet().stream().map(e -> new Param(e.getKey(), e.getValue())).toList();
  }
}
