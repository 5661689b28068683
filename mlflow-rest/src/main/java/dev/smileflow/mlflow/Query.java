package dev.smileflow.mlflow;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, String> p : params) {
      sb.append(sb.isEmpty() ? "" : "&")
          .append(encode(p.getKey()))
          .append('=')
          .append(encode(p.getValue()));
    }
    return sb.toString();
  }

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
