package dev.smileflow.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.smileflow.bundle.testing.TestBundles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MlModelFileTest {
  @TempDir Path dir;

  private JsonNode yaml(Path file) throws Exception {
    return new YAMLMapper().readTree(file.toFile());
  }

  @Test
  void mlmodelHasTheSmileFlavorAndNoPythonFunction() throws Exception {
    BundleDescriptor w = TestBundles.writeIrisBundle(dir, "logistic");
    JsonNode root = yaml(dir.resolve("MLmodel"));
    JsonNode smile = root.get("flavors").get("smile");
    assertEquals(
        List.of("smile"),
        root.get("flavors").properties().stream().map(Map.Entry::getKey).toList());
    assertEquals("model.ser", smile.get("model_file").textValue());
    assertEquals("bundle.json", smile.get("descriptor_file").textValue());
    assertEquals(BundleDescriptor.FORMAT_VERSION, smile.get("format_version").intValue());
    assertEquals("6.3.0", smile.get("smile_version").textValue());
    assertEquals(Runtime.version().toString(), smile.get("java_version").textValue());
    assertEquals(w.modelSizeBytes(), root.get("model_size_bytes").longValue());
    JsonNode metadata = root.get("metadata");
    assertEquals(w.modelSha256(), metadata.get("model_sha256").textValue());
    assertEquals("logistic", metadata.get("algorithm").textValue());
    assertEquals("species", metadata.get("label_column").textValue());
    assertEquals(BundleDescriptor.FORMAT_VERSION, metadata.get("format_version").intValue());
    assertEquals(
        TestBundles.IRIS_LABELS,
        List.of(
            metadata.get("class_labels").get(0).textValue(),
            metadata.get("class_labels").get(1).textValue(),
            metadata.get("class_labels").get(2).textValue()));
    assertEquals("2026-01-01 00:00:00.000000", root.get("utc_time_created").textValue());
    assertFalse(
        root.has("artifact_path")
            || root.has("run_id")
            || root.has("model_id")
            || root.has("mlflow_version"));
  }

  @Test
  void savedInputExampleInfoPointsAtBothExampleFiles() throws Exception {
    TestBundles.writeIris(dir, "logistic");
    JsonNode info = yaml(dir.resolve("MLmodel")).get("saved_input_example_info");
    assertEquals("input_example.json", info.get("artifact_path").textValue());
    assertEquals("serving_input_example.json", info.get("serving_input_path").textValue());
    assertEquals("json_object", info.get("type").textValue());
    assertTrue(Files.exists(dir.resolve(info.get("artifact_path").textValue())));
    assertTrue(Files.exists(dir.resolve(info.get("serving_input_path").textValue())));
  }

  @Test
  void signatureIsJsonStringsWithOneInputPerFeature() throws Exception {
    TestBundles.writeIris(dir, "logistic");
    JsonNode signature = yaml(dir.resolve("MLmodel")).get("signature");
    assertTrue(signature.get("inputs").isTextual());
    assertTrue(signature.get("outputs").isTextual());
    assertTrue(signature.get("params").isNull());
    JsonNode inputs = new JsonMapper().readTree(signature.get("inputs").textValue());
    assertEquals(4, inputs.size());
    for (int i = 0; i < 4; i++) {
      assertEquals(TestBundles.IRIS_FEATURES.get(i), inputs.get(i).get("name").textValue());
      assertEquals("double", inputs.get(i).get("type").textValue());
      assertTrue(inputs.get(i).get("required").booleanValue());
    }
    assertEquals(
        "[{\"type\":\"string\",\"name\":\"label\",\"required\":true}]",
        signature.get("outputs").textValue());
  }

  @Test
  void signatureParsesBackToColumnSpecs() throws Exception {
    TestBundles.writeIris(dir, "logistic");
    MlModelFile.Signature s = TestBundles.readSignature(dir.resolve("MLmodel"));
    assertEquals(
        TestBundles.IRIS_FEATURES, s.inputs().stream().map(MlModelFile.ColumnSpec::name).toList());
    assertEquals(List.of(new MlModelFile.ColumnSpec("label", "string", true)), s.outputs());
    assertEquals(MlModelFile.signatureOf(TestBundles.irisFeatures()), s);
  }

  @Test
  void categoricalFeaturesAreStringColumns() {
    var s =
        MlModelFile.signatureOf(
            List.of(
                new Feature.Categorical("colour", List.of("red"), false, null),
                new Feature.Numeric("size", 0, 1, 0, 1, null)));
    assertEquals(
        List.of(
            new MlModelFile.ColumnSpec("colour", "string", true),
            new MlModelFile.ColumnSpec("size", "double", true)),
        s.inputs());
  }

  @Test
  void imputedInputsAreNotRequiredAndTheOthersAre() throws Exception {
    var s =
        MlModelFile.signatureOf(
            List.of(
                new Feature.Numeric("size", 0, 1, 0, 1, 0.5),
                new Feature.Numeric("weight", 0, 1, 0, 1, null),
                new Feature.Categorical("colour", List.of("red"), true, "red"),
                new Feature.Categorical("shape", List.of("round"), false, null)));
    assertEquals(
        List.of(
            new MlModelFile.ColumnSpec("size", "double", false),
            new MlModelFile.ColumnSpec("weight", "double", true),
            new MlModelFile.ColumnSpec("colour", "string", false),
            new MlModelFile.ColumnSpec("shape", "string", true)),
        s.inputs());
  }

  @Test
  void builderSetsTheMlflowIdsAndTheBundleStillLoads() throws Exception {
    BundleDescriptor w =
        ModelBundle.write(
            dir,
            TestBundles.trainIris("logistic"),
            TestBundles.irisDescriptor("logistic"),
            TestBundles.setosa(),
            b ->
                b.modelId("m-0123")
                    .runId("r-42")
                    .artifactPath("mlflow-artifacts:/1/models/m-0123/artifacts"));
    JsonNode root = yaml(dir.resolve("MLmodel"));
    assertEquals("m-0123", root.get("model_id").textValue());
    assertEquals("m-0123", root.get("model_uuid").textValue());
    assertEquals("r-42", root.get("run_id").textValue());
    assertEquals(
        "mlflow-artifacts:/1/models/m-0123/artifacts", root.get("artifact_path").textValue());
    MlModelFile.builder(w).runId("r-43").write(dir);
    assertEquals("r-43", yaml(dir.resolve("MLmodel")).get("run_id").textValue());
    ModelBundle.load(dir);
  }

  @Test
  void topLevelKeysAreSortedLikeMlflowWritesThem() throws Exception {
    ModelBundle.write(
        dir,
        TestBundles.trainIris("logistic"),
        TestBundles.irisDescriptor("logistic"),
        TestBundles.setosa(),
        b -> b.modelId("m-1").runId("r-1").artifactPath("x"));
    List<String> keys =
        yaml(dir.resolve("MLmodel")).properties().stream().map(Map.Entry::getKey).toList();
    assertEquals(keys.stream().sorted().toList(), keys);
  }

  @Test
  void builderNeedsAWrittenDescriptor() {
    assertThrows(
        IllegalArgumentException.class,
        () -> MlModelFile.builder(TestBundles.irisDescriptor("logistic")));
  }
}
