package dev.smileflow.bundle;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import smile.classification.LogisticRegression;

/**
 * Writes the checked-in fixture bundle of the current format version. Run by hand, once per new
 * format version, never by the build; never regenerate an existing version's fixture (that would
 * defeat its purpose). {@code fixtures/v1/iris-logistic} was written by the release that wrote
 * version 1. This one writes version 2's {@code penguins-logistic} from the repository's {@code
 * testdata/penguins.csv}: {@code java -cp <test classpath> dev.smileflow.bundle.FixtureGenerator
 * model-bundle/src/test/resources/fixtures/v2 testdata/penguins.csv}
 *
 * <p>The version-2 fixture exercises everything version 1 cannot say: numeric features with a
 * median fill, {@code island} capped to its two most frequent levels with an other bucket ({@code
 * Torgersen} folds into it) and a fill, {@code sex} with a fill and no bucket, and {@code year}
 * still required (no fill).
 */
final class FixtureGenerator {
  static final List<String> PENGUIN_LABELS = List.of("Adelie", "Chinstrap", "Gentoo");

  private FixtureGenerator() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      throw new IllegalArgumentException(
          "usage: FixtureGenerator <fixtures/v2 directory> <penguins.csv>");
    }
    List<String> lines = Files.readAllLines(Path.of(args[1]));
    List<String> header = List.of(lines.getFirst().split(","));
    List<Map<String, Object>> rows = new ArrayList<>();
    List<Integer> y = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(",", -1);
      Map<String, Object> row = new LinkedHashMap<>();
      for (int j = 1; j < cells.length; j++) {
        if (!cells[j].equals("NA")) {
          String name = header.get(j);
          row.put(
              name,
              name.equals("island") || name.equals("sex")
                  ? cells[j]
                  : (Object) Double.parseDouble(cells[j]));
        }
      }
      rows.add(row);
      y.add(PENGUIN_LABELS.indexOf(cells[0]));
    }
    List<Feature> features = new ArrayList<>();
    features.add(new Feature.Categorical("island", List.of("Biscoe", "Dream"), true, "Biscoe"));
    for (String name :
        List.of("bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g")) {
      features.add(numeric(name, rows, true));
    }
    features.add(new Feature.Categorical("sex", List.of("female", "male"), false, "male"));
    features.add(numeric("year", rows, false));
    double[][] x = rows.stream().map(r -> Features.encode(features, r)).toArray(double[][]::new);
    int[] labels = y.stream().mapToInt(Integer::intValue).toArray();
    LogisticRegression model = LogisticRegression.fit(x, labels);
    BundleDescriptor descriptor =
        BundleDescriptor.of(
            "logistic",
            Map.of("seed", "42"),
            features,
            "species",
            PENGUIN_LABELS,
            Map.of("accuracy", 0.99),
            "penguins-" + features.size() + "x" + rows.size(),
            rows.size(),
            42,
            Instant.parse("2026-01-01T00:00:00Z"));
    Path dir = Path.of(args[0]).resolve("penguins-logistic");
    BundleDescriptor written =
        ModelBundle.write(dir, model, descriptor, rows.getFirst(), mlmodel -> mlmodel);
    System.out.println("wrote " + dir + " sha256=" + written.modelSha256());
  }

  /** Range, mean and population std of the present values; the median as fill when asked. */
  private static Feature.Numeric numeric(
      String name, List<Map<String, Object>> rows, boolean fill) {
    double[] v =
        rows.stream()
            .filter(r -> r.containsKey(name))
            .mapToDouble(r -> (Double) r.get(name))
            .sorted()
            .toArray();
    double mean = Arrays.stream(v).average().orElseThrow();
    double squares = Arrays.stream(v).map(d -> (d - mean) * (d - mean)).sum();
    int mid = v.length / 2;
    double median = v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    return new Feature.Numeric(
        name, v[0], v[v.length - 1], mean, Math.sqrt(squares / v.length), fill ? median : null);
  }
}
