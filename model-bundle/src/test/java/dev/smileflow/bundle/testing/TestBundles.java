package dev.smileflow.bundle.testing;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.smileflow.bundle.BundleDescriptor;
import dev.smileflow.bundle.Feature;
import dev.smileflow.bundle.Features;
import dev.smileflow.bundle.MlModelFile;
import dev.smileflow.bundle.ModelBundle;
import dev.smileflow.bundle.TrainingProfile;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Consumer;
import smile.classification.Classifier;
import smile.classification.DataFrameClassifier;
import smile.classification.DecisionTree;
import smile.classification.GradientTreeBoost;
import smile.classification.KNN;
import smile.classification.LDA;
import smile.classification.LogisticRegression;
import smile.classification.OneVersusOne;
import smile.classification.OneVersusRest;
import smile.classification.RandomForest;
import smile.classification.SVM;
import smile.data.DataFrame;
import smile.data.formula.Formula;
import smile.data.vector.DoubleVector;
import smile.data.vector.IntVector;
import smile.data.vector.ValueVector;
import smile.math.MathEx;
import smile.math.kernel.GaussianKernel;
import smile.model.cart.SplitRule;

/**
 * Real bundles for tests: small Smile models trained on the bundled Iris data (150 rows; features
 * {@link #IRIS_FEATURES}, labels {@link #IRIS_LABELS}), written with {@link ModelBundle#write}, and
 * helpers that corrupt a written bundle in the ways {@link ModelBundle#load} must refuse.
 *
 * <p>Algorithms ({@link #ALGORITHMS}): {@code logistic}, {@code svm_ovr}, {@code svm_ovo} (RBF
 * kernel), {@code knn} (vector classifiers); {@code random_forest}, {@code gradient_boost}, {@code
 * decision_tree}, {@code logistic_frame} ({@code DataFrameClassifier.of} around logistic
 * regression) (DataFrame classifiers). Also {@code lda}, which needs native BLAS/LAPACK.
 */
public final class TestBundles {
  public static final List<String> IRIS_FEATURES =
      List.of("sepal_length", "sepal_width", "petal_length", "petal_width");
  public static final List<String> IRIS_LABELS =
      List.of("Iris-setosa", "Iris-versicolor", "Iris-virginica");
  public static final String IRIS_LABEL_COLUMN = "species";
  public static final List<String> ALGORITHMS =
      List.of(
          "logistic",
          "logistic_frame",
          "random_forest",
          "gradient_boost",
          "decision_tree",
          "svm_ovr",
          "svm_ovo",
          "knn");
  public static final long SEED = 42;

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private TestBundles() {}

  /** The Iris data set: raw feature values by row, label indices, and rows by feature name. */
  public record Iris(double[][] x, int[] y, List<Map<String, Object>> rows) {
    public Iris {
      x = x.clone();
      y = y.clone();
      rows = List.copyOf(rows);
    }

    @Override
    public double[][] x() {
      return x.clone();
    }

    @Override
    public int[] y() {
      return y.clone();
    }
  }

  /** Reads the bundled {@code iris.csv}. */
  public static Iris iris() {
    List<double[]> x = new ArrayList<>();
    List<Integer> y = new ArrayList<>();
    List<Map<String, Object>> rows = new ArrayList<>();
    try (InputStream in =
            Objects.requireNonNull(
                TestBundles.class.getResourceAsStream("/iris.csv"),
                "iris.csv missing from the model-bundle test-jar");
        var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String header = reader.readLine();
      if (!"sepal_length,sepal_width,petal_length,petal_width,species".equals(header)) {
        throw new IllegalStateException("unexpected iris.csv header: " + header);
      }
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        String[] cells = line.split(",");
        double[] values = new double[4];
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < 4; i++) {
          values[i] = Double.parseDouble(cells[i]);
          row.put(IRIS_FEATURES.get(i), values[i]);
        }
        int label = IRIS_LABELS.indexOf(cells[4]);
        if (label < 0) {
          throw new IllegalStateException("unknown species " + cells[4]);
        }
        x.add(values);
        y.add(label);
        rows.add(row);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Iris(
        x.toArray(double[][]::new), y.stream().mapToInt(Integer::intValue).toArray(), rows);
  }

  /** Numeric features with Iris's min, max, mean and (population) standard deviation. */
  public static List<Feature> irisFeatures() {
    double[][] x = iris().x();
    List<Feature> features = new ArrayList<>();
    for (int j = 0; j < IRIS_FEATURES.size(); j++) {
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      double sum = 0;
      for (double[] row : x) {
        min = Math.min(min, row[j]);
        max = Math.max(max, row[j]);
        sum += row[j];
      }
      double mean = sum / x.length;
      double squares = 0;
      for (double[] row : x) {
        squares += (row[j] - mean) * (row[j] - mean);
      }
      features.add(
          new Feature.Numeric(
              IRIS_FEATURES.get(j), min, max, mean, Math.sqrt(squares / x.length), null));
    }
    return List.copyOf(features);
  }

  /** Every Iris row encoded with {@link #irisFeatures()}. */
  public static double[][] encodedIris() {
    List<Feature> features = irisFeatures();
    return iris().rows().stream()
        .map(row -> Features.encode(features, row))
        .toArray(double[][]::new);
  }

  /**
   * A DataFrame of the encoded Iris columns (named by {@link Features#encodedNames}) plus {@code
   * species}.
   */
  public static DataFrame encodedIrisFrame() {
    double[][] x = encodedIris();
    List<String> names = Features.encodedNames(irisFeatures());
    List<ValueVector> columns = new ArrayList<>();
    for (int j = 0; j < names.size(); j++) {
      double[] column = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        column[i] = x[i][j];
      }
      columns.add(new DoubleVector(names.get(j), column));
    }
    columns.add(new IntVector(IRIS_LABEL_COLUMN, iris().y()));
    return new DataFrame(columns.toArray(ValueVector[]::new));
  }

  /** Trains a small, seeded Smile model of the given algorithm on all of Iris. */
  public static Object trainIris(String algorithm) {
    MathEx.setSeed(SEED);
    double[][] x = encodedIris();
    int[] y = iris().y();
    Formula formula = Formula.lhs(IRIS_LABEL_COLUMN);
    return switch (algorithm) {
      case "logistic" -> LogisticRegression.fit(x, y);
      case "random_forest" -> {
        int trees = 30;
        long[] seeds = new long[trees];
        for (int i = 0; i < trees; i++) {
          seeds[i] = SEED + i;
        }
        yield RandomForest.fit(
            formula,
            encodedIrisFrame(),
            new RandomForest.Options(trees, 0, SplitRule.GINI, 10, 0, 5, 1.0, null, seeds, null));
      }
      case "decision_tree" -> DecisionTree.fit(formula, encodedIrisFrame());
      case "gradient_boost" ->
          GradientTreeBoost.fit(formula, encodedIrisFrame(), new GradientTreeBoost.Options(20));
      case "logistic_frame" -> {
        Classifier.Trainer<double[], LogisticRegression> trainer = LogisticRegression::fit;
        yield DataFrameClassifier.of(formula, encodedIrisFrame(), new Properties(), trainer);
      }
      case "lda" -> LDA.fit(x, y);
      case "svm_ovr" ->
          OneVersusRest.fit(
              x, y, (xi, yi) -> SVM.fit(xi, yi, new GaussianKernel(1.0), new SVM.Options(10)));
      case "svm_ovo" ->
          OneVersusOne.fit(
              x, y, (xi, yi) -> SVM.fit(xi, yi, new GaussianKernel(1.0), new SVM.Options(10)));
      case "knn" -> KNN.fit(x, y, 5);
      default ->
          throw new IllegalArgumentException(
              "unknown algorithm " + algorithm + "; one of " + ALGORITHMS);
    };
  }

  /** The training profile of every Iris feature (all 150 rows). */
  public static TrainingProfile irisProfile() {
    double[][] x = iris().x();
    Map<String, TrainingProfile.FeatureProfile> features = new LinkedHashMap<>();
    for (int j = 0; j < IRIS_FEATURES.size(); j++) {
      double[] column = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        column[i] = x[i][j];
      }
      features.put(IRIS_FEATURES.get(j), TrainingProfile.Numeric.of(column));
    }
    return new TrainingProfile(features);
  }

  /**
   * A descriptor for an Iris model of the given algorithm with its {@link #irisProfile() training
   * profile}, as train-job writes today (no checksum yet).
   */
  public static BundleDescriptor irisDescriptor(String algorithm) {
    return BundleDescriptor.of(
            algorithm,
            Map.of("seed", Long.toString(SEED)),
            irisFeatures(),
            IRIS_LABEL_COLUMN,
            IRIS_LABELS,
            Map.of("accuracy", 0.95),
            "iris-" + IRIS_FEATURES.size() + "x150",
            150,
            SEED,
            Instant.parse("2026-01-01T00:00:00Z"))
        .withTrainingProfile(irisProfile());
  }

  /** The signature of an MLmodel file, read as MLflow reads it (column lists as JSON strings). */
  public static MlModelFile.Signature readSignature(Path mlmodel) throws IOException {
    JsonNode signature = new YAMLMapper().readTree(mlmodel.toFile()).get("signature");
    return new MlModelFile.Signature(columns(signature, "inputs"), columns(signature, "outputs"));
  }

  private static List<MlModelFile.ColumnSpec> columns(JsonNode signature, String key)
      throws IOException {
    return JSON.readValue(signature.get(key).textValue(), new TypeReference<>() {});
  }

  /** A setosa row from the training data (the first row of iris.csv). */
  public static Map<String, Object> setosa() {
    return row(5.1, 3.5, 1.4, 0.2);
  }

  /** A versicolor row from the training data. */
  public static Map<String, Object> versicolor() {
    return row(6.4, 3.2, 4.5, 1.5);
  }

  /** A virginica row from the training data. */
  public static Map<String, Object> virginica() {
    return row(7.7, 2.6, 6.9, 2.3);
  }

  /** An Iris row by feature name. */
  public static Map<String, Object> row(
      double sepalLength, double sepalWidth, double petalLength, double petalWidth) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("sepal_length", sepalLength);
    row.put("sepal_width", sepalWidth);
    row.put("petal_length", petalLength);
    row.put("petal_width", petalWidth);
    return row;
  }

  /** Trains a real Iris model and writes it as a bundle into {@code dir}; returns {@code dir}. */
  public static Path writeIris(Path dir, String algorithm) throws IOException {
    writeIrisBundle(dir, algorithm);
    return dir;
  }

  /** As {@link #writeIris}, returning what was written. */
  public static BundleDescriptor writeIrisBundle(Path dir, String algorithm) throws IOException {
    return ModelBundle.write(
        dir, trainIris(algorithm), irisDescriptor(algorithm), setosa(), mlmodel -> mlmodel);
  }

  /**
   * Copies a checked-in fixture bundle (e.g. {@code "v1/iris-logistic"}) from the classpath, which
   * works from the test-jar too, into {@code dir}; returns {@code dir}.
   */
  public static Path copyFixture(String name, Path dir) throws IOException {
    Files.createDirectories(dir);
    for (String file :
        List.of(
            MlModelFile.FILE_NAME,
            ModelBundle.DESCRIPTOR_FILE,
            ModelBundle.MODEL_FILE,
            ModelBundle.INPUT_EXAMPLE_FILE,
            ModelBundle.SERVING_INPUT_FILE)) {
      String resource = "/fixtures/" + name + "/" + file;
      try (InputStream in = TestBundles.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalArgumentException("no fixture file " + resource);
        }
        Files.copy(in, dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    return dir;
  }

  // ---- corruption ----

  /**
   * Flips every bit of one byte of {@code model.ser} (in the middle), leaving bundle.json as is.
   */
  public static void flipModelByte(Path dir) throws IOException {
    Path file = dir.resolve(ModelBundle.MODEL_FILE);
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= (byte) 0xFF;
    Files.write(file, bytes);
  }

  /** Deletes one file of the bundle, e.g. {@link ModelBundle#MODEL_FILE}. */
  public static void deleteFile(Path dir, String name) throws IOException {
    Files.delete(dir.resolve(name));
  }

  /** Rewrites {@code bundle.json} with another {@code format_version}. */
  public static void setFormatVersion(Path dir, int version) throws IOException {
    editDescriptor(dir, d -> d.put("format_version", version));
  }

  /** Replaces {@code bundle.json} with bytes that are not JSON. */
  public static void writeGarbageDescriptor(Path dir) throws IOException {
    Files.writeString(dir.resolve(ModelBundle.DESCRIPTOR_FILE), "{\"format_version\": 1, garbage");
  }

  /**
   * Replaces {@code model.ser} with the Java serialization of {@code payload} and updates the
   * checksum and size in {@code bundle.json} to match, so only the deserialization filter stands
   * between the payload and the JVM.
   */
  public static void smuggleModel(Path dir, Serializable payload) throws IOException {
    var bytes = new ByteArrayOutputStream();
    try (var out = new ObjectOutputStream(bytes)) {
      out.writeObject(payload);
    }
    replaceModelBytes(dir, bytes.toByteArray());
  }

  /** Replaces {@code model.ser} with raw bytes and re-signs {@code bundle.json} for them. */
  public static void replaceModelBytes(Path dir, byte[] model) throws IOException {
    Files.write(dir.resolve(ModelBundle.MODEL_FILE), model);
    editDescriptor(
        dir,
        d -> {
          d.put("model_sha256", ModelBundle.sha256(model));
          d.put("model_size_bytes", model.length);
        });
  }

  /** Edits {@code bundle.json} as a JSON object. */
  public static void editDescriptor(Path dir, Consumer<ObjectNode> edit) throws IOException {
    Path file = dir.resolve(ModelBundle.DESCRIPTOR_FILE);
    ObjectNode root = (ObjectNode) JSON.readTree(file.toFile());
    edit.accept(root);
    Files.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
  }
}
