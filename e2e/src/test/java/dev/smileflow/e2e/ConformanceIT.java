package dev.smileflow.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smileflow.mlflow.testing.MlflowTestServer;
import java.io.IOException;
import java.io.Reader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Any data in, a servable model out, at the level users run it: each data shape is trained by the
 * real {@code train-job.jar} with only {@code --data} and {@code --label} against a real MLflow
 * server, and the version it promotes is then served by the real {@code api.jar} from the registry.
 * The api must load it, list exactly the features the model uses, and classify whole rows of the
 * file as a client sends them (missing values left out, ignored columns included) with the file's
 * own labels.
 */
class ConformanceIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path TESTDATA = Path.of("..", "testdata");
  private static final Pattern REGISTERED = Pattern.compile("Registered: (\\S+) version (\\d+)");
  private static final Set<String> MISSING = Set.of("", "NA", "na", "N/A", "NaN", "null", "?");
  private static final int ROWS_SENT = 40;

  @TempDir Path tmp;

  /**
   * One data shape.
   *
   * @param name the case, as the test report shows it
   * @param file the CSV file (real ones from {@code testdata/}, synthetic ones written by the test)
   * @param label the label column
   * @param delimiter the file's delimiter, for the test's own reading of its rows
   * @param notInputs columns of the file the served model must not ask for
   */
  record Shape(String name, String file, String label, char delimiter, Set<String> notInputs) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Shape> shapes() {
    return Stream.of(
        new Shape("binary, 30 numeric features", "breast-cancer.csv", "diagnosis", ',', Set.of()),
        new Shape("3 classes, integer labels", "wine.csv", "cultivar", ',', Set.of()),
        new Shape("10 classes, 64 features", "digits.csv", "digit", ',', Set.of()),
        new Shape(
            "mixed columns with missing values, imputed", "penguins.csv", "species", ',', Set.of()),
        new Shape(
            "labels with spaces; id, constant and date columns",
            "penguins-raw.csv",
            "Species",
            ',',
            Set.of("Sample Number", "Individual ID", "Region", "Stage", "Date Egg")),
        new Shape(
            "semicolons, decimal commas, BOM, CRLF",
            "penguins-semicolon.csv",
            "species",
            ';',
            Set.of()),
        new Shape(
            "2 features, non-ASCII labels with spaces",
            "two-features-non-ascii.csv",
            "city",
            ',',
            Set.of()),
        new Shape("categorical-only", "categorical-only.csv", "bought", ',', Set.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("shapes")
  void trainedWithOnlyDataAndLabelThePromotedModelIsServed(Shape shape) throws Exception {
    Path data = dataFile(shape.file());
    String tracking = MlflowTestServer.shared().uri().toString();
    Map<String, String> env = new HashMap<>();
    env.put("MLFLOW_TRACKING_URI", tracking);
    env.put("MLFLOW_EXPERIMENT_NAME", MlflowTestServer.uniqueName("conformance"));

    JarProcess.Result trained =
        JarProcess.train(
            env, tmp.resolve("train.log"), "--data", data.toString(), "--label", shape.label());
    Matcher registered = REGISTERED.matcher(trained.output());
    assertTrue(registered.find(), "no registered version:\n" + trained.output());
    String model = registered.group(1);
    String version = registered.group(2);
    assertTrue(
        trained.output().contains("Promoted: "),
        "the first version is promoted:\n" + trained.output());
    assertFalse(
        model.equals("iris-classifier"), "the model is named after the data file, not Iris");
    // scripts/run-local.sh points the api at the models:/NAME@ALIAS of this summary line
    assertTrue(
        trained.output().contains("\nModel URI: models:/" + model + "@production\n"),
        "the summary names the alias URI:\n" + trained.output());

    env.put("MODEL_NAME", model);
    try (ApiServer api = ApiServer.startReady(env, tmp.resolve("api.log"))) {
      HttpResponse<String> described = api.get("/v1/model");
      assertEquals(200, described.statusCode(), described.body());
      JsonNode info = JSON.readTree(described.body()).path("data");
      assertEquals(version, info.path("version").asText(), info.toString());
      Map<String, String> inputs = new LinkedHashMap<>();
      info.path("signature")
          .path("inputs")
          .forEach(i -> inputs.put(i.path("name").asText(), i.path("type").asText()));
      assertFalse(inputs.isEmpty(), info.toString());
      assertFalse(inputs.containsKey(shape.label()), "the label is not an input");
      for (String excluded : shape.notInputs()) {
        assertFalse(inputs.containsKey(excluded), excluded + " must not be a feature: " + inputs);
      }
      List<String> classes = new ArrayList<>();
      info.path("classes").forEach(c -> classes.add(c.asText()));

      List<CSVRecord> rows = rows(data, shape.delimiter());
      int correct = 0;
      for (CSVRecord row : rows) {
        // The whole row as a client would send it: every column but the label, missing cells
        // left out; columns the model ignores (ids, dates, constants) ride along.
        ObjectNode body = JSON.createObjectNode();
        row.toMap()
            .forEach((name, raw) -> {
              String cell = raw.trim();
              if (name.equals(shape.label()) || MISSING.contains(cell)) {
                return;
              }
              if ("double".equals(inputs.get(name))) {
                body.put(name, Double.parseDouble(cell.replace(',', '.')));
              } else {
                body.put(name, cell);
              }
            });
        HttpResponse<String> answer = api.postJson("/v1/classify", body.toString());
        assertEquals(200, answer.statusCode(), body + " -> " + answer.body());
        JsonNode result = JSON.readTree(answer.body()).path("data");
        assertEquals(version, result.path("model_version").asText());
        String predicted = result.path("pred_label").asText();
        assertTrue(classes.contains(predicted), predicted + " is one of " + classes);
        double confidence = result.path("pred_confidence").asDouble(-1);
        assertTrue(confidence > 0 && confidence <= 1, "confidence " + confidence);
        if (predicted.equals(row.get(shape.label()).trim())) {
          correct++;
        }
      }
      double accuracy = (double) correct / rows.size();
      assertTrue(
          accuracy >= 0.7,
          String.format(
              Locale.ROOT,
              "the served model labels %d of %d rows of its own data correctly",
              correct,
              rows.size()));
    }
  }

  /** Up to {@link #ROWS_SENT} data rows, spread over the whole file (files are often sorted). */
  private static List<CSVRecord> rows(Path file, char delimiter) throws IOException {
    CSVFormat format =
        CSVFormat.DEFAULT
            .builder()
            .setDelimiter(delimiter)
            .setHeader()
            .setSkipHeaderRecord(true)
            .get();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String bom = "\uFEFF";
      in.mark(1);
      char[] first = new char[1];
      if (in.read(first) != 1 || first[0] != bom.charAt(0)) {
        in.reset();
      }
      List<CSVRecord> all = format.parse(in).getRecords();
      List<CSVRecord> picked = new ArrayList<>();
      int step = Math.max(1, all.size() / ROWS_SENT);
      for (int i = 0; i < all.size() && picked.size() < ROWS_SENT; i += step) {
        picked.add(all.get(i));
      }
      return picked;
    }
  }

  private Path dataFile(String name) throws IOException {
    Path real = TESTDATA.resolve(name);
    if (Files.isRegularFile(real)) {
      return real.toAbsolutePath();
    }
    Random r = new Random(5);
    StringBuilder csv = new StringBuilder();
    switch (name) {
      case "two-features-non-ascii.csv" -> {
        String[] cities = {"Ålesund øst", "日本 東京", "São Paulo"};
        csv.append("x,y,city\n");
        for (int i = 0; i < 180; i++) {
          int c = i % cities.length;
          csv.append(
              String.format(
                  Locale.ROOT,
                  "%.3f,%.3f,%s%n",
                  3.0 * c + r.nextGaussian(),
                  -2.0 * c + r.nextGaussian(),
                  cities[c]));
        }
      }
      case "categorical-only.csv" -> {
        String[] colours = {"red", "green", "blue"};
        String[] sizes = {"S", "M", "L"};
        csv.append("colour,size,member,bought\n");
        for (int i = 0; i < 240; i++) {
          String colour = colours[r.nextInt(3)];
          String size = sizes[r.nextInt(3)];
          boolean member = r.nextBoolean();
          boolean bought = colour.equals("red") || size.equals("L");
          if (r.nextDouble() < 0.05) {
            bought = !bought;
          }
          csv.append(colour)
              .append(',')
              .append(size)
              .append(',')
              .append(member ? "yes" : "no")
              .append(',')
              .append(bought ? "bought" : "left")
              .append('\n');
        }
      }
      default -> throw new IllegalArgumentException("no data set " + name);
    }
    return Files.writeString(tmp.resolve(name), csv);
  }
}
