package dev.smileflow.bundle;

import static java.util.Objects.requireNonNull;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smileflow.bundle.testing.TestBundles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingProfileTest {
  @TempDir Path dir;

  @Test
  void numericProfileKeepsQuantilesAndExactDecileCounts() {
    double[] values = IntStream.rangeClosed(1, 1000).mapToDouble(i -> i).toArray();
    var p = TrainingProfile.Numeric.of(values);
    assertEquals(1000, p.count());
    assertEquals(1.0, p.min());
    assertEquals(1000.0, p.max());
    assertEquals(TrainingProfile.QUANTILES, p.quantiles().size());
    assertEquals(500.0, p.quantiles().get(50), 1.0);
    assertEquals(9, p.binEdges().size());
    assertTrue(p.binCounts().stream().allMatch(c -> c >= 99 && c <= 101), p.binCounts().toString());
    assertEquals(1000L, p.binCounts().stream().mapToLong(Long::longValue).sum());
    assertEquals(0, p.bin(-5));
    assertEquals(9, p.bin(5000));
  }

  @Test
  void repeatedValuesGiveFewerBinsAndNoEmptyTopBin() {
    double[] years = new double[300];
    for (int i = 0; i < years.length; i++) {
      years[i] = 2007 + i % 3;
    }
    var p = TrainingProfile.Numeric.of(years);
    assertEquals(List.of(2007.0, 2008.0), p.binEdges());
    assertEquals(List.of(100L, 100L, 100L), p.binCounts());
  }

  @Test
  void categoricalProfileDropsLevelsNeverSeen() {
    var p = TrainingProfile.Categorical.of(Map.of("a", 3L, "b", 0L, "c", 1L));
    assertEquals(Map.of("a", 3L, "c", 1L), p.levels());
    assertEquals(4, p.count());
  }

  @Test
  void aProfileOfAFeatureTheModelDoesNotHaveIsRefused() {
    var profile =
        new TrainingProfile(Map.of("colour", TrainingProfile.Categorical.of(Map.of("red", 1L))));
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> TestBundles.irisDescriptor("logistic").withTrainingProfile(profile));
    assertEquals("training profile of colour: not a feature of the model", e.getMessage());
  }

  @Test
  void aWrittenBundleCarriesItsProfileAndLoadsItBack() throws Exception {
    TestBundles.writeIris(dir, "logistic");
    assertTrue(Files.readString(dir.resolve("bundle.json")).contains("\"training_profile\""));
    LoadedModel m = ModelBundle.load(dir);
    assertEquals(TestBundles.irisProfile(), m.descriptor().trainingProfile());
    TrainingProfile profile = requireNonNull(m.descriptor().trainingProfile());
    var sepal = (TrainingProfile.Numeric) requireNonNull(profile.features().get("sepal_length"));
    assertEquals(4.3, sepal.min());
    assertEquals(7.9, sepal.max());
    assertEquals(150, sepal.count());
  }

  @Test
  void aCorruptProfileIsRefusedNamingTheFeature() throws Exception {
    TestBundles.writeIris(dir, "logistic");
    TestBundles.editDescriptor(
        dir,
        d ->
            ((com.fasterxml.jackson.databind.node.ObjectNode)
                    d.get("training_profile").get("petal_width"))
                .put("count", 7));
    var e = assertThrows(BundleException.class, () -> ModelBundle.load(dir));
    assertEquals(BundleException.Code.CORRUPT_DESCRIPTOR, e.code());
    assertTrue(e.getMessage().contains("training_profile.petal_width: "), e.getMessage());
  }
}
