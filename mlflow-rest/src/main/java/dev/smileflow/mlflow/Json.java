package dev.smileflow.mlflow;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** The one Jackson mapper: snake_case names, unknown fields ignored, nulls omitted on write. */
final class Json {

  static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE)
          .defaultPropertyInclusion(
              JsonInclude.Value.construct(
                  JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
          .build();

  private Json() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /**
   * Reads {@code node.field} as {@code type}; a missing field is a protocol error naming the field.
   */
  static <T> T field(JsonNode node, String field, Class<T> type, String what) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw new MlflowException(
          MlflowException.Kind.PROTOCOL,
          200,
          null,
          "MLflow's answer to " + what + " has no '" + field + "' field");
    }
    return convert(value, type, what);
  }

  /** Reads the array {@code node.field} (absent means empty, as MLflow omits empty lists). */
  static <T> List<T> list(JsonNode node, String field, Class<T> type, String what) {
    List<T> out = new ArrayList<>();
    for (JsonNode element : node.path(field)) {
      out.add(convert(element, type, what));
    }
    return out;
  }

  static <T> T convert(JsonNode value, Class<T> type, String what) {
    try {
      return MAPPER.treeToValue(value, type);
    } catch (Exception e) {
      throw new MlflowException(
          MlflowException.Kind.PROTOCOL,
          200,
          null,
          "MLflow's answer to "
              + what
              + " does not fit "
              + type.getSimpleName()
              + ": "
              + e.getClass().getSimpleName(),
          e);
    }
  }

  static JsonNode tree(Object value) {
    return MAPPER.valueToTree(value);
  }
}
