package dev.smileflow.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smileflow.bundle.BundleException.Code;
import dev.smileflow.bundle.testing.TestBundles;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import smile.classification.RandomForest;
import smile.data.DataFrame;
import smile.data.formula.Formula;
import smile.data.vector.DoubleVector;
import smile.data.vector.IntVector;
import smile.data.vector.ValueVector;

class BundleLoadingTest {
  @TempDir Path dir;

  /** Stands in for a gadget: counts how often its deserialization hook ran. */
  static final class Tripwire implements Serializable {
    @Serial private static final long serialVersionUID = 1L;
    static final AtomicInteger TRIGGERED = new AtomicInteger();

    @Serial
    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      TRIGGERED.incrementAndGet();
      in.defaultReadObject();
    }
  }

  @BeforeEach
  void writeBundle() throws IOException {
    TestBundles.writeIris(dir, "logistic");
    Tripwire.TRIGGERED.set(0);
  }

  private BundleException refused(Code code) {
    var e = assertThrows(BundleException.class, () -> ModelBundle.load(dir));
    assertEquals(code, e.code(), e.getMessage());
    return e;
  }

  @Test
  void intactBundleLoads() throws Exception {
    assertEquals("Iris-setosa", ModelBundle.load(dir).predict(TestBundles.setosa()).label());
  }

  @Test
  void flippedModelByteIsAChecksumMismatch() throws IOException {
    TestBundles.flipModelByte(dir);
    var e = refused(Code.CHECKSUM_MISMATCH);
    assertEquals(dir.resolve("model.ser"), e.file());
    assertTrue(
        e.getMessage().startsWith(dir.resolve("model.ser") + ": SHA-256 is "), e.getMessage());
  }

  @Test
  void tamperedPayloadIsNeverDeserialized() throws IOException {
    // A tripwire re-signed in bundle.json, then one byte flipped: the checksum must stop it before
    // the stream is even opened (the allow-list would stop it too, so count readObject calls).
    TestBundles.smuggleModel(dir, new Tripwire());
    byte[] model = Files.readAllBytes(dir.resolve("model.ser"));
    model[model.length - 1] ^= 1;
    Files.write(dir.resolve("model.ser"), model);
    refused(Code.CHECKSUM_MISMATCH);
    assertEquals(0, Tripwire.TRIGGERED.get());
  }

  @Test
  void truncatedModelIsASizeMismatch() throws IOException {
    byte[] model = Files.readAllBytes(dir.resolve("model.ser"));
    Files.write(dir.resolve("model.ser"), Arrays.copyOf(model, model.length - 1));
    var e = refused(Code.CHECKSUM_MISMATCH);
    assertTrue(
        e.getMessage()
            .contains(
                "size is " + (model.length - 1) + " bytes but bundle.json says " + model.length),
        e.getMessage());
  }

  @Test
  void classOutsideTheAllowListIsRefusedAndNeverInstantiated() throws IOException {
    TestBundles.smuggleModel(dir, new Tripwire());
    var e = refused(Code.FORBIDDEN_CLASS);
    assertEquals(
        dir.resolve("model.ser")
            + ": class "
            + Tripwire.class.getName()
            + " is not on the deserialization allow-list",
        e.getMessage());
    assertEquals(0, Tripwire.TRIGGERED.get());
  }

  @Test
  void forbiddenClassNestedInsideAllowedCollectionIsRefused() throws IOException {
    var list = new ArrayList<Object>();
    list.add("harmless");
    list.add(new Tripwire());
    TestBundles.smuggleModel(dir, list);
    refused(Code.FORBIDDEN_CLASS);
    assertEquals(0, Tripwire.TRIGGERED.get());
  }

  @Test
  void jdkClassesOutsideTheAllowListAreRefused() throws IOException {
    TestBundles.smuggleModel(dir, new HashSet<>(List.of("a")));
    var e = refused(Code.FORBIDDEN_CLASS);
    assertTrue(
        e.getMessage()
            .endsWith("class java.util.HashSet is not on the deserialization allow-list"));
  }

  @Test
  void deeplyNestedPayloadExceedsTheDepthLimit() throws IOException {
    List<Object> outer = new ArrayList<>();
    List<Object> current = outer;
    for (int i = 0; i < 300; i++) {
      List<Object> next = new ArrayList<>();
      current.add(next);
      current = next;
    }
    TestBundles.smuggleModel(dir, (Serializable) outer);
    var e = refused(Code.LIMIT_EXCEEDED);
    assertTrue(e.getMessage().endsWith("object graph deeper than 100"), e.getMessage());
  }

  @Test
  void hugeArrayExceedsTheArrayLimit() throws IOException {
    TestBundles.smuggleModel(dir, new double[1000]);
    var limits = new ModelDeserializer.Limits(100, 1000, 999, 1 << 20);
    var e = assertThrows(BundleException.class, () -> ModelBundle.load(dir, limits));
    assertEquals(Code.LIMIT_EXCEEDED, e.code());
    assertTrue(e.getMessage().endsWith("array of 1000 elements (limit 999)"), e.getMessage());
  }

  @Test
  void modelFileLargerThanTheByteLimitIsNotRead() throws IOException {
    var limits = new ModelDeserializer.Limits(100, 1000, 1000, 16);
    var e = assertThrows(BundleException.class, () -> ModelBundle.load(dir, limits));
    assertEquals(Code.LIMIT_EXCEEDED, e.code());
  }

  @Test
  void allowedButNonClassifierObjectIsIncompatible() throws IOException {
    TestBundles.smuggleModel(dir, "just a string");
    var e = refused(Code.INCOMPATIBLE_MODEL);
    assertTrue(e.getMessage().endsWith("not a Smile classifier: java.lang.String"), e.getMessage());
  }

  @Test
  void garbageModelBytesWithMatchingChecksumAreIncompatible() throws IOException {
    TestBundles.replaceModelBytes(
        dir, "not a java serialization stream".getBytes(StandardCharsets.UTF_8));
    refused(Code.INCOMPATIBLE_MODEL);
  }

  @Test
  void classCountDifferentFromTheLabelsIsIncompatible() throws IOException {
    TestBundles.editDescriptor(dir, d -> d.putArray("class_labels").add("a").add("b"));
    var e = refused(Code.INCOMPATIBLE_MODEL);
    assertTrue(
        e.getMessage().endsWith("model has 3 classes but bundle.json names 2 labels"),
        e.getMessage());
  }

  @Test
  void missingModelFileIsNamed() throws IOException {
    TestBundles.deleteFile(dir, "model.ser");
    var e = refused(Code.MISSING_FILE);
    assertEquals(dir.resolve("model.ser") + ": file not found", e.getMessage());
  }

  @Test
  void missingDescriptorIsNamed() throws IOException {
    TestBundles.deleteFile(dir, "bundle.json");
    assertEquals(
        dir.resolve("bundle.json") + ": file not found", refused(Code.MISSING_FILE).getMessage());
  }

  @Test
  void missingInputExampleIsNamed() throws IOException {
    TestBundles.deleteFile(dir, "input_example.json");
    assertEquals(dir.resolve("input_example.json"), refused(Code.MISSING_FILE).file());
  }

  @Test
  void emptyDirectoryIsMissingTheDescriptor(@TempDir Path empty) {
    var e = assertThrows(BundleException.class, () -> ModelBundle.load(empty));
    assertEquals(Code.MISSING_FILE, e.code());
    assertEquals(empty.resolve("bundle.json"), e.file());
  }

  @Test
  void unknownFormatVersionIsUnsupported() throws IOException {
    TestBundles.setFormatVersion(dir, 3);
    var e = refused(Code.UNSUPPORTED_FORMAT);
    assertEquals(
        dir.resolve("bundle.json")
            + ": format version 3 is not supported (this release reads versions 1 to 2)",
        e.getMessage());
  }

  @Test
  void garbageDescriptorIsCorrupt() throws IOException {
    TestBundles.writeGarbageDescriptor(dir);
    var e = refused(Code.CORRUPT_DESCRIPTOR);
    assertTrue(
        e.getMessage().startsWith(dir.resolve("bundle.json") + ": not valid JSON"), e.getMessage());
  }

  @Test
  void descriptorMissingAFieldNamesTheField() throws IOException {
    TestBundles.editDescriptor(dir, d -> d.remove("label_column"));
    assertEquals(
        dir.resolve("bundle.json") + ": label_column is missing",
        refused(Code.CORRUPT_DESCRIPTOR).getMessage());
  }

  @Test
  void descriptorWithInvalidValuesIsCorrupt() throws IOException {
    TestBundles.editDescriptor(dir, d -> d.put("model_sha256", "xyz"));
    assertEquals(
        dir.resolve("bundle.json") + ": modelSha256 must be 64 lowercase hex digits",
        refused(Code.CORRUPT_DESCRIPTOR).getMessage());
  }

  @Test
  void descriptorWithoutFormatVersionIsCorrupt() throws IOException {
    TestBundles.editDescriptor(dir, d -> d.remove("format_version"));
    refused(Code.CORRUPT_DESCRIPTOR);
  }

  @Test
  void inputExampleThatNoLongerFitsFailsTheWarmUp() throws IOException {
    Files.writeString(dir.resolve("input_example.json"), "{\"sepal_length\": 5.1}");
    var e = refused(Code.WARMUP_FAILED);
    assertEquals(dir.resolve("input_example.json"), e.file());
    assertTrue(e.getMessage().contains("sepal_width: field required"), e.getMessage());
  }

  /** A forest trained on columns named a..d: it cannot bind the encoded Iris names. */
  private static Object misnamedForest() {
    double[][] x = TestBundles.encodedIris();
    List<ValueVector> columns = new ArrayList<>();
    for (int j = 0; j < 4; j++) {
      double[] column = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        column[i] = x[i][j];
      }
      columns.add(new DoubleVector(String.valueOf((char) ('a' + j)), column));
    }
    columns.add(new IntVector("species", TestBundles.iris().y()));
    return RandomForest.fit(
        Formula.lhs("species"),
        new DataFrame(columns.toArray(ValueVector[]::new)),
        new RandomForest.Options(5));
  }

  @Test
  void modelThatCannotPredictFailsTheWarmUpNotTheFirstRequest() throws IOException {
    TestBundles.smuggleModel(dir, (Serializable) misnamedForest());
    var e = refused(Code.WARMUP_FAILED);
    assertEquals(dir.resolve("input_example.json"), e.file());
    assertTrue(e.getMessage().contains("warm-up prediction failed"), e.getMessage());
  }

  @Test
  void writeRefusesAModelThatCannotPredictTheExample(@TempDir Path other) {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                ModelBundle.write(
                    other,
                    misnamedForest(),
                    TestBundles.irisDescriptor("random_forest"),
                    TestBundles.setosa(),
                    mlmodel -> mlmodel));
    assertTrue(
        String.valueOf(e.getMessage()).startsWith("model cannot predict the input example"),
        e.getMessage());
  }
}
