package dev.smileflow.train.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smileflow.bundle.BundleException;
import dev.smileflow.bundle.LoadedModel;
import dev.smileflow.bundle.ModelBundle;
import dev.smileflow.bundle.Prediction;
import dev.smileflow.train.data.CsvTables;
import dev.smileflow.train.data.LoadOptions;
import dev.smileflow.train.data.MissingPolicy;
import dev.smileflow.train.data.Split;
import dev.smileflow.train.data.Table;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every algorithm on every data shape, through the same pieces the job uses: fit the algorithm's
 * first grid point on the training rows ({@link FittedModel}), write the bundle ({@code
 * ModelBundle.write}), load it back the way the api does ({@code ModelBundle.load}, allow-list on)
 * and predict the hold-out rows by feature name. The loaded model must give the in-memory model's
 * labels and probabilities exactly, and the probabilities must be a distribution. Each test is
 * named {@code algorithm × shape}.
 */
class ConformanceMatrixTest {
  private static final long SEED = 42;
  private static final Path TESTDATA = Path.of("..", "testdata");

  @TempDir Path dir;

  /** A data set and the shapes it stands for. */
  private record Shape(String name, Supplier<Table> table) {}

  private static Table file(String name, String label, MissingPolicy missing) {
    return CsvTables.read(TESTDATA.resolve(name), new LoadOptions(label, missing, Set.of()));
  }

  private static Table csv(String name, String label, String text) {
    return CsvTables.parse(
        name,
        text.getBytes(StandardCharsets.UTF_8),
        new LoadOptions(label, MissingPolicy.REJECT, Set.of()));
  }

  /** 2 numeric features, 3 classes around separate centres. */
  private static Table twoFeatures() {
    Random r = new Random(SEED);
    StringBuilder out = new StringBuilder("x,y,class\n");
    for (int i = 0; i < 150; i++) {
      int c = i % 3;
      out.append(
          String.format(
              Locale.ROOT,
              "%.4f,%.4f,c%d%n",
              2 * c + r.nextGaussian(),
              c % 2 + r.nextGaussian(),
              c));
    }
    return csv("two-features.csv", "class", out.toString());
  }

  /** 3 categorical features only, 3 classes, each class leaning to its own levels. */
  private static Table categoricalOnly() {
    Random r = new Random(SEED);
    String[][] levels = {{"red", "green", "blue"}, {"small", "large"}, {"round", "square", "flat"}};
    StringBuilder out = new StringBuilder("colour,size,shape,kind\n");
    for (int i = 0; i < 180; i++) {
      int c = i % 3;
      for (String[] column : levels) {
        int level = r.nextDouble() < 0.7 ? c % column.length : r.nextInt(column.length);
        out.append(column[level]).append(',');
      }
      out.append("kind-").append(c).append('\n');
    }
    return csv("categorical-only.csv", "kind", out.toString());
  }

  /** 3 numeric features; labels with spaces and non-ASCII characters. */
  private static Table unicodeLabels() {
    Random r = new Random(SEED);
    String[] labels = {"Iris setosa", "Ålesund", "日本"};
    StringBuilder out = new StringBuilder("a,b,c,place\n");
    for (int i = 0; i < 150; i++) {
      int c = i % 3;
      out.append(
          String.format(
              Locale.ROOT,
              "%.4f,%.4f,%.4f,%s%n",
              c + r.nextGaussian(),
              -c + r.nextGaussian(),
              r.nextGaussian(),
              labels[c]));
    }
    return csv("unicode-labels.csv", "place", out.toString());
  }

  /** Digits subsampled (stratified) to about 400 rows, so the matrix stays fast. */
  private static Table digits() {
    Table all = file("digits.csv", "digit", MissingPolicy.REJECT);
    return all.select(Split.holdout(all.y(), 0.22, SEED).test());
  }

  private static List<Shape> shapes() {
    return List.of(
        new Shape(
            "binary, 30 numeric features (breast-cancer)",
            () -> file("breast-cancer.csv", "diagnosis", MissingPolicy.REJECT)),
        new Shape(
            "3 classes, integer labels (wine)",
            () -> file("wine.csv", "cultivar", MissingPolicy.REJECT)),
        new Shape(
            "10 classes, 64 features, integer labels (digits)", ConformanceMatrixTest::digits),
        new Shape(
            "categorical and numeric with missing values, imputed (penguins)",
            () -> file("penguins.csv", "species", MissingPolicy.IMPUTE)),
        new Shape("2 features (synthetic)", ConformanceMatrixTest::twoFeatures),
        new Shape("categorical only (synthetic)", ConformanceMatrixTest::categoricalOnly),
        new Shape(
            "labels with spaces and non-ASCII characters (synthetic)",
            ConformanceMatrixTest::unicodeLabels));
  }

  private static List<Algorithm> algorithms() {
    return Arrays.stream(Algorithm.values())
        .filter(a -> !a.needsBlas() || NativeBlas.available())
        .toList();
  }

  @TestFactory
  Stream<DynamicTest> everyAlgorithmOnEveryShapeServesWhatItWasTrainedToPredict() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Shape shape : shapes()) {
      Table table = shape.table().get();
      for (Algorithm algorithm : algorithms()) {
        String name = algorithm.id() + " × " + shape.name();
        tests.add(
            DynamicTest.dynamicTest(
                name,
                () -> {
                  try {
                    check(algorithm, table);
                  } catch (Exception | AssertionError e) {
                    // Surefire's report shows a dynamic test by its index: name the cell.
                    throw new AssertionError(name + ": " + e, e);
                  }
                }));
      }
    }
    return tests.stream();
  }

  private void check(Algorithm algorithm, Table table) throws IOException, BundleException {
    ModelSpec spec = SearchSpace.defaults(List.of(algorithm)).grid().getFirst();
    Split split = Split.holdout(table.y(), 0.25, SEED);
    Table train = table.select(split.train());
    Table test = table.select(split.test());

    FittedModel fitted = FittedModel.fit(spec, train, SEED);
    Path bundle = dir.resolve(algorithm.id());
    ModelBundle.write(
        bundle,
        fitted.model(),
        fitted.descriptor(
            table,
            train,
            Map.of("holdout_accuracy", fitted.evaluate(test).accuracy()),
            SEED,
            Instant.EPOCH),
        fitted.inputExample(train),
        mlmodel -> mlmodel);
    // The check train-job itself runs before upload: the api's loader, exact labels and
    // probabilities on every hold-out row sent as a client sends it (missing values absent).
    fitted.checkServedAsTrained(bundle, test);

    LoadedModel loaded = ModelBundle.load(bundle);
    for (int i = 0; i < test.rows(); i++) {
      Prediction served = loaded.predict(test.row(i));
      String where = "hold-out row " + i;
      assertEquals(table.classes(), List.copyOf(served.probabilities().keySet()), where);
      double sum = 0;
      for (double p : served.probabilities().values()) {
        assertTrue(p >= 0 && p <= 1 + 1e-12, where + ": probability " + p);
        sum += p;
      }
      assertEquals(1.0, sum, 1e-9, where + ": probabilities sum to " + sum);
    }
  }
}
