package dev.smileflow.mlflow;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A GET query string; repeated keys are repeated parameters, as MLflow expects for repeated fields.
 */
final class Query {

  private final List<Map.Entry<String, String>> params = new ArrayList<>();

  static Query of(String key, @Nullable Object value) {
    return new Query().add(key, value);
  }

  Query add(String key, @Nullable Object value) {
    if (value != null) {
      params.add(Map.entry(key, value.toString()));
    }
    return this;
  }

  Query addAll(String key, List<?> values) {
    for (Object v : values) {
      add(key, v);
    }
    return this;
  }

  String encoded() {
    return params.stream()
        .map(p -> encode(p.getKey()) + "=" + encode(p.getValue()))
        .collect(Collectors.joining("&"));
  }

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
