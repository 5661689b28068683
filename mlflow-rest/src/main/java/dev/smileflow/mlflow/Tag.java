package dev.smileflow.mlflow;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A key/value tag (experiment, run, logged model, registered model, model version or dataset input
 * tag).
 */
public record Tag(String key, String value) {
  public Tag {
    Objects.requireNonNull(key, "key");
    value = value == null ? "" : value;
    if (key.isEmpty()) {
      throw new IllegalArgumentException("tag key must not be empty");
    }
  }

  /** Tags from a map, in its iteration order. */
  public static List<Tag> of(Map<String, String> tags) {
    return tags.entrySet().stream().map(e -> new Tag(e.getKey(), e.getValue())).toList();
  }

  /** The tags as an ordered map (last value wins for duplicate keys). */
  public static Map<String, String> toMap(List<Tag> tags) {
    Map<String, String> m = new LinkedHashMap<>();
    tags.forEach(t -> m.put(t.key(), t.value()));
    return m;
  }
}
