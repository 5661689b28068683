package dev.smileflow.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smileflow.bundle.testing.TestBundles;
import java.nio.file.Path;
import java.util.HashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checked-in format-version-1 bundle must load and predict forever. If this fails, the format
 * changed incompatibly: bump the format version and keep a reader for version 1.
 */
class FixtureV1Test {
  @TempDir Path dir;

  @Test
  void version1IrisLogisticBundleLoadsAndPredicts() throws Exception {
    LoadedModel m = ModelBundle.load(TestBundles.copyFixture("v1/iris-logistic", dir));
    assertEquals(1, m.descriptor().formatVersion());
    assertEquals("logistic", m.descriptor().algorithm());
    assertEquals(TestBundles.IRIS_LABELS, m.descriptor().classLabels());
    assertEquals("Iris-setosa", m.predict(TestBundles.setosa()).label());
    assertEquals("Iris-virginica", m.predict(TestBundles.virginica()).label());
    assertEquals("Iris-versicolor", m.predict(TestBundles.versicolor()).label());
    assertTrue(m.predict(TestBundles.setosa()).confidence() > 0.9);
  }

  @Test
  void version1FeaturesStayRequiredWithoutFillsOrBuckets() throws Exception {
    LoadedModel m = ModelBundle.load(TestBundles.copyFixture("v1/iris-logistic", dir));
    assertTrue(m.descriptor().features().stream().allMatch(Feature::required));
    var row = new HashMap<String, Object>(TestBundles.setosa());
    row.put("sepal_length", null);
    row.remove("petal_width");
    var e = assertThrows(InvalidInputException.class, () -> m.predict(row));
    assertEquals("sepal_length: must not be null; petal_width: field required", e.getMessage());
    assertTrue(
        TestBundles.readSignature(dir.resolve("MLmodel")).inputs().stream()
            .allMatch(MlModelFile.ColumnSpec::required));
  }

  @Test
  void version1FixtureSignatureNamesTheIrisFeatures() throws Exception {
    Path bundle = TestBundles.copyFixture("v1/iris-logistic", dir);
    assertEquals(
        TestBundles.IRIS_FEATURES,
        TestBundles.readSignature(bundle.resolve("MLmodel")).inputs().stream()
            .map(MlModelFile.ColumnSpec::name)
            .toList());
  }
}
