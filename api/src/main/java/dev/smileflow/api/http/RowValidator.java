package dev.smileflow.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smileflow.api.model.FieldProblem;
import dev.smileflow.api.model.InputField;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks one JSON row against the model's signature: every input present, nothing unknown, numbers
 * finite, categories among their levels. Values are matched by name, never by position, and are
 * never echoed back in messages.
 */
final class RowValidator {
  private static final int MAX_NAME_SHOWN = 64;

  /**
   * A checked row.
   *
   * @param values the row for the model ({@code Double} or {@code String} by field)
   * @param outOfRange numeric fields outside their training range, in signature order
   */
  record Row(Map<String, Object> values, List<String> outOfRange) {}

  private RowValidator() {}

  /**
   * Checks {@code node}; appends problems (field names prefixed with {@code prefix}) and returns
   * the row, which is only meaningful when no problem was added.
   */
  static Row check(
      List<InputField> inputs, JsonNode node, String prefix, List<FieldProblem> problems) {
    String where = prefix.isEmpty() ? "body" : prefix.substring(0, prefix.length() - 1);
    if (!node.isObject()) {
      problems.add(
          new FieldProblem(where, "must be a JSON object of input fields, got " + kind(node)));
      return new Row(Map.of(), List.of());
    }
    Map<String, Object> values = new LinkedHashMap<>();
    List<String> outOfRange = new ArrayList<>();
    Set<String> known = new HashSet<>();
    for (InputField field : inputs) {
      known.add(field.name());
      JsonNode v = node.get(field.name());
      String name = prefix + field.name();
      if (v == null || v.isMissingNode()) {
        problems.add(new FieldProblem(name, "field required"));
        continue;
      }
      if (v.isNull()) {
        problems.add(new FieldProblem(name, "must not be null"));
        continue;
      }
      switch (field) {
        case InputField.Numeric n -> {
          if (!v.isNumber()) {
            problems.add(new FieldProblem(name, "must be a number, got " + kind(v)));
          } else if (!Double.isFinite(v.doubleValue())) {
            problems.add(new FieldProblem(name, "must be a finite number (within double range)"));
          } else {
            double d = v.doubleValue();
            values.put(field.name(), d);
            if (n.outOfRange(d)) {
              outOfRange.add(field.name());
            }
          }
        }
        case InputField.Categorical c -> {
          if (!v.isTextual()) {
            problems.add(
                new FieldProblem(
                    name, "must be a string, one of " + c.levels() + ", got " + kind(v)));
          } else if (!c.levels().contains(v.textValue())) {
            problems.add(new FieldProblem(name, "unknown level, must be one of " + c.levels()));
          } else {
            values.put(field.name(), v.textValue());
          }
        }
      }
    }
    for (var it = node.fieldNames(); it.hasNext(); ) {
      String given = it.next();
      if (!known.contains(given)) {
        problems.add(
            new FieldProblem(
                prefix + shown(given),
                "unknown field (expected " + inputs.stream().map(InputField::name).toList() + ")"));
      }
    }
    return new Row(values, outOfRange);
  }

  private static String shown(String name) {
    String clean = name.replaceAll("[\\p{Cntrl}]", "?");
    return clean.length() <= MAX_NAME_SHOWN ? clean : clean.substring(0, MAX_NAME_SHOWN) + "…";
  }

  static String kind(JsonNode v) {
    return switch (v.getNodeType()) {
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      case NULL -> "null";
      default -> "an unsupported value";
    };
  }
}
