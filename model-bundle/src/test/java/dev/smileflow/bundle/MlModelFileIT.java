package dev.smileflow.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.smileflow.bundle.testing.TestBundles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import smile.classification.LogisticRegression;

/**
 * MLflow's own Python reader (the pinned version, from {@code scripts/mlflow.sh install}) accepts
 * the {@code MLmodel} we write: flavors, signature, input example and serving example. Fails (never
 * skips) when the pinned MLflow cannot be installed.
 */
class MlModelFileIT {
  private static final String READER =
      """
      import json, sys
      from mlflow.models import Model
      from mlflow.models.utils import load_serving_example
      path = sys.argv[1]
      m = Model.load(path)
      print(json.dumps({
          "flavors": sorted(m.flavors),
          "inputs": [[c.name, c.type.name, c.required] for c in m.get_input_schema().inputs],
          "outputs": [[c.name, c.type.name] for c in m.get_output_schema().inputs],
          "example": m.load_input_example(path),
          "serving": json.loads(load_serving_example(path)),
          "metadata": m.metadata,
          "model_size_bytes": m.model_size_bytes,
          "run_id": m.run_id,
          "model_id": m.model_id,
      }))
      """;

  private static Path python;

  @TempDir Path dir;

  @BeforeAll
  static void findPinnedMlflowPython() throws Exception {
    Path root =
        Path.of(
            Objects.requireNonNull(
                System.getProperty("project.root"), "project.root (set by failsafe)"));
    Process p =
        new ProcessBuilder(root.resolve("scripts/mlflow.sh").toString(), "install")
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String mlflow = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new AssertionError("scripts/mlflow.sh install failed");
    }
    python = Path.of(mlflow).resolveSibling("python");
  }

  private static JsonNode readWithMlflow(Path bundle) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(python.toString(), "-c", READER, bundle.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new AssertionError("MLflow could not read " + bundle + ": " + out);
    }
    return JsonMapper.builder().build().readTree(out.lines().reduce((a, b) -> b).orElseThrow());
  }

  @Test
  void mlflowReadsTheIrisBundleSignatureExampleAndMetadata() throws Exception {
    BundleDescriptor w =
        ModelBundle.write(
            dir,
            TestBundles.trainIris("logistic"),
            TestBundles.irisDescriptor("logistic"),
            TestBundles.setosa(),
            b -> b.runId("0123456789abcdef").modelId("m-0123456789abcdef"));
    JsonNode m = readWithMlflow(dir);
    assertEquals("[\"smile\"]", m.get("flavors").toString());
    assertEquals(
        "[[\"sepal_length\",\"double\",true],[\"sepal_width\",\"double\",true],"
            + "[\"petal_length\",\"double\",true],[\"petal_width\",\"double\",true]]",
        m.get("inputs").toString());
    assertEquals("[[\"label\",\"string\"]]", m.get("outputs").toString());
    assertEquals(5.1, m.get("example").get("sepal_length").doubleValue());
    assertEquals(m.get("example"), m.get("serving").get("inputs"));
    assertEquals(w.modelSha256(), m.get("metadata").get("model_sha256").textValue());
    assertEquals(
        TestBundles.IRIS_LABELS.getLast(),
        m.get("metadata").get("class_labels").get(2).textValue());
    assertEquals(w.modelSizeBytes(), m.get("model_size_bytes").longValue());
    assertEquals("0123456789abcdef", m.get("run_id").textValue());
    assertEquals("m-0123456789abcdef", m.get("model_id").textValue());
  }

  @Test
  void mlflowReadsCategoricalFeaturesAsStringColumns() throws Exception {
    List<Feature> features =
        List.of(
            new Feature.Numeric("size", 0, 9, 4.5, 2.9, null),
            new Feature.Categorical("colour", List.of("red", "green"), false, null));
    List<double[]> x = new ArrayList<>();
    int[] y = new int[40];
    for (int i = 0; i < 40; i++) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("size", (double) (i % 10));
      row.put("colour", i % 2 == 0 ? "red" : "green");
      x.add(Features.encode(features, row));
      y[i] = i % 10 >= 5 ? 1 : 0;
    }
    var d =
        BundleDescriptor.of(
            "logistic",
            Map.of(),
            features,
            "big",
            List.of("no", "yes"),
            Map.of(),
            "toy",
            40,
            1,
            Instant.EPOCH);
    ModelBundle.write(
        dir,
        LogisticRegression.fit(x.toArray(double[][]::new), y),
        d,
        Map.of("size", 7, "colour", "red"),
        mlmodel -> mlmodel);
    JsonNode m = readWithMlflow(dir);
    assertEquals(
        "[[\"size\",\"double\",true],[\"colour\",\"string\",true]]", m.get("inputs").toString());
    assertEquals("red", m.get("example").get("colour").textValue());
    assertEquals(
        "yes", ModelBundle.load(dir).predict(Map.of("size", 8, "colour", "green")).label());
  }
}
