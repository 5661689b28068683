package dev.smileflow.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.smileflow.bundle.testing.TestBundles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.ValueSource;

class ModelBundleTest {
  static final List<String> ALGORITHMS = TestBundles.ALGORITHMS;

  @TempDir Path dir;

  @ParameterizedTest
  @FieldSource("ALGORITHMS")
  void reloadedModelPredictsExactlyAsTheTrainedOne(String algorithm) throws Exception {
    Object model = TestBundles.trainIris(algorithm);
    BundleDescriptor written =
        ModelBundle.write(
            dir,
            model,
            TestBundles.irisDescriptor(algorithm),
            TestBundles.setosa(),
            mlmodel -> mlmodel);
    LoadedModel loaded = ModelBundle.load(dir);

    Predictor original = Predictor.of(model, Features.encodedNames(TestBundles.irisFeatures()));
    List<Map<String, Object>> rows = TestBundles.iris().rows();
    int correct = 0;
    int[] y = TestBundles.iris().y();
    for (int i = 0; i < rows.size(); i++) {
      double[] expected = new double[3];
      int label =
          original.predict(Features.encode(TestBundles.irisFeatures(), rows.get(i)), expected);
      Prediction p = loaded.predict(rows.get(i));
      assertEquals(TestBundles.IRIS_LABELS.get(label), p.label(), "row " + i);
      assertArrayEquals(
          expected, p.probabilities().values().stream().mapToDouble(Double::doubleValue).toArray());
      assertEquals(expected[label], p.confidence());
      if (label == y[i]) {
        correct++;
      }
    }
    assertTrue(correct >= 140, algorithm + " fits Iris: " + correct + "/150");
    assertEquals(written, loaded.descriptor());
  }

  @Test
  void writeProducesEveryBundleFileAndReturnsTheChecksum() throws Exception {
    BundleDescriptor written = TestBundles.writeIrisBundle(dir, "logistic");
    try (Stream<Path> listed = Files.list(dir)) {
      assertEquals(
          Set.of(
              "MLmodel",
              "bundle.json",
              "model.ser",
              "input_example.json",
              "serving_input_example.json"),
          listed.map(f -> f.getFileName().toString()).collect(Collectors.toSet()),
          "every bundle file, no temp files left");
    }
    byte[] model = Files.readAllBytes(dir.resolve("model.ser"));
    assertEquals(ModelBundle.sha256(model), written.modelSha256());
    assertEquals(model.length, written.modelSizeBytes());
  }

  @Test
  void exampleFilesHoldTheRowByFeatureName() throws Exception {
    TestBundles.writeIris(dir, "logistic");
    var json = JsonMapper.builder().build();
    JsonNode example = json.readTree(dir.resolve("input_example.json").toFile());
    assertEquals(
        List.of("sepal_length", "sepal_width", "petal_length", "petal_width"),
        example.properties().stream().map(Map.Entry::getKey).toList());
    assertEquals(5.1, example.get("sepal_length").doubleValue());
    JsonNode serving = json.readTree(dir.resolve("serving_input_example.json").toFile());
    assertEquals(example, serving.get("inputs"));
  }

  @Test
  void descriptorJsonIsTheSameWhateverTheMapOrder() throws Exception {
    Map<String, Double> a = new LinkedHashMap<>();
    a.put("zeta", 1.0);
    a.put("accuracy", 0.5);
    Map<String, Double> b = new LinkedHashMap<>();
    b.put("accuracy", 0.5);
    b.put("zeta", 1.0);
    byte[] first = DescriptorJson.write(withMetrics(a));
    assertArrayEquals(first, DescriptorJson.write(withMetrics(b)));
    String text = new String(first, StandardCharsets.UTF_8);
    assertTrue(text.indexOf("\"accuracy\"") < text.indexOf("\"zeta\""), text);
  }

  private static BundleDescriptor withMetrics(Map<String, Double> metrics) {
    return BundleDescriptor.of(
        "logistic",
        Map.of(),
        TestBundles.irisFeatures(),
        TestBundles.IRIS_LABEL_COLUMN,
        TestBundles.IRIS_LABELS,
        metrics,
        "iris",
        150,
        1,
        Instant.EPOCH);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void descriptorSurvivesJsonRoundTripIncludingCategoricalFeatures(int version) throws Exception {
    var features =
        List.<Feature>of(
            new Feature.Numeric("size", 0, 10, 4.5, 2.25, null),
            new Feature.Categorical("colour", List.of("red", "green"), false, null));
    assertEquals(descriptor(version, features), roundTrip(descriptor(version, features)));
  }

  @Test
  void fillsAndOtherBucketsSurviveJsonRoundTrip() throws Exception {
    var features =
        List.<Feature>of(
            new Feature.Numeric("size", 0, 10, 4.5, 2.25, 4.0),
            new Feature.Numeric("weight", 0, 10, 4.5, 2.25, null),
            new Feature.Categorical("colour", List.of("red", "green"), true, "red"),
            new Feature.Categorical("shape", List.of("round"), false, null));
    BundleDescriptor d = descriptor(2, features);
    assertEquals(d, roundTrip(d));
    String json = new String(DescriptorJson.write(d), StandardCharsets.UTF_8);
    assertTrue(json.contains("\"other_bucket\" : true"), json);
    assertTrue(json.contains("\"fill\" : 4.0"), json);
  }

  @Test
  void ignoredInputsSurviveJsonRoundTripAndMayNotNameAFeatureOrTheLabel() throws Exception {
    BundleDescriptor d =
        descriptor(2, TestBundles.irisFeatures()).withIgnoredInputs(List.of("id", "Date Egg"));
    assertEquals(d, roundTrip(d));
    assertEquals(List.of("id", "Date Egg"), roundTrip(d).ignoredInputs());
    assertThrows(
        IllegalArgumentException.class,
        () -> descriptor(2, TestBundles.irisFeatures()).withIgnoredInputs(List.of("sepal_width")));
    assertThrows(
        IllegalArgumentException.class,
        () -> descriptor(2, TestBundles.irisFeatures()).withIgnoredInputs(List.of("y")));
    assertThrows(
        IllegalArgumentException.class,
        () -> descriptor(1, TestBundles.irisFeatures()).withIgnoredInputs(List.of("id")));
  }

  @Test
  void aRowCarryingAnIgnoredColumnIsServedAsWithoutItButAnUnknownOneIsStillRefused()
      throws Exception {
    Object model = TestBundles.trainIris("logistic");
    BundleDescriptor descriptor =
        TestBundles.irisDescriptor("logistic").withIgnoredInputs(List.of("plant_id"));
    ModelBundle.write(dir, model, descriptor, TestBundles.setosa(), mlmodel -> mlmodel);
    LoadedModel loaded = ModelBundle.load(dir);
    assertEquals(List.of("plant_id"), loaded.descriptor().ignoredInputs());

    Map<String, Object> withId = new LinkedHashMap<>(TestBundles.virginica());
    withId.put("plant_id", "P-0042");
    assertEquals(loaded.predict(TestBundles.virginica()), loaded.predict(withId));
    assertEquals(
        loaded.predictAll(List.of(TestBundles.virginica())), loaded.predictAll(List.of(withId)));

    withId.put("plant_colour", "green");
    InvalidInputException e =
        assertThrows(InvalidInputException.class, () -> loaded.predict(withId));
    assertEquals("plant_colour: unknown field", e.getMessage());
  }

  @Test
  void version2CategoricalWithoutOtherBucketFlagIsCorrupt() throws Exception {
    BundleDescriptor d =
        descriptor(
            2, List.of(new Feature.Categorical("colour", List.of("red", "green"), false, null)));
    String json =
        new String(DescriptorJson.write(d), StandardCharsets.UTF_8)
            .replace("\"other_bucket\" : false,", "");
    var e =
        assertThrows(
            BundleException.class,
            () -> DescriptorJson.read(json.getBytes(StandardCharsets.UTF_8), dir));
    assertEquals(BundleException.Code.CORRUPT_DESCRIPTOR, e.code());
    assertTrue(e.getMessage().endsWith("other_bucket is missing"), e.getMessage());
  }

  private BundleDescriptor roundTrip(BundleDescriptor d) throws BundleException {
    return DescriptorJson.read(DescriptorJson.write(d), dir.resolve("bundle.json"));
  }

  private static BundleDescriptor descriptor(int version, List<Feature> features) {
    return new BundleDescriptor(
        version,
        "svm",
        Map.of("smile.svm.C", "10"),
        features,
        List.of(),
        "y",
        List.of("no", "yes"),
        Map.of("accuracy", 0.91),
        "abcd1234",
        99,
        -7,
        "6.3.0",
        "25.0.3",
        Instant.parse("2026-02-03T04:05:06.789Z"),
        "f".repeat(64),
        1234,
        null);
  }

  @Test
  void writeRefusesAModelWhoseClassCountDiffersFromTheLabels() {
    BundleDescriptor twoLabels =
        BundleDescriptor.of(
            "logistic",
            Map.of(),
            TestBundles.irisFeatures(),
            "species",
            List.of("a", "b"),
            Map.of(),
            "digest",
            150,
            1,
            Instant.EPOCH);
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ModelBundle.write(
                    dir,
                    TestBundles.trainIris("logistic"),
                    twoLabels,
                    TestBundles.setosa(),
                    mlmodel -> mlmodel));
    assertEquals("model has 3 classes but the descriptor names 2 labels", e.getMessage());
  }

  @Test
  void writeRefusesAnInvalidInputExample() {
    Map<String, Object> bad = TestBundles.setosa();
    bad.remove("petal_width");
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ModelBundle.write(
                    dir,
                    TestBundles.trainIris("logistic"),
                    TestBundles.irisDescriptor("logistic"),
                    bad,
                    mlmodel -> mlmodel));
    assertEquals(
        "input example does not fit the features: petal_width: field required", e.getMessage());
  }

  @Test
  void predictionsCarryLabelsInClassOrderAndFlagOutOfRangeFields() throws Exception {
    LoadedModel m = ModelBundle.load(TestBundles.writeIris(dir, "logistic"));
    Prediction p = m.predict(TestBundles.row(8.5, 2.6, 6.9, 2.3));
    assertEquals("Iris-virginica", p.label());
    assertEquals(TestBundles.IRIS_LABELS, List.copyOf(p.probabilities().keySet()));
    assertEquals(List.of("sepal_length"), p.outOfRange());
    assertEquals(List.of(), m.predict(TestBundles.setosa()).outOfRange());
  }

  @Test
  void invalidRowsAreRejectedAtPredictWithEveryProblem() throws Exception {
    LoadedModel m = ModelBundle.load(TestBundles.writeIris(dir, "logistic"));
    Map<String, Object> row = TestBundles.setosa();
    row.remove("sepal_length");
    row.put("petal_width", Double.NaN);
    row.put("colour", "red");
    var e = assertThrows(InvalidInputException.class, () -> m.predict(row));
    assertEquals(
        "sepal_length: field required; petal_width: must be a finite number; colour: unknown field",
        e.getMessage());
  }

  @Test
  void batchPredictionPrefixesProblemsWithTheRowIndex() throws Exception {
    LoadedModel m = ModelBundle.load(TestBundles.writeIris(dir, "logistic"));
    Map<String, Object> bad = TestBundles.virginica();
    bad.put("sepal_width", "wide");
    var e =
        assertThrows(
            InvalidInputException.class, () -> m.predictAll(List.of(TestBundles.setosa(), bad)));
    assertEquals(
        List.of(new FieldError("[1].sepal_width", "must be a number (got string)")), e.errors());
    List<Prediction> ok = m.predictAll(List.of(TestBundles.setosa(), TestBundles.virginica()));
    assertEquals(
        List.of("Iris-setosa", "Iris-virginica"), ok.stream().map(Prediction::label).toList());
  }
}
