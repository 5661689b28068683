package dev.smileflow.api.http;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Strict JSON in (never echoed back in errors) and envelope JSON out: the checks that only the HTTP
 * layer can make (content type, syntax, duplicate keys, nesting and size limits). Whether a row's
 * fields fit the model is model-bundle's call.
 */
final class JsonBodies {
  private static final int MAX_NAME_SHOWN = 64;

  static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          // NaN and Infinity are parsed so the error can name the field instead of failing the
          // whole body.
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  static {
    MAPPER
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(32)
                .maxNumberLength(400)
                .maxStringLength(100_000)
                .build());
  }

  private JsonBodies() {}

  /** Rejects anything but {@code application/json} (any parameters allowed) with a 415. */
  static void requireJson(Context ctx) {
    String type = ctx.contentType();
    String mime = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    if (!mime.equals("application/json")) {
      throw new ApiException(
          ApiException.Kind.UNSUPPORTED_MEDIA_TYPE,
          "Content-Type: must be application/json, got "
              + (type == null ? "none" : "'" + mime + "'"));
    }
  }

  /** Parses a request body; an empty or malformed body is a 400 that says where, not what. */
  static JsonNode parse(byte[] body) {
    if (body.length == 0 || new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
      throw ApiException.validation("body: required (a JSON object)");
    }
    try {
      JsonNode node = MAPPER.readTree(body);
      if (node == null || node.isMissingNode()) {
        throw ApiException.validation("body: required (a JSON object)");
      }
      return node;
    } catch (JsonParseException e) {
      String dup = duplicateField(e);
      if (dup != null) {
        throw ApiException.validation(dup + ": duplicate field");
      }
      var loc = e.getLocation();
      throw ApiException.validation(
          "body: not valid JSON (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")");
    } catch (JsonProcessingException e) {
      var loc = e.getLocation();
      throw ApiException.validation(
          "body: not valid JSON"
              + (loc == null
                  ? ""
                  : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static @org.jspecify.annotations.Nullable String duplicateField(JsonParseException e) {
    String m = e.getOriginalMessage();
    String marker = "Duplicate field '";
    if (m != null && m.startsWith(marker)) {
      int end = m.indexOf('\'', marker.length());
      if (end > 0) {
        return m.substring(marker.length(), end);
      }
    }
    return null;
  }

  /**
   * A JSON object's fields as plain Java values, as {@link
   * dev.smileflow.bundle.LoadedModel#predict} takes them: numbers as {@code Number} ({@code NaN},
   * {@code Infinity} and {@code 1e999} as non-finite doubles, which model-bundle names), strings,
   * booleans, {@code null}, lists and maps.
   */
  static Map<String, Object> fields(JsonNode object) {
    Map<String, Object> row = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> field : object.properties()) {
      row.put(field.getKey(), value(field.getValue()));
    }
    return row;
  }

  /** One JSON value as a plain Java value (directly, without a round trip through tokens). */
  private static @org.jspecify.annotations.Nullable Object value(JsonNode v) {
    return switch (v.getNodeType()) {
      case NUMBER -> v.numberValue();
      case STRING -> v.textValue();
      case BOOLEAN -> v.booleanValue();
      case NULL, MISSING -> null;
      case OBJECT -> fields(v);
      case ARRAY -> {
        List<@org.jspecify.annotations.Nullable Object> list = new ArrayList<>(v.size());
        v.forEach(e -> list.add(value(e)));
        yield list;
      }
      default -> MAPPER.convertValue(v, Object.class);
    };
  }

  /** A client-given field name, cut to a readable length, for an error message. */
  static String shown(String name) {
    String clean = name.replaceAll("[\\p{Cntrl}]", "?");
    return clean.length() <= MAX_NAME_SHOWN ? clean : clean.substring(0, MAX_NAME_SHOWN) + "…";
  }

  /** What kind of JSON value {@code v} is, e.g. {@code an array}. */
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

  /** Writes {@code envelope} with {@code status}. */
  static void write(Context ctx, int status, Envelope envelope) {
    try {
      ctx.status(status).contentType("application/json").result(MAPPER.writeValueAsBytes(envelope));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize a response", e);
    }
  }
}
