package dev.smileflow.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.smileflow.bundle.Feature;
import dev.smileflow.bundle.LoadedModel;
import dev.smileflow.bundle.ModelBundle;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line in-process: exit codes, messages and the dry run (no MLflow). */
class MainTest {
  @TempDir Path dir;

  record Outcome(int code, String out, String err) {}

  static Outcome run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.run(
            args,
            env,
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            new Cancellation(),
            false);
    return new Outcome(code, out.toString(), err.toString());
  }

  @Test
  void helpListsEveryOptionWithItsEnvironmentDefault() {
    Outcome o = run(Map.of(), "--help");
    assertEquals(0, o.code());
    for (String option :
        new String[] {
          "--data",
          "--label",
          "--experiment",
          "--model-name",
          "--alias",
          "--folds",
          "--seed",
          "--test-fraction",
          "--metric",
          "--min-score",
          "--promote-margin",
          "--no-promote",
          "--dry-run",
          "--algorithms",
          "--search-file",
          "--missing",
          "--drop",
          "--keep",
          "--columns",
          "--delimiter",
          "--decimal",
          "--reference-profile"
        }) {
      assertTrue(o.out().contains(option), option + " missing from --help:\n" + o.out());
    }
    assertTrue(o.out().contains("env MLFLOW_EXPERIMENT_NAME, default smileflow"), o.out());
    assertTrue(o.out().contains("env MODEL_NAME; default: from the data file's name"), o.out());
    assertTrue(o.out().contains("env TRAIN_DROP"), o.out());
    assertTrue(o.out().contains("env TRAIN_KEEP"), o.out());
    assertTrue(o.out().contains("env TRAIN_COLUMNS"), o.out());
  }

  @Test
  void aFileWithoutAHeaderRowTrainsWithColumnsAndItsModelTakesThoseNames() throws Exception {
    List<String> lines = Files.readAllLines(Path.of("..", "testdata", "wine.csv"));
    Path data = Files.write(dir.resolve("wine.data"), lines.subList(1, lines.size()));
    String columns = lines.getFirst();
    Path out = dir.resolve("model");
    Outcome o =
        run(
            Map.of(),
            "--dry-run",
            "--data",
            data.toString(),
            "--columns",
            columns,
            "--label",
            "cultivar",
            "--algorithms",
            "logistic",
            "--output",
            out.toString());
    assertEquals(0, o.code(), o.err());
    LoadedModel model = ModelBundle.load(out);
    assertTrue(o.out().contains("(178 rows: "), o.out());
    assertEquals(
        List.of(columns.split(",")).subList(0, 13),
        model.descriptor().features().stream().map(Feature::name).toList());
    Outcome twice =
        run(Map.of(), "--dry-run", "--data", data.toString(), "--columns", "a,b,a", "--label", "b");
    assertEquals(2, twice.code());
    assertEquals(
        "error: bad arguments: --columns names these more than once: [a]", twice.err().strip());
  }

  @Test
  void badArgumentsExitWithTwoAndAOneLineReason() {
    Outcome unknown = run(Map.of(), "--no-such-option");
    assertEquals(2, unknown.code());
    assertTrue(
        unknown.err().startsWith("error: bad arguments: Unknown option: '--no-such-option'"),
        unknown.err());
    Outcome folds = run(Map.of(), "--dry-run", "--folds", "1");
    assertEquals(2, folds.code());
    assertEquals(
        "error: bad arguments: --folds must be between 2 and 50, got 1", folds.err().strip());
    Outcome algorithm = run(Map.of(), "--dry-run", "--algorithms", "svm,deep_net");
    assertEquals(2, algorithm.code());
    assertTrue(algorithm.err().contains("unknown algorithm 'deep_net'"), algorithm.err());
  }

  @Test
  void dropOrKeepOfAnAbsentColumnAndABadDelimiterAreReportedBeforeTraining() {
    String penguins = Path.of("..", "testdata", "penguins.csv").toString();
    Outcome drop = run(Map.of(), "--dry-run", "--data", penguins, "--drop", "island,beak");
    assertEquals(3, drop.code());
    assertEquals(
        "error: bad data: " + penguins + " has no column 'beak' (named in --drop)",
        drop.err().strip());
    Outcome keep = run(Map.of(), "--dry-run", "--data", penguins, "--keep", "wing");
    assertEquals(3, keep.code());
    assertTrue(keep.err().contains("has no column 'wing' (named in --keep)"), keep.err());
    Outcome label = run(Map.of(), "--dry-run", "--data", penguins, "--drop", "species");
    assertEquals(2, label.code());
    assertTrue(label.err().contains("the label cannot be dropped"), label.err());
    Outcome delimiter = run(Map.of(), "--dry-run", "--data", penguins, "--delimiter", ":");
    assertEquals(2, delimiter.code());
    assertEquals(
        "error: bad arguments: --delimiter must be one of , ; | tab space, got ':'",
        delimiter.err().strip());
  }

  @Test
  void missingTrackingUriIsAConfigurationError() {
    Outcome o = run(Map.of(), "--algorithms", "logistic");
    assertEquals(2, o.code());
    assertTrue(o.err().contains("MLFLOW_TRACKING_URI is required"), o.err());
  }

  @Test
  void badDataExitsWithThreeNamingFileColumnAndRow() throws Exception {
    Path csv =
        Files.writeString(dir.resolve("bad.csv"), "a,b,species\n1,2,x\n3,4,y\n5,zz,x\n6,7,y\n");
    Outcome o = run(Map.of(), "--dry-run", "--data", csv.toString());
    assertEquals(3, o.code());
    assertEquals(
        "error: bad data: "
            + csv
            + ", column 'b', row 3: 'zz' is not a number (the column is numeric in 3"
            + " of 4 rows)",
        o.err().strip());
    Outcome missing = run(Map.of(), "--dry-run", "--data", dir.resolve("none.csv").toString());
    assertEquals(3, missing.code());
    assertEquals(
        "error: bad data: data file not found: " + dir.resolve("none.csv"), missing.err().strip());
  }

  @Test
  void dryRunTrainsEvaluatesAndWritesTheBundleLocallyWithoutMlflow() {
    Path out = dir.resolve("bundle");
    Outcome o =
        run(
            Map.of(),
            "--dry-run",
            "--algorithms",
            "logistic,decision_tree",
            "--output",
            out.toString());
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().contains("Winner: "), o.out());
    assertTrue(o.out().contains("Dry run: nothing was written to MLflow"), o.out());
    assertTrue(Files.isRegularFile(out.resolve("MLmodel")));
    assertTrue(Files.isRegularFile(out.resolve("model.ser")));
    assertTrue(Files.isRegularFile(out.resolve("confusion_matrix.png")));
  }

  @Test
  void sameCommandTwiceGivesTheSameCandidateTable() {
    Outcome a = run(Map.of(), "--dry-run", "--algorithms", "svm,random_forest,knn", "--seed", "3");
    Outcome b = run(Map.of(), "--dry-run", "--algorithms", "svm,random_forest,knn", "--seed", "3");
    assertEquals(0, a.code(), a.err());
    assertEquals(scores(a.out()), scores(b.out()));
  }

  private static String scores(String summary) {
    // the candidate rows without the fit-time column and the wall time, which vary between runs
    StringBuilder out = new StringBuilder();
    for (String line : summary.lines().toList()) {
      if (line.contains("±") || line.startsWith("Winner") || line.startsWith("Hold-out")) {
        out.append(line.replaceAll("\\s+\\d+$", "")).append('\n');
      }
    }
    return out.toString();
  }

  @Test
  void unauthorizedServerExitsWithFourAndTheReason() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] body = "Unauthorized".getBytes();
          exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"mlflow\"");
          exchange.sendResponseHeaders(401, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    try {
      Outcome o =
          run(
              Map.of("MLFLOW_TRACKING_URI", "http://127.0.0.1:" + server.getAddress().getPort()),
              "--algorithms",
              "logistic");
      assertEquals(4, o.code(), o.err());
      assertTrue(o.err().startsWith("error: MLflow failure: "), o.err());
      assertTrue(o.err().contains("401"), o.err());
    } finally {
      server.stop(0);
    }
  }
}
