package dev.smileflow.train;

import static java.util.Objects.requireNonNull;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smileflow.mlflow.ArtifactFile;
import dev.smileflow.mlflow.DatasetInput;
import dev.smileflow.mlflow.Experiment;
import dev.smileflow.mlflow.LoggedModel;
import dev.smileflow.mlflow.LoggedModelStatus;
import dev.smileflow.mlflow.MlflowClient;
import dev.smileflow.mlflow.ModelVersion;
import dev.smileflow.mlflow.Run;
import dev.smileflow.mlflow.RunSearch;
import dev.smileflow.mlflow.RunStatus;
import dev.smileflow.mlflow.Stage;
import dev.smileflow.mlflow.Tag;
import dev.smileflow.mlflow.testing.MlflowTestServer;
import dev.smileflow.train.report.Slices;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** train-job against a real MLflow server. */
class TrainJobIT {
  private static final MlflowTestServer SERVER = MlflowTestServer.shared();

  private static MainTest.Outcome train(Map<String, String> env, String... args) {
    long t0 = System.nanoTime();
    MainTest.Outcome o = MainTest.run(env, args);
    System.out.printf(
        "train-job %s: exit %d in %d ms%n",
        String.join(" ", args), o.code(), (System.nanoTime() - t0) / 1_000_000);
    return o;
  }

  private static List<Run> runs(MlflowClient client, String experiment) {
    Experiment exp = client.tracking().getExperimentByName(experiment);
    return client.tracking().searchAllRuns(RunSearch.of(exp.experimentId(), null));
  }

  @Test
  void defaultJobRegistersAReadyPromotedVersionAndASecondFailingTheBarIsRegisteredButNotPromoted() {
    String experiment = MlflowTestServer.uniqueName("tj-exp");
    String model = MlflowTestServer.uniqueName("tj-iris");
    MainTest.Outcome first = train(SERVER.env(), "--experiment", experiment, "--model-name", model);
    assertEquals(0, first.code(), first.err());
    assertTrue(first.out().contains("models:/" + model + "@production"), first.out());

    try (MlflowClient client = SERVER.newClient()) {
      ModelVersion v1 = client.registry().getModelVersion(model, "1");
      assertEquals("READY", v1.status().name());
      assertEquals(Stage.PRODUCTION, v1.currentStage());
      assertEquals("1", client.registry().getVersionByAlias(model, "production").version());
      assertEquals("promoted", v1.tag("promotion.decision").orElseThrow());
      String source = String.valueOf(v1.source());
      assertTrue(source.startsWith("models:/m-"), "registered from the LoggedModel: " + source);
      String modelId = source.substring("models:/".length());

      Experiment exp = client.tracking().getExperimentByName(experiment);
      assertEquals(
          "custom_model_development",
          Tag.toMap(exp.tags()).get("mlflow.experimentKind"),
          "the MLflow UI opens the experiment in its model-training view");

      List<Run> runs = runs(client, experiment);
      List<Run> parents =
          runs.stream().filter(r -> r.data().tag("mlflow.parentRunId").isEmpty()).toList();
      List<Run> nested =
          runs.stream().filter(r -> r.data().tag("mlflow.parentRunId").isPresent()).toList();
      assertEquals(1, parents.size());
      Run parent = parents.getFirst();
      assertTrue(nested.size() >= 3, "at least three candidates, got " + nested.size());
      for (Run r : runs) {
        assertEquals(RunStatus.FINISHED, r.info().status(), r.info().runName());
      }
      for (Run r : nested) {
        assertEquals(parent.runId(), r.data().tag("mlflow.parentRunId").orElseThrow());
        assertTrue(r.data().param("algorithm").isPresent(), r.info().runName());
        assertTrue(r.data().metric("cv_accuracy_mean").isPresent(), r.info().runName());
        assertTrue(r.data().metric("cv_f1_macro_std").isPresent(), r.info().runName());
      }
      assertTrue(
          nested.stream().anyMatch(r -> r.data().metric("holdout_accuracy").isPresent()),
          "the winner's nested run carries its hold-out accuracy");
      assertEquals("JOB", parent.data().tag("mlflow.source.type").orElseThrow());
      for (String tag :
          List.of("mlflow.user", "mlflow.source.name", "mlflow.note.content", "mlflow.runName")) {
        assertTrue(parent.data().tag(tag).isPresent(), tag);
      }
      assertTrue(parent.data().metric("holdout_accuracy").orElseThrow() > 0.85);
      DatasetInput dataset = parent.inputs().datasetInputs().getFirst();
      assertEquals("training", dataset.context().orElseThrow());
      assertTrue(dataset.dataset().digest().length() <= 36);
      assertTrue(
          requireNonNull(dataset.dataset().schema(), "the data set has a schema")
              .contains("\"mlflow_colspec\""));

      LoggedModel logged = client.loggedModels().get(modelId);
      assertEquals(LoggedModelStatus.LOGGED_MODEL_READY, logged.info().status());
      List<String> files =
          client.artifacts().listFiles(logged.artifactUri()).stream()
              .map(ArtifactFile::path)
              .toList();
      for (String f :
          List.of(
              "MLmodel",
              "bundle.json",
              "model.ser",
              "input_example.json",
              "confusion_matrix.png",
              "roc_curves.png",
              "classification_report.txt")) {
        assertTrue(files.contains(f), f + " not in " + files);
      }
    }

    MainTest.Outcome second =
        train(
            SERVER.env(),
            "--experiment",
            experiment,
            "--model-name",
            model,
            "--algorithms",
            "logistic",
            "--min-score",
            "1.01");
    assertEquals(0, second.code(), second.err());
    assertTrue(second.out().contains("Not promoted: hold-out accuracy"), second.out());
    try (MlflowClient client = SERVER.newClient()) {
      ModelVersion v2 = client.registry().getModelVersion(model, "2");
      assertEquals("READY", v2.status().name());
      assertNotEquals(Stage.PRODUCTION, v2.currentStage());
      assertEquals("1", client.registry().getVersionByAlias(model, "production").version());
      assertEquals("not_promoted", v2.tag("promotion.decision").orElseThrow());
      assertTrue(
          v2.tag("promotion.reason").orElseThrow().contains("--min-score 1.0100"),
          v2.tags().toString());
      assertEquals("1", v2.tag("promotion.champion_version").orElseThrow());
      assertTrue(v2.tag("promotion.champion_score").isPresent());
      assertEquals(Stage.PRODUCTION, client.registry().getModelVersion(model, "1").currentStage());
    }

    // Drift against the production model's training profile, fetched from MLflow: same data, no
    // drift.
    MainTest.Outcome third =
        train(
            SERVER.env(),
            "--experiment",
            experiment,
            "--model-name",
            model,
            "--algorithms",
            "naive_bayes",
            "--no-promote",
            "--reference-profile",
            "models:/" + model + "@production");
    assertEquals(0, third.code(), third.err());
    assertTrue(
        third.out().contains("Not promoted: promotion disabled (--no-promote)"), third.out());
    try (MlflowClient client = SERVER.newClient()) {
      Run latest =
          runs(client, experiment).stream()
              .filter(r -> r.data().tag("mlflow.parentRunId").isEmpty())
              .filter(r -> r.data().tag("registered_version").orElse("").equals("3"))
              .findFirst()
              .orElseThrow();
      assertEquals("D=0.0000 p=1.00", latest.data().tag("drift.petal_length").orElseThrow());
      assertEquals(
          "not_promoted",
          client.registry().getModelVersion(model, "3").tag("promotion.decision").orElseThrow());
    }
  }

  @Test
  void aRawFileIsRegisteredUnderItsOwnNameWithTheLeftOutColumnsAsTagsAndNotInTheSignature()
      throws Exception {
    String experiment = MlflowTestServer.uniqueName("tj-raw");
    MainTest.Outcome o =
        train(
            SERVER.env(),
            "--experiment",
            experiment,
            "--data",
            Path.of("..", "testdata", "penguins-raw.csv").toString(),
            "--label",
            "Species",
            "--missing",
            "impute",
            "--algorithms",
            "logistic");
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().contains("Registered: penguins-raw-classifier version "), o.out());
    try (MlflowClient client = SERVER.newClient()) {
      Run parent =
          runs(client, experiment).stream()
              .filter(r -> r.data().tag("mlflow.parentRunId").isEmpty())
              .findFirst()
              .orElseThrow();
      assertEquals(
          "date (values like '2007-11-11')",
          parent.data().tag("data.excluded.Date Egg").orElseThrow());
      assertEquals(
          "constant (the single value 'Anvers')",
          parent.data().tag("data.excluded.Region").orElseThrow());
      assertTrue(
          parent.data().tag("data.features").orElseThrow().startsWith("studyName, Island,"),
          parent.data().tag("data.features").orElseThrow());
      String source =
          String.valueOf(
              client.registry().getModelVersion("penguins-raw-classifier", "1").source());
      LoggedModel logged = client.loggedModels().get(source.substring("models:/".length()));
      Path mlmodel = Files.createTempFile("MLmodel", ".yaml");
      client.artifacts().downloadFile(logged.artifactUri(), "MLmodel", mlmodel);
      String text = Files.readString(mlmodel);
      assertTrue(text.contains("Culmen Length (mm)"), text);
      for (String excluded : List.of("Sample Number", "Individual ID", "Date Egg", "Comments")) {
        assertFalse(text.contains(excluded), excluded + " in the signature:\n" + text);
      }
    }
  }

  @Test
  void theHoldoutSlicesAreATableArtifactAndTheFlaggedOnesAreTagsOnTheParentRun() throws Exception {
    String experiment = MlflowTestServer.uniqueName("tj-slices");
    MainTest.Outcome o =
        train(
            SERVER.env(),
            "--experiment",
            experiment,
            "--model-name",
            MlflowTestServer.uniqueName("tj-penguins"),
            "--data",
            Path.of("..", "testdata", "penguins.csv").toString(),
            "--label",
            "species",
            "--algorithms",
            "decision_tree");
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().contains("Flagged slice: "), "a tree is weaker on some slices: " + o.out());
    try (MlflowClient client = SERVER.newClient()) {
      Run parent =
          runs(client, experiment).stream()
              .filter(r -> r.data().tag("mlflow.parentRunId").isEmpty())
              .findFirst()
              .orElseThrow();
      Path file = Files.createTempFile("slices", ".json");
      client
          .artifacts()
          .downloadFile(
              requireNonNull(parent.info().artifactUri(), "the run has an artifact location"),
              "reports/slices.json",
              file);
      JsonNode table = new ObjectMapper().readTree(file.toFile());
      assertEquals(
          "[\"feature\",\"slice\",\"rows\",\"correct\",\"accuracy\",\"f1_macro\","
              + "\"accuracy_gap\",\"flagged\"]",
          table.get("columns").toString());
      JsonNode whole = table.get("data").get(0);
      int holdoutRows = (int) (double) parent.data().metric("holdout_rows").orElseThrow();
      double overall = parent.data().metric("holdout_accuracy").orElseThrow();
      assertEquals("*", whole.get(0).asText());
      assertEquals(holdoutRows, whole.get(2).asInt());
      assertEquals(overall, whole.get(4).asDouble(), 1e-6);

      Map<String, Integer> islands = new HashMap<>();
      List<String> flagged = new ArrayList<>();
      for (JsonNode row : table.get("data")) {
        String feature = row.get(0).asText();
        int rows = row.get(2).asInt();
        double accuracy = row.get(4).asDouble();
        assertEquals(Math.round(accuracy * rows), row.get(3).asInt(), row.toString());
        boolean expected = rows >= Slices.MIN_ROWS && overall - accuracy > Slices.MARGIN + 1e-6;
        assertEquals(expected, row.get(7).asBoolean(), "the flagging rule on " + row);
        if (feature.equals("island")) {
          islands.put(row.get(1).asText(), rows);
        }
        if (row.get(7).asBoolean()) {
          flagged.add(
              String.format(
                  Locale.ROOT,
                  "%s: accuracy %.2f vs %.2f overall (n=%d)",
                  row.get(1).asText(),
                  accuracy,
                  overall,
                  rows));
        }
      }
      assertEquals(
          Set.of("island = Biscoe", "island = Dream", "island = Torgersen"), islands.keySet());
      assertEquals(
          holdoutRows, islands.values().stream().mapToInt(Integer::intValue).sum(), "" + islands);
      assertTrue(
          table.get("data").toString().contains("\"sex = female\""), "a slice per sex level");
      assertEquals(
          4,
          StreamSupport.stream(table.get("data").spliterator(), false)
              .filter(r -> r.get(1).asText().startsWith("body_mass_g in "))
              .count(),
          "quartile bins of a numeric feature");

      assertFalse(flagged.isEmpty(), table.toString());
      assertEquals(
          Integer.toString(flagged.size()), parent.data().tag("slice.flagged").orElseThrow());
      for (int i = 0; i < flagged.size(); i++) {
        assertEquals(flagged.get(i), parent.data().tag("slice.flagged." + i).orElseThrow());
      }
      assertTrue(parent.data().tag("slice.flagged." + flagged.size()).isEmpty());
      String note = parent.data().tag("mlflow.note.content").orElseThrow();
      assertTrue(note.contains("- " + flagged.getFirst() + "\n"), note);

      // the filter mlflow.load_table("reports/slices.json") searches runs with
      String loadTable =
          "tags.mlflow.loggedArtifacts LIKE"
              + " '%\"path\"%:%\"reports/slices.json\",%\"type\"%:%\"table\"%'";
      Experiment exp = client.tracking().getExperimentByName(experiment);
      List<Run> tables =
          client.tracking().searchAllRuns(RunSearch.of(exp.experimentId(), loadTable));
      assertEquals(List.of(parent.runId()), tables.stream().map(Run::runId).toList());
      List<Run> withFlags =
          client
              .tracking()
              .searchAllRuns(RunSearch.of(exp.experimentId(), "tags.slice.flagged != '0'"));
      assertEquals(List.of(parent.runId()), withFlags.stream().map(Run::runId).toList());
    }
  }

  @Test
  void unreachableServerExitsWithFourAndTheReason() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Map<String, String> env =
        Map.of(
            "MLFLOW_TRACKING_URI",
            "http://127.0.0.1:" + port,
            "MLFLOW_HTTP_REQUEST_MAX_RETRIES",
            "0");
    MainTest.Outcome o = train(env, "--algorithms", "logistic");
    assertEquals(4, o.code(), o.err());
    assertTrue(o.err().startsWith("error: MLflow failure: "), o.err());
  }

  @Test
  void failureMidRunLeavesNoRunRunning() throws Exception {
    // An experiment whose artifacts are not served by the proxy: the job creates its parent run,
    // then fails at the first upload.
    String experiment = MlflowTestServer.uniqueName("tj-broken");
    HttpRequest create =
        HttpRequest.newBuilder(URI.create(SERVER.uri() + "/api/2.0/mlflow/experiments/create"))
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"name\": \""
                        + experiment
                        + "\", \"artifact_location\": \"file:///nonexistent/train-job-it\"}"))
            .build();
    HttpResponse<String> response =
        HttpClient.newHttpClient().send(create, HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());

    Map<String, String> env = new HashMap<>(SERVER.env());
    MainTest.Outcome o =
        train(
            env,
            "--experiment",
            experiment,
            "--model-name",
            MlflowTestServer.uniqueName("tj-m"),
            "--algorithms",
            "logistic");
    assertEquals(4, o.code(), o.err());
    try (MlflowClient client = SERVER.newClient()) {
      List<Run> runs = runs(client, experiment);
      assertFalse(runs.isEmpty(), "the parent run was created before the failure");
      for (Run r : runs) {
        assertEquals(RunStatus.FAILED, r.info().status(), r.info().runName());
      }
    }
  }
}
