package dev.smileflow.bundle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/** Reads and writes {@code bundle.json} and {@code input_example.json}; strict on read. */
final class DescriptorJson {
  static final JsonMapper JSON =
      JsonMapper.builder()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .build();

  static {
    JSON.getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder().maxNestingDepth(32).maxStringLength(1_000_000).build());
  }

  private DescriptorJson() {}

  static byte[] write(BundleDescriptor d) {
    boolean v2 = d.formatVersion() >= 2;
    ObjectNode root = JSON.createObjectNode();
    root.put("format_version", d.formatVersion());
    root.put("algorithm", d.algorithm());
    root.set("hyperparameters", JSON.valueToTree(d.hyperparameters()));
    ArrayNode features = root.putArray("features");
    for (Feature f : d.features()) {
      ObjectNode node = features.addObject();
      node.put("name", f.name());
      switch (f) {
        case Feature.Numeric n -> {
          node.put("type", "numeric");
          node.put("min", n.min());
          node.put("max", n.max());
          node.put("mean", n.mean());
          node.put("std", n.std());
          if (v2) {
            node.put("fill", n.fill());
          }
        }
        case Feature.Categorical c -> {
          node.put("type", "categorical");
          node.set("levels", JSON.valueToTree(c.levels()));
          if (v2) {
            node.put("other_bucket", c.otherBucket());
            node.put("fill", c.fill());
          }
        }
      }
    }
    if (v2) {
      root.set("ignored_inputs", JSON.valueToTree(d.ignoredInputs()));
    }
    root.put("label_column", d.labelColumn());
    root.set("class_labels", JSON.valueToTree(d.classLabels()));
    root.set("metrics", JSON.valueToTree(d.metrics()));
    root.put("data_digest", d.dataDigest());
    root.put("training_rows", d.trainingRows());
    root.put("seed", d.seed());
    root.put("smile_version", d.smileVersion());
    root.put("java_version", d.javaVersion());
    root.put("created_at", d.createdAt().toString());
    root.put("model_sha256", d.modelSha256());
    root.put("model_size_bytes", d.modelSizeBytes());
    TrainingProfile profile = d.trainingProfile();
    if (profile != null) {
      writeProfile(root.putObject("training_profile"), profile);
    }
    try {
      return JSON.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize a descriptor", e);
    }
  }

  static BundleDescriptor read(byte[] bytes, Path file) throws BundleException {
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (IOException e) {
      throw new BundleException(
          BundleException.Code.CORRUPT_DESCRIPTOR, file, "not valid JSON (" + problem(e) + ")");
    }
    if (root == null || !root.isObject()) {
      throw corrupt(file, "not a JSON object");
    }
    JsonNode version = root.get("format_version");
    if (version == null || !version.canConvertToExactIntegral() || !version.canConvertToInt()) {
      throw corrupt(file, "format_version is missing or not an integer");
    }
    int formatVersion = version.intValue();
    if (formatVersion < BundleDescriptor.OLDEST_FORMAT_VERSION
        || formatVersion > BundleDescriptor.FORMAT_VERSION) {
      throw new BundleException(
          BundleException.Code.UNSUPPORTED_FORMAT,
          file,
          "format version "
              + formatVersion
              + " is not supported (this release reads versions "
              + BundleDescriptor.OLDEST_FORMAT_VERSION
              + " to "
              + BundleDescriptor.FORMAT_VERSION
              + ")");
    }
    // Version 1 has neither fills nor other buckets: every field required, every level a column.
    boolean v2 = formatVersion >= 2;
    try {
      List<Feature> features = new ArrayList<>();
      for (JsonNode f : array(root, "features")) {
        String name = text(f, "name");
        String type = text(f, "type");
        features.add(
            switch (type) {
              case "numeric" ->
                  new Feature.Numeric(
                      name,
                      number(f, "min"),
                      number(f, "max"),
                      number(f, "mean"),
                      number(f, "std"),
                      v2 ? optional(f, "fill", DescriptorJson::number) : null);
              case "categorical" ->
                  new Feature.Categorical(
                      name,
                      texts(f, "levels"),
                      v2 && bool(f, "other_bucket"),
                      v2 ? optional(f, "fill", DescriptorJson::text) : null);
              default ->
                  throw new IllegalArgumentException(
                      "feature " + name + ": unknown type '" + type + "'");
            });
      }
      Map<String, String> hyperparameters =
          map(
              root,
              "hyperparameters",
              "hyperparameter",
              JsonNode::isTextual,
              "a string",
              JsonNode::textValue);
      Map<String, Double> metrics =
          map(root, "metrics", "metric", JsonNode::isNumber, "a number", JsonNode::doubleValue);
      Instant createdAt;
      try {
        createdAt = Instant.parse(text(root, "created_at"));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("created_at is not an ISO-8601 instant");
      }
      return new BundleDescriptor(
          formatVersion,
          text(root, "algorithm"),
          hyperparameters,
          features,
          v2 && root.has("ignored_inputs") ? texts(root, "ignored_inputs") : List.of(),
          text(root, "label_column"),
          texts(root, "class_labels"),
          metrics,
          text(root, "data_digest"),
          integer(root, "training_rows"),
          integer(root, "seed"),
          text(root, "smile_version"),
          text(root, "java_version"),
          createdAt,
          text(root, "model_sha256"),
          integer(root, "model_size_bytes"),
          v2 && root.hasNonNull("training_profile")
              ? readProfile(object(root, "training_profile"))
              : null);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw corrupt(file, e.getMessage());
    }
  }

  private static void writeProfile(ObjectNode node, TrainingProfile profile) {
    profile
        .features()
        .forEach((name, p) -> {
          ObjectNode f = node.putObject(name);
          f.put("count", p.count());
          switch (p) {
            case TrainingProfile.Numeric n -> {
              f.put("type", "numeric");
              f.set("quantiles", JSON.valueToTree(n.quantiles()));
              f.set("bin_edges", JSON.valueToTree(n.binEdges()));
              f.set("bin_counts", JSON.valueToTree(n.binCounts()));
            }
            case TrainingProfile.Categorical c -> {
              f.put("type", "categorical");
              f.set("levels", JSON.valueToTree(c.levels()));
            }
          }
        });
  }

  private static TrainingProfile readProfile(JsonNode node) {
    Map<String, TrainingProfile.FeatureProfile> features = new LinkedHashMap<>();
    for (var e : node.properties()) {
      String name = e.getKey();
      JsonNode f = e.getValue();
      String type = text(f, "type");
      long count = integer(f, "count");
      try {
        features.put(
            name,
            switch (type) {
              case "numeric" ->
                  new TrainingProfile.Numeric(
                      count,
                      list(f, "quantiles", JsonNode::isNumber, "number", JsonNode::doubleValue),
                      list(f, "bin_edges", JsonNode::isNumber, "number", JsonNode::doubleValue),
                      list(
                          f, "bin_counts", DescriptorJson::isLong, "integer", JsonNode::longValue));
              case "categorical" ->
                  new TrainingProfile.Categorical(
                      count,
                      map(
                          f,
                          "levels",
                          "level",
                          DescriptorJson::isLong,
                          "a count",
                          JsonNode::longValue));
              default -> throw new IllegalArgumentException("unknown type '" + type + "'");
            });
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException("training_profile." + name + ": " + ex.getMessage(), ex);
      }
    }
    return new TrainingProfile(features);
  }

  static byte[] writeRow(List<Feature> features, Map<String, ?> row) {
    ObjectNode node = JSON.createObjectNode();
    for (Feature f : features) {
      Object value = row.get(f.name());
      switch (value) {
        case Number n -> node.put(f.name(), n.doubleValue());
        case String s -> node.put(f.name(), s);
        case null, default ->
            throw new IllegalArgumentException(
                "input example field " + f.name() + " must be a number or a string");
      }
    }
    try {
      return JSON.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize an input example", e);
    }
  }

  static byte[] writeServingInput(byte[] inputExample) {
    try {
      ObjectNode node = JSON.createObjectNode();
      node.set("inputs", JSON.readTree(inputExample));
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialize a serving input example", e);
    }
  }

  static Map<String, Object> readRow(byte[] bytes, Path file) throws BundleException {
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (IOException e) {
      throw corrupt(file, "not valid JSON (" + problem(e) + ")");
    }
    if (root == null || !root.isObject()) {
      throw corrupt(file, "not a JSON object");
    }
    Map<String, Object> row = new LinkedHashMap<>();
    for (var e : root.properties()) {
      JsonNode v = e.getValue();
      if (v.isNumber()) {
        row.put(e.getKey(), v.doubleValue());
      } else if (v.isTextual()) {
        row.put(e.getKey(), v.textValue());
      } else {
        throw corrupt(file, "field " + e.getKey() + " is neither a number nor a string");
      }
    }
    return row;
  }

  private static String problem(IOException e) {
    return e instanceof JsonProcessingException j
        ? j.getOriginalMessage()
        : e.getClass().getSimpleName();
  }

  private static BundleException corrupt(Path file, @Nullable String problem) {
    return new BundleException(
        BundleException.Code.CORRUPT_DESCRIPTOR,
        file,
        problem == null ? "invalid descriptor" : problem);
  }

  /**
   * The field {@code name} of {@code node}; missing, null or not {@code what} is an error naming
   * it.
   */
  private static JsonNode field(JsonNode node, String name, Predicate<JsonNode> is, String what) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException(name + " is missing");
    }
    if (!is.test(v)) {
      throw new IllegalArgumentException(name + " is not " + what);
    }
    return v;
  }

  private static String text(JsonNode node, String name) {
    return field(node, name, JsonNode::isTextual, "a string").textValue();
  }

  private static double number(JsonNode node, String name) {
    return field(node, name, JsonNode::isNumber, "a number").doubleValue();
  }

  private static boolean bool(JsonNode node, String name) {
    return field(node, name, JsonNode::isBoolean, "a boolean").booleanValue();
  }

  private static long integer(JsonNode node, String name) {
    return field(node, name, DescriptorJson::isLong, "an integer").longValue();
  }

  private static boolean isLong(JsonNode v) {
    return v.canConvertToExactIntegral() && v.canConvertToLong();
  }

  private static JsonNode array(JsonNode node, String name) {
    return field(node, name, JsonNode::isArray, "an array");
  }

  private static JsonNode object(JsonNode node, String name) {
    return field(node, name, JsonNode::isObject, "an object");
  }

  /** The field {@code name} read by {@code read}, or null when it is absent or null. */
  private static <T> @Nullable T optional(
      JsonNode node, String name, BiFunction<JsonNode, String, T> read) {
    JsonNode v = node.get(name);
    return v == null || v.isNull() ? null : read.apply(node, name);
  }

  private static List<String> texts(JsonNode node, String name) {
    return list(node, name, JsonNode::isTextual, "string", JsonNode::textValue);
  }

  /** The array {@code name} of {@code node}, each element {@code is} (else "holds a non-what"). */
  private static <T> List<T> list(
      JsonNode node,
      String name,
      Predicate<JsonNode> is,
      String what,
      Function<JsonNode, T> value) {
    List<T> out = new ArrayList<>();
    for (JsonNode v : array(node, name)) {
      if (!is.test(v)) {
        throw new IllegalArgumentException(name + " holds a non-" + what);
      }
      out.add(value.apply(v));
    }
    return out;
  }

  /** The object {@code name} of {@code node} as a map, in file order; each value {@code is}. */
  private static <T> Map<String, T> map(
      JsonNode node,
      String name,
      String entry,
      Predicate<JsonNode> is,
      String what,
      Function<JsonNode, T> value) {
    Map<String, T> out = new LinkedHashMap<>();
    for (var e : object(node, name).properties()) {
      if (!is.test(e.getValue())) {
        throw new IllegalArgumentException(entry + " " + e.getKey() + " is not " + what);
      }
      out.put(e.getKey(), value.apply(e.getValue()));
    }
    return out;
  }
}
