package dev.smileflow.train;

import static java.util.Objects.requireNonNull;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smileflow.bundle.Feature;
import dev.smileflow.bundle.InvalidInputException;
import dev.smileflow.bundle.LoadedModel;
import dev.smileflow.bundle.ModelBundle;
import dev.smileflow.bundle.TrainingProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same job, unchanged, on data sets other than Iris (dry runs: no MLflow). */
class OtherDataSetsTest {
  @TempDir Path dir;

  /**
   * Gaussian blobs: {@code features} numeric columns, {@code classes} classes, optional
   * categoricals and holes.
   */
  private Path blobs(
      String name,
      int rows,
      int features,
      int classes,
      boolean categorical,
      double missing,
      boolean integerLabels)
      throws IOException {
    Random r = new Random(11);
    double[][] centers = new double[classes][features];
    for (double[] c : centers) {
      for (int j = 0; j < features; j++) {
        c[j] = r.nextGaussian() * 2;
      }
    }
    StringBuilder csv = new StringBuilder();
    for (int j = 0; j < features; j++) {
      csv.append('x').append(j).append(',');
    }
    csv.append(categorical ? "colour,grade,outcome\n" : "outcome\n");
    String[] colours = {"red", "green", "blue"};
    for (int i = 0; i < rows; i++) {
      int c = r.nextInt(classes);
      for (int j = 0; j < features; j++) {
        csv.append(
                r.nextDouble() < missing
                    ? ""
                    : String.format(Locale.ROOT, "%.3f", centers[c][j] + r.nextGaussian()))
            .append(',');
      }
      if (categorical) {
        csv.append(
                r.nextDouble() < missing ? "NA" : colours[(c + (r.nextDouble() < 0.2 ? 1 : 0)) % 3])
            .append(',')
            .append(r.nextBoolean() ? "low" : "high")
            .append(',');
      }
      csv.append(integerLabels ? Integer.toString(c * 10) : "class-" + c).append('\n');
    }
    return Files.writeString(dir.resolve(name), csv);
  }

  private MainTest.Outcome dryRun(Path data, String... more) {
    String[] args = new String[6 + more.length];
    args[0] = "--dry-run";
    args[1] = "--data";
    args[2] = data.toString();
    args[3] = "--label";
    args[4] = "outcome";
    args[5] = "--output=" + dir.resolve(data.getFileName() + ".model");
    System.arraycopy(more, 0, args, 6, more.length);
    MainTest.Outcome o = MainTest.run(Map.of(), args);
    assertEquals(0, o.code(), o.err());
    return o;
  }

  private static double holdoutAccuracy(String out) {
    String line = out.lines().filter(l -> l.startsWith("Hold-out")).findFirst().orElseThrow();
    return Double.parseDouble(line.replaceAll(".*accuracy ([0-9.]+),.*", "$1"));
  }

  @Test
  void binaryNumericDataWithTwentyFeatures() throws IOException {
    MainTest.Outcome o = dryRun(blobs("binary.csv", 300, 20, 2, false, 0, false));
    assertTrue(holdoutAccuracy(o.out()) > 0.9, o.out());
  }

  @Test
  void tenClassesWithThirtyFeaturesAndIntegerLabels() throws IOException {
    Path data = blobs("ten.csv", 600, 30, 10, false, 0, true);
    MainTest.Outcome o = dryRun(data, "--algorithms", "logistic,knn,naive_bayes,decision_tree");
    assertTrue(holdoutAccuracy(o.out()) > 0.8, o.out());
    assertTrue(o.out().contains("classes [0, 10, 20, 30, 40, 50, 60, 70, 80, 90]"), o.out());
  }

  @Test
  void categoricalColumnsAndMissingValuesAreImputedByDefaultAndTheModelImputesTheSameWay()
      throws Exception {
    Path data = blobs("mixed.csv", 400, 5, 3, true, 0.04, false);
    MainTest.Outcome rejected =
        MainTest.run(
            Map.of(),
            "--dry-run",
            "--data",
            data.toString(),
            "--label",
            "outcome",
            "--missing",
            "reject");
    assertEquals(3, rejected.code());
    assertTrue(rejected.err().contains("missing value (policy --missing reject"), rejected.err());

    MainTest.Outcome o = dryRun(data, "--algorithms", "logistic,random_forest");
    assertTrue(o.out().contains("Warning: column 'colour'"), o.out());
    LoadedModel model = ModelBundle.load(dir.resolve("mixed.csv.model"));
    assertEquals(
        List.of("x0", "x1", "x2", "x3", "x4", "colour", "grade"),
        model.descriptor().features().stream().map(Feature::name).toList());
    assertTrue(
        model.descriptor().features().stream().allMatch(f -> f.fill() != null),
        model.descriptor().features().toString());
    // today's bundle carries the training profile of every feature, missing values left out
    var profile = Objects.requireNonNull(model.descriptor().trainingProfile());
    assertEquals(
        Set.of("x0", "x1", "x2", "x3", "x4", "colour", "grade"), profile.features().keySet());
    long training = model.descriptor().trainingRows();
    long numericValues = 0;
    for (var f : model.descriptor().features()) {
      var p = requireNonNull(profile.features().get(f.name()), f.name() + " is profiled");
      assertEquals(f instanceof Feature.Numeric, p instanceof TrainingProfile.Numeric);
      assertTrue(p.count() > 0 && p.count() <= training, f.name() + ": " + p.count());
      if (p instanceof TrainingProfile.Numeric n) {
        numericValues += n.count();
        assertEquals(n.count(), n.binCounts().stream().mapToLong(Long::longValue).sum());
      }
    }
    assertTrue(numericValues < 5 * training, "missing values are not profiled");
    var colour =
        (TrainingProfile.Categorical)
            requireNonNull(profile.features().get("colour"), "colour is profiled");
    assertTrue(
        colour
            .levels()
            .keySet()
            .containsAll(((Feature.Categorical) model.descriptor().features().get(5)).levels()),
        colour.toString());

    var row = new HashMap<String, Object>(model.inputExample());
    assertTrue(model.predict(row).label().startsWith("class-"));
    var filled = new HashMap<String, Object>(row);
    filled.put("colour", model.descriptor().features().get(5).fill());
    filled.put("x0", model.descriptor().features().get(0).fill());
    row.put("colour", null);
    row.remove("x0");
    assertEquals(model.predict(filled), model.predict(row));
    row.put("colour", "purple");
    assertThrows(InvalidInputException.class, () -> model.predict(row));
  }
}
