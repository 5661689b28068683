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
    ObjectNode root = JSON.createObjectNode();
    root.put("format_version", d.formatVersion());
    root.put("algorithm", d.algorithm());
    ObjectNode hp = root.putObject("hyperparameters");
    d.hyperparameters().forEach(hp::put);
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
        }
        case Feature.Categorical c -> {
          node.put("type", "categorical");
          ArrayNode levels = node.putArray("levels");
          c.levels().forEach(levels::add);
        }
      }
      if (d.formatVersion() >= 2) {
        switch (f) {
          case Feature.Numeric n -> node.put("fill", n.fill());
          case Feature.Categorical c -> {
            node.put("other_bucket", c.otherBucket());
            node.put("fill", c.fill());
          }
        }
      }
    }
    if (d.formatVersion() >= 2) {
      ArrayNode ignored = root.putArray("ignored_inputs");
      d.ignoredInputs().forEach(ignored::add);
    }
    root.put("label_column", d.labelColumn());
    ArrayNode labels = root.putArray("class_labels");
    d.classLabels().forEach(labels::add);
    ObjectNode metrics = root.putObject("metrics");
    d.metrics().forEach(metrics::put);
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
      var r = new Reader();
      List<Feature> features = new ArrayList<>();
      for (JsonNode f : r.array(root, "features")) {
        var fr = new Reader();
        String name = fr.text(f, "name");
        String type = fr.text(f, "type");
        features.add(
            switch (type) {
              case "numeric" ->
                  new Feature.Numeric(
                      name,
                      fr.number(f, "min"),
                      fr.number(f, "max"),
                      fr.number(f, "mean"),
                      fr.number(f, "std"),
                      v2 ? fr.optionalNumber(f, "fill") : null);
              case "categorical" ->
                  new Feature.Categorical(
                      name,
                      fr.texts(f, "levels"),
                      v2 && fr.bool(f, "other_bucket"),
                      v2 ? fr.optionalText(f, "fill") : null);
              default ->
                  throw new IllegalArgumentException(
                      "feature " + name + ": unknown type '" + type + "'");
            });
      }
      Map<String, String> hyperparameters = new LinkedHashMap<>();
      r.object(root, "hyperparameters")
          .properties()
          .forEach(e -> {
            if (!e.getValue().isTextual()) {
              throw new IllegalArgumentException(
                  "hyperparameter " + e.getKey() + " is not a string");
            }
            hyperparameters.put(e.getKey(), e.getValue().textValue());
          });
      Map<String, Double> metrics = new LinkedHashMap<>();
      r.object(root, "metrics")
          .properties()
          .forEach(e -> {
            if (!e.getValue().isNumber()) {
              throw new IllegalArgumentException("metric " + e.getKey() + " is not a number");
            }
            metrics.put(e.getKey(), e.getValue().doubleValue());
          });
      Instant createdAt;
      try {
        createdAt = Instant.parse(r.text(root, "created_at"));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("created_at is not an ISO-8601 instant");
      }
      return new BundleDescriptor(
          formatVersion,
          r.text(root, "algorithm"),
          hyperparameters,
          features,
          v2 && root.has("ignored_inputs") ? r.texts(root, "ignored_inputs") : List.of(),
          r.text(root, "label_column"),
          r.texts(root, "class_labels"),
          metrics,
          r.text(root, "data_digest"),
          r.integer(root, "training_rows"),
          r.integer(root, "seed"),
          r.text(root, "smile_version"),
          r.text(root, "java_version"),
          createdAt,
          r.text(root, "model_sha256"),
          r.integer(root, "model_size_bytes"),
          v2 && root.hasNonNull("training_profile")
              ? readProfile(r.object(root, "training_profile"))
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
              ArrayNode quantiles = f.putArray("quantiles");
              n.quantiles().forEach(quantiles::add);
              ArrayNode edges = f.putArray("bin_edges");
              n.binEdges().forEach(edges::add);
              ArrayNode counts = f.putArray("bin_counts");
              n.binCounts().forEach(counts::add);
            }
            case TrainingProfile.Categorical c -> {
              f.put("type", "categorical");
              ObjectNode levels = f.putObject("levels");
              c.levels().forEach(levels::put);
            }
          }
        });
  }

  private static TrainingProfile readProfile(JsonNode node) {
    var r = new Reader();
    Map<String, TrainingProfile.FeatureProfile> features = new LinkedHashMap<>();
    for (var e : node.properties()) {
      String name = e.getKey();
      JsonNode f = e.getValue();
      String type = r.text(f, "type");
      long count = r.integer(f, "count");
      try {
        features.put(
            name,
            switch (type) {
              case "numeric" ->
                  new TrainingProfile.Numeric(
                      count,
                      r.numbers(f, "quantiles"),
                      r.numbers(f, "bin_edges"),
                      r.integers(f, "bin_counts"));
              case "categorical" -> {
                Map<String, Long> levels = new LinkedHashMap<>();
                for (var level : r.object(f, "levels").properties()) {
                  JsonNode n = level.getValue();
                  if (!n.canConvertToExactIntegral() || !n.canConvertToLong()) {
                    throw new IllegalArgumentException("level " + level.getKey() + " count");
                  }
                  levels.put(level.getKey(), n.longValue());
                }
                yield new TrainingProfile.Categorical(count, levels);
              }
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

  /** Typed access that names the missing or mistyped field. */
  private static final class Reader {
    /**
     * The field {@code name} of {@code node}; missing, null or not {@code what} is an error naming
     * it.
     */
    private JsonNode field(JsonNode node, String name, Predicate<JsonNode> is, String what) {
      JsonNode v = node.get(name);
      if (v == null || v.isNull()) {
        throw new IllegalArgumentException(name + " is missing");
      }
      if (!is.test(v)) {
        throw new IllegalArgumentException(name + " is not " + what);
      }
      return v;
    }

    String text(JsonNode node, String name) {
      return field(node, name, JsonNode::isTextual, "a string").textValue();
    }

    double number(JsonNode node, String name) {
      return field(node, name, JsonNode::isNumber, "a number").doubleValue();
    }

    boolean bool(JsonNode node, String name) {
      return field(node, name, JsonNode::isBoolean, "a boolean").booleanValue();
    }

    /** The number {@code name} of {@code node}, or null when it is absent or null. */
    @Nullable Double optionalNumber(JsonNode node, String name) {
      JsonNode v = node.get(name);
      return v == null || v.isNull() ? null : number(node, name);
    }

    /** The string {@code name} of {@code node}, or null when it is absent or null. */
    @Nullable String optionalText(JsonNode node, String name) {
      JsonNode v = node.get(name);
      return v == null || v.isNull() ? null : text(node, name);
    }

    long integer(JsonNode node, String name) {
      return field(
              node, name, v -> v.canConvertToExactIntegral() && v.canConvertToLong(), "an integer")
          .longValue();
    }

    JsonNode array(JsonNode node, String name) {
      return field(node, name, JsonNode::isArray, "an array");
    }

    JsonNode object(JsonNode node, String name) {
      return field(node, name, JsonNode::isObject, "an object");
    }

    List<Double> numbers(JsonNode node, String name) {
      List<Double> out = new ArrayList<>();
      for (JsonNode v : array(node, name)) {
        if (!v.isNumber()) {
          throw new IllegalArgumentException(name + " holds a non-number");
        }
        out.add(v.doubleValue());
      }
      return out;
    }

    List<Long> integers(JsonNode node, String name) {
      List<Long> out = new ArrayList<>();
      for (JsonNode v : array(node, name)) {
        if (!v.canConvertToExactIntegral() || !v.canConvertToLong()) {
          throw new IllegalArgumentException(name + " holds a non-integer");
        }
        out.add(v.longValue());
      }
      return out;
    }

    List<String> texts(JsonNode node, String name) {
      List<String> out = new ArrayList<>();
      for (JsonNode v : array(node, name)) {
        if (!v.isTextual()) {
          throw new IllegalArgumentException(name + " holds a non-string");
        }
        out.add(v.textValue());
      }
      return out;
    }
  }
}
