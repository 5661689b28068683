package dev.smileflow.api.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smileflow.bundle.Feature;
import dev.smileflow.bundle.Features;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one function from a model feature to the JSON schema of its field. */
class OpenApiDocumentTest {

  @Test
  void aCategoricalFieldIsAStringLimitedToItsLevels() {
    ObjectNode s =
        OpenApiDocument.fieldSchema(
            new Feature.Categorical("island", List.of("Biscoe", "Dream"), false, null));
    assertEquals("string", s.get("type").asText());
    assertEquals("[\"Biscoe\",\"Dream\"]", s.get("enum").toString());
  }

  @Test
  void aNumericFieldCarriesItsTrainingRangeAndIsBoundedOnlyWhereTheServiceRejects() {
    var mass = new Feature.Numeric("mass", 2700, 6300, 4200, 800, null);
    ObjectNode s = OpenApiDocument.fieldSchema(mass);
    assertEquals("number", s.get("type").asText());
    assertEquals(2700, s.get("x-training-minimum").asDouble());
    assertEquals(6300, s.get("x-training-maximum").asDouble());
    // Out-of-range values are served (and flagged); only what encode rejects is outside the schema.
    assertEquals(Features.lowestAccepted(mass), s.get("minimum").asDouble());
    assertEquals(Features.highestAccepted(mass), s.get("maximum").asDouble());
  }

  @Test
  void aRowRequiresEveryFieldInModelOrderAndAllowsNoOthers() {
    ObjectNode row =
        OpenApiDocument.rowSchema(
            List.of(
                new Feature.Numeric("mass", 1, 2, 1.5, 0.5, null),
                new Feature.Categorical("island", List.of("Biscoe"), false, null)),
            List.of(),
            Map.of("mass", 1.5, "island", "Biscoe"));
    assertEquals("[\"mass\",\"island\"]", row.get("required").toString());
    assertEquals("string", row.at("/properties/island/type").asText());
    assertFalse(row.get("additionalProperties").asBoolean());
    assertEquals(1.5, row.at("/example/mass").asDouble());
  }

  @Test
  void imputedFieldsAreOptionalAndNullableBucketedOnesTakeAnyStringAndIgnoredColumnsAreAllowed() {
    ObjectNode row =
        OpenApiDocument.rowSchema(
            List.of(
                new Feature.Numeric("mass", 1, 2, 1.5, 0.5, 1.5),
                new Feature.Categorical("island", List.of("Biscoe", "Dream"), true, "Biscoe"),
                new Feature.Categorical("sex", List.of("female", "male"), false, null)),
            List.of("Sample Number"),
            Map.of("mass", 1.5, "island", "Biscoe", "sex", "male"));
    assertEquals("[\"sex\"]", row.get("required").toString());
    assertEquals("[\"number\",\"null\"]", row.at("/properties/mass/type").toString());
    assertTrue(row.at("/properties/island/enum").isMissingNode(), "any island is accepted");
    assertEquals("[\"female\",\"male\"]", row.at("/properties/sex/enum").toString());
    assertFalse(row.at("/properties/Sample Number").isMissingNode(), "ignored columns are allowed");
    assertFalse(row.get("additionalProperties").asBoolean());
  }

  @Test
  void theDocumentMustDescribeExactlyTheRouteTable() {
    var doc = new OpenApiDocument(10, false);
    Handler none = ctx -> {};
    List<Route> served =
        List.of(
            new Route(HandlerType.POST, "/v1/classify", "ApiClassify", none),
            new Route(HandlerType.POST, "/v1/classify/batch", "ApiClassifyBatch", none),
            new Route(HandlerType.GET, "/v1/model", "ApiModel", none),
            new Route(HandlerType.GET, "/health/live", "ApiHealth", none),
            new Route(HandlerType.GET, "/health/ready", "ApiHealth", none),
            new Route(HandlerType.GET, "/metrics", "ApiMetrics", none),
            new Route(HandlerType.GET, "/openapi.json", "ApiDocs", none),
            new Route(HandlerType.GET, "/docs", "ApiDocs", none));
    doc.requireDescribes(served);
    assertThrows(
        IllegalStateException.class, () -> doc.requireDescribes(served.subList(1, served.size())));
    List<Route> extra = new ArrayList<>(served);
    extra.add(new Route(HandlerType.DELETE, "/v1/model", "ApiModel", none));
    assertThrows(IllegalStateException.class, () -> doc.requireDescribes(extra));
  }
}
