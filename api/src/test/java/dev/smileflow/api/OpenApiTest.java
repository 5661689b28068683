package dev.smileflow.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smileflow.api.model.ModelFetcher;
import dev.smileflow.api.model.ModelSource;
import dev.smileflow.api.model.ServedModel;
import dev.smileflow.bundle.testing.TestBundles;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /openapi.json} tells the truth about the loaded model, and every 405 has an Allow. */
class OpenApiTest {
  private static final List<String> IRIS =
      List.of("sepal_length", "sepal_width", "petal_length", "petal_width");

  @TempDir Path dir;

  private static ServedModel load(Path bundle) {
    return new ModelFetcher(new ModelSource.LocalDirectory(bundle), null, null, Clock.systemUTC())
        .loadLocal();
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  @Test
  void rowSchemaIsTheLoadedModelsFieldsAllRequiredAndNoOthers() throws Exception {
    Path bundle = TestBundles.writeIris(dir.resolve("iris-logistic"), "logistic");
    try (var api = RunningApi.start(Map.of("MODEL_URI", bundle.toString()))) {
      api.holder.swap(load(bundle));
      JsonNode row = api.get("/openapi.json").json().at("/components/schemas/Row");
      assertEquals("object", row.get("type").asText());
      assertFalse(row.get("additionalProperties").asBoolean(), row.toString());
      assertEquals(IRIS, texts(row.get("required")));
      assertEquals(new TreeSet<>(IRIS), names(row.get("properties")));
      JsonNode sepal = row.at("/properties/sepal_length");
      assertEquals("number", sepal.get("type").asText());
      assertEquals(4.3, sepal.get("x-training-minimum").asDouble(), 1e-9);
      assertEquals(7.9, sepal.get("x-training-maximum").asDouble(), 1e-9);
      assertEquals(names(row.get("properties")), names(row.get("example")));
      // What the schema calls invalid the service rejects, and its own example it accepts.
      assertEquals(400, api.postJson("/v1/classify", "{}").status());
      assertEquals(400, api.postJson("/v1/classify/batch", "{\"rows\": [{}]}").status());
      assertEquals(200, api.postJson("/v1/classify", row.get("example").toString()).status());
    }
  }

  @Test
  void batchSchemaCarriesTheConfiguredRowLimit() {
    try (var api = RunningApi.start(Map.of("MODEL_URI", dir.toString(), "MAX_BATCH_ROWS", "7"))) {
      JsonNode rows =
          api.get("/openapi.json").json().at("/components/schemas/BatchRequest/properties/rows");
      assertEquals(7, rows.get("maxItems").asInt());
      assertEquals(1, rows.get("minItems").asInt());
    }
  }

  @Test
  void documentFollowsASwapAndIsReusedBetweenSwaps() throws Exception {
    Path first = TestBundles.writeIris(dir.resolve("iris-logistic"), "logistic");
    Path second = TestBundles.writeIris(dir.resolve("iris-tree"), "decision_tree");
    try (var api = RunningApi.start(Map.of("MODEL_URI", first.toString()))) {
      JsonNode none = api.get("/openapi.json").json();
      assertFalse(none.path("info").has("x-model"), "no model loaded yet");
      api.holder.swap(load(first));
      var before = api.get("/openapi.json");
      assertEquals("iris-logistic", before.json().at("/info/x-model/name").asText());
      assertEquals(before.body(), api.get("/openapi.json").body());
      api.holder.swap(load(second));
      JsonNode after = api.get("/openapi.json").json();
      assertEquals("iris-tree", after.at("/info/x-model/name").asText());
      assertTrue(after.at("/info/description").asText().contains("iris-tree version local"));
    }
  }

  @Test
  void securityIsDeclaredExactlyWhenAnApiKeyIsRequired() {
    try (var open = RunningApi.start(Map.of("MODEL_URI", dir.toString()));
        var keyed =
            RunningApi.start(Map.of("MODEL_URI", dir.toString(), "API_KEY", "0123456789abcdef"))) {
      JsonNode openClassify = open.get("/openapi.json").json().at("/paths/~1v1~1classify/post");
      assertFalse(openClassify.has("security"), openClassify.toString());
      JsonNode keyedClassify = keyed.get("/openapi.json").json().at("/paths/~1v1~1classify/post");
      assertEquals("[{\"apiKey\":[]}]", keyedClassify.get("security").toString());
      assertEquals(401, keyed.postJson("/v1/classify", "{}").status());
    }
  }

  @Test
  void everyWrongMethodIsA405NamingTheAllowedMethods() {
    try (var api = RunningApi.start(Map.of("MODEL_URI", dir.toString()))) {
      JsonNode paths = api.get("/openapi.json").json().get("paths");
      Map<String, Set<String>> byPath = new TreeMap<>();
      paths
          .properties()
          .forEach(p -> {
            Set<String> methods = new TreeSet<>();
            p.getValue().fieldNames().forEachRemaining(m -> methods.add(m.toUpperCase()));
            byPath.put(p.getKey(), methods);
          });
      assertEquals(8, byPath.size(), byPath.toString());
      byPath.forEach((path, methods) -> {
        for (String wrong : List.of("GET", "POST", "PUT", "PATCH", "DELETE")) {
          if (methods.contains(wrong)) {
            continue;
          }
          var r =
              api.send(
                  HttpRequest.newBuilder(api.uri(path))
                      .method(wrong, HttpRequest.BodyPublishers.noBody()));
          assertEquals(405, r.status(), wrong + " " + path);
          assertEquals(
              String.join(", ", new TreeSet<>(methods)),
              r.headers().firstValue("Allow").orElse("(none)"),
              wrong + " " + path);
        }
      });
    }
  }

  private static Set<String> names(JsonNode object) {
    Set<String> out = new TreeSet<>();
    object.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
