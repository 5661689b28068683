package dev.smileflow.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.smileflow.bundle.testing.TestBundles;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BundleDescriptorTest {
  private static BundleDescriptor of(
      List<String> labels, Map<String, Double> metrics, String labelColumn) {
    return BundleDescriptor.of(
        "logistic",
        Map.of(),
        TestBundles.irisFeatures(),
        labelColumn,
        labels,
        metrics,
        "digest",
        150,
        7,
        Instant.EPOCH);
  }

  private static String refusal(Runnable r) {
    return String.valueOf(assertThrows(IllegalArgumentException.class, r::run).getMessage());
  }

  @Test
  void ofFillsFormatVersionLibraryVersionsAndNoChecksum() {
    BundleDescriptor d = of(TestBundles.IRIS_LABELS, Map.of(), "species");
    assertEquals(2, d.formatVersion());
    assertEquals("6.3.0", d.smileVersion());
    assertEquals(Runtime.version().toString(), d.javaVersion());
    assertNull(d.modelSha256());
    assertEquals(0, d.modelSizeBytes());
    assertEquals(
        List.of("sepal_length", "sepal_width", "petal_length", "petal_width"), d.encodedNames());
  }

  @Test
  void collectionsAreCopiedAndImmutable() {
    List<String> labels = new ArrayList<>(TestBundles.IRIS_LABELS);
    Map<String, Double> metrics = new HashMap<>(Map.of("accuracy", 0.9));
    BundleDescriptor d = of(labels, metrics, "species");
    labels.clear();
    metrics.clear();
    assertEquals(TestBundles.IRIS_LABELS, d.classLabels());
    assertEquals(Map.of("accuracy", 0.9), d.metrics());
    assertThrows(UnsupportedOperationException.class, () -> d.metrics().put("x", 1.0));
    assertThrows(UnsupportedOperationException.class, () -> d.classLabels().add("x"));
  }

  @Test
  void invalidDescriptorsAreRefusedWithTheReason() {
    assertEquals(
        "metric f1 must be finite, got NaN",
        refusal(() -> of(TestBundles.IRIS_LABELS, Map.of("f1", Double.NaN), "species")));
    assertEquals(
        "need at least 2 class labels, got 1",
        refusal(() -> of(List.of("only"), Map.of(), "species")));
    assertEquals(
        "duplicate class labels: [a, a]",
        refusal(() -> of(List.of("a", "a"), Map.of(), "species")));
    assertEquals(
        "label column petal_width is also a feature",
        refusal(() -> of(TestBundles.IRIS_LABELS, Map.of(), "petal_width")));
    BundleDescriptor d = of(TestBundles.IRIS_LABELS, Map.of(), "species");
    assertEquals(
        "modelSha256 must be 64 lowercase hex digits", refusal(() -> d.withModelFile("ABC", 3)));
    assertEquals(
        "modelSha256 and modelSizeBytes are set together (by ModelBundle.write)",
        refusal(() -> d.withModelFile("a".repeat(64), 0)));
  }

  private static BundleDescriptor withVersionAndFeatures(int version, List<Feature> features) {
    BundleDescriptor d = of(TestBundles.IRIS_LABELS, Map.of(), "species");
    return new BundleDescriptor(
        version,
        d.algorithm(),
        d.hyperparameters(),
        features,
        List.of(),
        d.labelColumn(),
        d.classLabels(),
        d.metrics(),
        d.dataDigest(),
        d.trainingRows(),
        d.seed(),
        d.smileVersion(),
        d.javaVersion(),
        d.createdAt(),
        null,
        0,
        null);
  }

  @Test
  void version1DescriptorsCanStillBeConstructedWithRequiredFeatures() {
    assertEquals(1, withVersionAndFeatures(1, TestBundles.irisFeatures()).formatVersion());
  }

  @Test
  void version1CannotCarryAFillOrAnOtherBucket() {
    assertEquals(
        "feature x: format version 1 has no imputation fill or other bucket",
        refusal(
            () -> withVersionAndFeatures(1, List.of(new Feature.Numeric("x", 0, 1, 0.5, 1, 0.5)))));
    assertEquals(
        "feature c: format version 1 has no imputation fill or other bucket",
        refusal(() ->
            withVersionAndFeatures(
                1, List.of(new Feature.Categorical("c", List.of("a"), true, null)))));
  }

  @Test
  void otherFormatVersionsCannotBeConstructed() {
    assertEquals(
        "unsupported format version 3 (this release supports 1 to 2)",
        refusal(() -> withVersionAndFeatures(3, TestBundles.irisFeatures())));
    assertEquals(
        "unsupported format version 0 (this release supports 1 to 2)",
        refusal(() -> withVersionAndFeatures(0, TestBundles.irisFeatures())));
  }
}
