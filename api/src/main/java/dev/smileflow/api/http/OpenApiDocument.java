package dev.smileflow.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smileflow.api.model.ServedModel;
import dev.smileflow.bundle.BundleDescriptor;
import dev.smileflow.bundle.Feature;
import dev.smileflow.bundle.Features;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The OpenAPI 3.1 document at {@code /openapi.json}: the hand-written {@code openapi.json} resource
 * (routes, envelopes, statuses) with the request schema of a row generated from the loaded model's
 * features, so the document accepts exactly what the service accepts. {@link InfoRoutes} renders it
 * once per loaded model, never per request.
 */
public final class OpenApiDocument {
  private final ObjectNode template;

  /**
   * @param maxBatchRows {@code MAX_BATCH_ROWS}, the batch's {@code maxItems}
   * @param apiKeyRequired whether {@code API_KEY} is set: then {@code /v1/*} declares the key as
   *     required; otherwise no operation declares any security
   */
  public OpenApiDocument(int maxBatchRows, boolean apiKeyRequired) {
    ObjectNode doc = resource();
    ((ObjectNode) doc.at("/components/schemas/BatchRequest/properties/rows"))
        .put("maxItems", maxBatchRows);
    doc.get("paths")
        .forEach(path ->
            path.forEach(operation -> {
              if (operation.has("security")) {
                if (apiKeyRequired) {
                  ((ObjectNode) operation).putArray("security").addObject().putArray("apiKey");
                } else {
                  ((ObjectNode) operation).remove("security");
                }
              }
            }));
    this.template = doc;
  }

  private static ObjectNode resource() {
    try {
      return (ObjectNode) JsonBodies.MAPPER.readTree(InfoRoutes.resource("openapi.json"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Fails unless the document describes exactly {@code routes}: every method and path the service
   * serves, and no other.
   */
  public void requireDescribes(List<Route> routes) {
    Set<String> documented = new TreeSet<>();
    template
        .get("paths")
        .properties()
        .forEach(p ->
            p.getValue()
                .fieldNames()
                .forEachRemaining(
                    m -> documented.add(m.toUpperCase(Locale.ROOT) + " " + p.getKey())));
    Set<String> served = new TreeSet<>();
    routes.forEach(r -> served.add(r.method().name() + " " + r.path()));
    if (!documented.equals(served)) {
      throw new IllegalStateException(
          "openapi.json documents " + documented + " but the service serves " + served);
    }
  }

  /** The document for {@code model}, or the model-independent one while none is loaded. */
  byte[] render(@Nullable ServedModel model) {
    ObjectNode doc = template.deepCopy();
    if (model != null) {
      BundleDescriptor d = model.model().descriptor();
      ObjectNode info = (ObjectNode) doc.get("info");
      info.put(
          "description",
          info.get("description").asText()
              + " This document describes the loaded model, "
              + model.name()
              + " version "
              + model.version()
              + ", and changes when another version is loaded.");
      info.putObject("x-model").put("name", model.name()).put("version", model.version());
      ((ObjectNode) doc.at("/components/schemas"))
          .set("Row", rowSchema(d.features(), d.ignoredInputs(), model.model().inputExample()));
    }
    try {
      return JsonBodies.MAPPER.writeValueAsBytes(doc);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize the OpenAPI document", e);
    }
  }

  /**
   * The schema of one row: an object with exactly the model's fields, each {@link #fieldSchema
   * described by its feature}, required unless the model imputes it, plus the training columns the
   * model ignores (accepted, any value, never used); no others allowed.
   */
  static ObjectNode rowSchema(
      List<Feature> features, List<String> ignored, Map<String, Object> example) {
    ObjectNode row = JsonBodies.MAPPER.createObjectNode();
    row.put("type", "object");
    row.put(
        "description",
        "One row: the loaded model's input fields by name. Missing required fields, unknown fields"
            + " and null values of required fields are rejected.");
    ArrayNode required = row.putArray("required");
    ObjectNode properties = row.putObject("properties");
    for (Feature f : features) {
      properties.set(f.name(), fieldSchema(f));
      if (f.required()) {
        required.add(f.name());
      }
    }
    for (String name : ignored) {
      properties
          .putObject(name)
          .put("description", "A training column the model ignores: accepted and not used.");
    }
    row.put("additionalProperties", false);
    row.set("example", JsonBodies.MAPPER.valueToTree(example));
    return row;
  }

  /** The schema of one field: what {@link Features#encode} accepts for it. */
  static ObjectNode fieldSchema(Feature feature) {
    ObjectNode s = JsonBodies.MAPPER.createObjectNode();
    switch (feature) {
      case Feature.Numeric n -> {
        s.put("type", "number");
        s.put(
            "description",
            "Training range ["
                + n.min()
                + ", "
                + n.max()
                + "]; values outside it are accepted (and listed in out_of_range when"
                + " FLAG_OUT_OF_RANGE=true) up to "
                + Features.MAX_STANDARD_DEVIATIONS
                + " training standard deviations from the mean.");
        s.put("minimum", Features.lowestAccepted(n));
        s.put("maximum", Features.highestAccepted(n));
        s.put("x-training-minimum", n.min());
        s.put("x-training-maximum", n.max());
      }
      case Feature.Categorical c -> {
        s.put("type", "string");
        s.put(
            "description",
            c.otherBucket()
                ? "Any string: the levels seen in training keep their own column, every other value"
                    + " goes to the model's 'other' bucket."
                : "One of the levels seen in training.");
        ArrayNode levels = s.putArray(c.otherBucket() ? "examples" : "enum");
        c.levels().forEach(levels::add);
      }
    }
    if (feature.fill() != null) {
      // null or absent takes the fill: OpenAPI 3.1 (JSON Schema) spells "may be null" as a type.
      String type = s.path("type").asText();
      s.putArray("type").add(type).add("null");
      s.put(
          "description",
          s.path("description").asText() + " Optional: null or absent takes the training fill.");
    }
    return s;
  }
}
