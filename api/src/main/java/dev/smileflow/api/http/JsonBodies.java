package dev.smileflow.api.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.smileflow.bundle.LoadedModel;
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Strict JSON in (never echoed back in errors) and response records out: the checks that only the
 * HTTP layer can make (content type, syntax, duplicate keys, nesting and size limits). Whether a
 * row's fields fit the model is model-bundle's call.
 */
public final class JsonBodies {
  private static final int MAX_NAME_SHOWN = 64;

  /**
   * The one mapper: it parses request bodies and, as Javalin's JSON mapper, writes the response
   * records, whose components it names in snake case ({@code modelVersion} is {@code
   * model_version}).
   */
  static final ObjectMapper MAPPER =
      // Buffers are pooled, not kept per thread: a virtual thread lives for one request only.
      JsonMapper.builder(
              JsonFactory.builder()
                  .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxNestingDepth(32)
                          .maxNumberLength(400)
                          .maxStringLength(100_000)
                          .build())
                  .build())
          // NaN and Infinity are parsed so the error can name the field instead of failing the
          // whole body.
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .build();

  private JsonBodies() {}

  /** Javalin's JSON mapper for the response records: {@link #MAPPER}. */
  public static JavalinJackson responses(boolean virtualThreads) {
    return new JavalinJackson(MAPPER, virtualThreads);
  }

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

  /**
   * The request body. One whose {@code Content-Length} is within {@code maxBytes} is read straight
   * into an array of that size; any other (chunked, or too large, which Javalin answers with 413)
   * goes through Javalin's reader, which copies through a new 8 KiB buffer on every call: on
   * virtual threads the largest allocation of a classify request.
   *
   * @throws IOException as Jetty reports a client that stalls or goes away mid-body; it reaches
   *     Javalin unwrapped, which answers a stalled body with 408 as it does for its own reader
   */
  static byte[] body(Context ctx, long maxBytes) throws IOException {
    long length = ctx.req().getContentLengthLong();
    if (length < 0 || length > maxBytes) {
      return ctx.bodyAsBytes();
    }
    return ctx.req().getInputStream().readNBytes((int) length);
  }

  /**
   * Parses a request body into plain Java values, as {@link LoadedModel#predict} takes them:
   * objects as maps in field order, arrays as lists, numbers as {@code Number} ({@code NaN}, {@code
   * Infinity} and {@code 1e999} as non-finite doubles, which model-bundle names), strings, booleans
   * and {@code null}. An empty or malformed body, a repeated field or trailing content is a 400
   * that says where, not what.
   */
  static @Nullable Object parse(byte[] body) {
    try (JsonParser p = MAPPER.createParser(body)) {
      if (p.nextToken() == null) {
        throw ApiException.validation("body: required (a JSON object)");
      }
      Object value = value(p);
      if (p.nextToken() != null) {
        throw invalid(p.currentTokenLocation());
      }
      return value;
    } catch (JsonProcessingException e) {
      throw invalid(e.getLocation());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ApiException invalid(@Nullable JsonLocation loc) {
    return ApiException.validation(
        "body: not valid JSON"
            + (loc == null
                ? ""
                : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")"));
  }

  /** The value at the parser's current token, read to its end. */
  private static @Nullable Object value(JsonParser p) throws IOException {
    return switch (p.currentToken()) {
      case START_OBJECT -> {
        Map<String, @Nullable Object> object = new LinkedHashMap<>();
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
          if (object.containsKey(name)) {
            throw ApiException.validation(shown(name) + ": duplicate field");
          }
          p.nextToken();
          object.put(name, value(p));
        }
        yield object;
      }
      case START_ARRAY -> {
        List<@Nullable Object> array = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          array.add(value(p));
        }
        yield array;
      }
      case VALUE_STRING -> p.getText();
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getNumberValue();
      case VALUE_TRUE -> true;
      case VALUE_FALSE -> false;
      case VALUE_NULL -> null;
      default -> throw invalid(p.currentTokenLocation());
    };
  }

  /** A client-given field name, cut to a readable length, for an error message. */
  static String shown(String name) {
    String clean = name.replaceAll("[\\p{Cntrl}]", "?");
    return clean.length() <= MAX_NAME_SHOWN ? clean : clean.substring(0, MAX_NAME_SHOWN) + "…";
  }

  /** What kind of JSON value {@code v} is, e.g. {@code an array}. */
  static String kind(@Nullable Object v) {
    return switch (v) {
      case null -> "null";
      case String _ -> "a string";
      case Number _ -> "a number";
      case Boolean _ -> "a boolean";
      case List<?> _ -> "an array";
      case Map<?, ?> _ -> "an object";
      default -> "an unsupported value";
    };
  }
}
