package dev.smileflow.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smileflow.mlflow.MlflowClient;
import dev.smileflow.mlflow.ModelVersion;
import dev.smileflow.mlflow.ModelVersionSpec;
import dev.smileflow.mlflow.Stage;
import dev.smileflow.mlflow.testing.MlflowTestServer;
import dev.smileflow.train.registry.PromotionGate;
import dev.smileflow.train.registry.Registrar;
import dev.smileflow.train.search.Metric;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The champion-versus-challenger gate against a real MLflow server: real jobs produce a strong and
 * a weak model of the same Iris data (a depth-8 tree, and a depth-2 tree that Smile grows as a
 * one-split stump), and the gate's decision is read back from the registry.
 */
class PromotionGateIT {
  private static final MlflowTestServer SERVER = MlflowTestServer.shared();
  static final List<String> STRONG =
      List.of("--algorithms", "decision_tree", "--param", "decision_tree.max_depth=8");
  static final List<String> WEAK =
      List.of("--algorithms", "decision_tree", "--param", "decision_tree.max_depth=2");

  @TempDir Path work;

  private static void train(String experiment, String model, List<String> kind, String... more) {
    List<String> args =
        new ArrayList<>(List.of("--experiment", experiment, "--model-name", model, "--folds", "3"));
    args.addAll(kind);
    args.addAll(List.of(more));
    MainTest.Outcome o = MainTest.run(SERVER.env(), args.toArray(String[]::new));
    assertEquals(0, o.code(), o.err());
  }

  private static ModelVersion version(MlflowClient client, String model, String version) {
    return client.registry().getModelVersion(model, version);
  }

  private static String production(MlflowClient client, String model) {
    return client.registry().getVersionByAlias(model, "production").version();
  }

  private static double holdout(ModelVersion v) {
    return Double.parseDouble(v.tag("holdout_accuracy").orElseThrow());
  }

  @Test
  void aWorseChallengerIsNotPromotedAndThePromoteMarginIsHonouredBothWays() {
    String experiment = MlflowTestServer.uniqueName("gate-exp");
    String model = MlflowTestServer.uniqueName("gate");
    train(experiment, model, STRONG);
    train(experiment, model, WEAK);
    train(experiment, model, STRONG, "--promote-margin", "0.05");
    train(experiment, model, WEAK, "--promote-margin", "-1");
    try (MlflowClient client = SERVER.newClient()) {
      ModelVersion strong = version(client, model, "1");
      ModelVersion weak = version(client, model, "2");
      assertTrue(
          holdout(strong) > holdout(weak) + 0.1,
          "the stump is clearly worse: " + holdout(strong) + " vs " + holdout(weak));

      assertEquals("not_promoted", weak.tag("promotion.decision").orElseThrow());
      assertEquals("1", weak.tag("promotion.champion_version").orElseThrow());
      assertTrue(
          weak.tag("promotion.reason").orElseThrow().contains("< margin 0.0000"),
          weak.tags().toString());

      ModelVersion equal = version(client, model, "3");
      assertEquals(holdout(strong), holdout(equal), "same data, seed and model: same score");
      assertEquals("not_promoted", equal.tag("promotion.decision").orElseThrow());
      assertTrue(
          equal.tag("promotion.reason").orElseThrow().contains("(gain 0.0000 < margin 0.0500)"),
          equal.tags().toString());
      assertEquals("0.050000", equal.tag("promotion.margin").orElseThrow());

      ModelVersion tolerated = version(client, model, "4");
      assertEquals("promoted", tolerated.tag("promotion.decision").orElseThrow());
      assertTrue(
          tolerated.tag("promotion.reason").orElseThrow().contains(">= margin -1.0000"),
          tolerated.tags().toString());
      assertEquals("4", production(client, model));
      assertEquals(Stage.PRODUCTION, version(client, model, "4").currentStage());
      assertEquals(Stage.ARCHIVED, version(client, model, "1").currentStage());
    }
  }

  @Test
  void aChampionThatCannotScoreTheNewColumnsBlocksPromotionWithItsReasonInTheTags() {
    String experiment = MlflowTestServer.uniqueName("gate-cols-exp");
    String model = MlflowTestServer.uniqueName("gate-cols");
    train(experiment, model, STRONG);
    train(
        experiment,
        model,
        STRONG,
        "--data",
        Path.of("..", "testdata", "wine.csv").toString(),
        "--label",
        "cultivar");
    try (MlflowClient client = SERVER.newClient()) {
      ModelVersion wine = version(client, model, "2");
      assertEquals("not_promoted", wine.tag("promotion.decision").orElseThrow());
      assertEquals("unscorable", wine.tag("promotion.champion_score").orElseThrow());
      assertEquals("1", wine.tag("promotion.champion_version").orElseThrow());
      String reason = wine.tag("promotion.reason").orElseThrow();
      assertTrue(
          reason.startsWith("production version 1 could not be scored on the same rows: "), reason);
      assertTrue(reason.contains("sepal_length"), "names what the champion lacks: " + reason);
      assertEquals("1", production(client, model));
    }
  }

  @Test
  void aChampionThatMovesWhileDecidingIsScoredAndTheChallengerDecidedAgainstIt()
      throws IOException {
    String experiment = MlflowTestServer.uniqueName("gate-cas-exp");
    String model = MlflowTestServer.uniqueName("gate-cas");
    train(experiment, model, WEAK);
    train(experiment, model, STRONG, "--no-promote");
    PromotionGate gate = new PromotionGate(Metric.ACCURACY, null, 0.0, true);
    Registrar.HoldoutRows iris = iris();
    try (MlflowClient client = SERVER.newClient()) {
      Registrar registrar = new Registrar(client, model, "production");
      double weakScore = holdout(version(client, model, "1"));
      double strongScore = holdout(version(client, model, "2"));

      // This job scores the weak champion, then another job promotes the strong version.
      PromotionGate.Champion champion = registrar.champion(iris, Metric.ACCURACY, work);
      assertEquals("1", ((PromotionGate.Scored) champion).version());
      client.registry().setAlias(model, "production", "2");
      String between = challenger(client, model);
      double betweenScore = (weakScore + strongScore) / 2;
      assertTrue(
          gate.decide(betweenScore, champion).promote(),
          "against the champion it scored, this job would promote");

      PromotionGate.Decision decision =
          registrar.promote(between, gate, betweenScore, champion, iris, work);

      assertFalse(decision.promote(), decision.reason());
      assertEquals("2", production(client, model), "the better version stays in production");
      ModelVersion v = version(client, model, between);
      assertEquals("not_promoted", v.tag("promotion.decision").orElseThrow());
      assertEquals("2", v.tag("promotion.champion_version").orElseThrow());
      assertTrue(
          v.tag("promotion.reason")
              .orElseThrow()
              .startsWith("production moved while deciding (v1 -> v2), decided again: "),
          v.tags().toString());

      // A challenger better than the new champion is promoted after the second decision.
      client.registry().setAlias(model, "production", "1");
      champion = registrar.champion(iris, Metric.ACCURACY, work.resolve("again"));
      client.registry().setAlias(model, "production", "2");
      String best = challenger(client, model);
      decision = registrar.promote(best, gate, 1.0, champion, iris, work.resolve("again"));
      assertTrue(decision.promote(), decision.reason());
      assertEquals(best, production(client, model));
      assertEquals(
          "2", version(client, model, best).tag("promotion.champion_version").orElseThrow());
    }
  }

  /** A new version to stand in for a concurrent job's challenger (its files are not scored). */
  private static String challenger(MlflowClient client, String model) {
    ModelVersion strong = version(client, model, "2");
    String modelId = String.valueOf(strong.source()).substring("models:/".length());
    return client
        .registry()
        .createModelVersion(ModelVersionSpec.fromLoggedModel(model, modelId, strong.runId()))
        .version();
  }

  /** All 150 bundled Iris rows, as the champion is scored on them. */
  private static Registrar.HoldoutRows iris() throws IOException {
    List<Map<String, Object>> rows = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    try (InputStream in = Main.class.getResourceAsStream("/iris.csv")) {
      List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
      String[] header = lines.getFirst().split(",");
      for (String line : lines.subList(1, lines.size())) {
        String[] cells = line.split(",");
        Map<String, Object> row = new LinkedHashMap<>();
        for (int c = 0; c < header.length - 1; c++) {
          row.put(header[c], Double.parseDouble(cells[c]));
        }
        rows.add(row);
        labels.add(cells[header.length - 1]);
      }
    }
    return new Registrar.HoldoutRows(rows, labels);
  }
}
