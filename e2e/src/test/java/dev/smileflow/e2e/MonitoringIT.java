package dev.smileflow.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smileflow.e2e.deploy.Project;
import dev.smileflow.mlflow.testing.MlflowTestServer;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitoring the compose {@code monitoring} profile ships, with real parts: the api serving a
 * model train-job registered, scraped by Debian's Prometheus with the checked-in {@code
 * deploy/prometheus/prometheus.yml} (the target pointed at it), and every query of the checked-in
 * Grafana dashboard run against that Prometheus, with the shipped alert rules loaded. Grafana
 * itself is not installable here (no Debian package, no image registry, its download site
 * unreachable), so the dashboard is checked through what it asks of Prometheus.
 */
class MonitoringIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Pattern LISTENING =
      Pattern.compile("msg=\"Listening on\" address=127\\.0\\.0\\.1:(\\d+)");

  /** The api's metric families by prefix; label names such as model_version are not metrics. */
  private static final Pattern METRIC = Pattern.compile("\\b(?:http|model|api)_[a-z0-9_]+\\b");

  /**
   * Families the api creates on their first event (a counter labelled with a refusal's reason):
   * absent from /metrics until then, so checked against the metrics table of docs/api.md instead.
   */
  private static final Set<String> ON_FIRST_EVENT = Set.of("model_load_failures_total");

  @TempDir Path tmp;

  /** The metric names a PromQL expression reads: without its by/without clauses and matchers. */
  static Set<String> metricsOf(String expr) {
    String bare =
        expr.replaceAll("\\b(?:by|without)\\s*\\([^)]*\\)", " ").replaceAll("\\{[^}]*\\}", " ");
    Set<String> names = new TreeSet<>();
    Matcher m = METRIC.matcher(bare);
    while (m.find()) {
      names.add(m.group());
    }
    return names;
  }

  @Test
  void everyDashboardQueryReadsWhatTheApiExportsThroughTheShippedPrometheusConfig()
      throws Exception {
    JsonNode dashboard = JSON.readTree(Project.read("deploy/grafana/dashboards/smileflow.json"));
    String datasourceUid =
        Project.yaml("deploy/grafana/provisioning/datasources/prometheus.yml")
            .path("datasources")
            .get(0)
            .path("uid")
            .asText();

    String tracking = MlflowTestServer.shared().uri().toString();
    Map<String, String> env = new HashMap<>();
    env.put("MLFLOW_TRACKING_URI", tracking);
    env.put("MLFLOW_EXPERIMENT_NAME", MlflowTestServer.uniqueName("monitoring-exp"));
    env.put("MODEL_NAME", MlflowTestServer.uniqueName("monitoring"));
    // Penguins: numeric and categorical features, so every drift family has series
    JarProcess.train(
        env,
        tmp.resolve("train.log"),
        "--data",
        Project.file("testdata/penguins.csv").toString(),
        "--label",
        "species",
        "--algorithms",
        "logistic");

    try (ApiServer api = ApiServer.startReady(env, tmp.resolve("api.log"))) {
      ObjectNode adelie = firstPenguin(JSON.readTree(api.get("/v1/model").body()));
      for (int i = 0; i < 30; i++) {
        api.postJson("/v1/classify", adelie.toString());
      }
      assertEquals(400, api.postJson("/v1/classify", "{\"bill_length_mm\": \"x\"}").statusCode());
      String exported = api.get("/metrics").body();
      String documented = Project.read("docs/api.md");

      // the shipped config and its rule file, side by side as in the container's /etc/prometheus
      Path config = tmp.resolve("prometheus.yml");
      String shipped = Project.read("deploy/prometheus/prometheus.yml");
      assertTrue(shipped.contains("\"api:8080\""), "the shipped config scrapes the api service");
      Files.writeString(
          config,
          shipped
              .replace("\"api:8080\"", "\"127.0.0.1:" + api.port() + "\"")
              .replace("scrape_interval: 5s", "scrape_interval: 1s")
              .replace("evaluation_interval: 15s", "evaluation_interval: 1s"));
      Files.copy(Project.file("deploy/prometheus/alerts.yml"), tmp.resolve("alerts.yml"));
      Process prometheus =
          new ProcessBuilder(
                  prometheusBinary(),
                  "--config.file=" + config,
                  "--storage.tsdb.path=" + tmp.resolve("tsdb"),
                  "--web.listen-address=127.0.0.1:0")
              .redirectErrorStream(true)
              .redirectOutput(tmp.resolve("prometheus.log").toFile())
              .start();
      try {
        URI base = URI.create("http://127.0.0.1:" + boundPort(prometheus) + "/api/v1/query");
        awaitSeries(base, "model_predictions_total", Duration.ofSeconds(60));

        List<String> problems = new ArrayList<>();
        Set<String> read = new LinkedHashSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
          String title = panel.path("title").asText();
          if (!datasourceUid.equals(panel.path("datasource").path("uid").asText())) {
            problems.add(title + ": not on the provisioned data source " + datasourceUid);
          }
          if (panel.path("description").asText().isBlank()) {
            problems.add(title + ": no description");
          }
          for (JsonNode target : panel.path("targets")) {
            String expr = target.path("expr").asText();
            Set<String> names = metricsOf(expr);
            if (names.isEmpty()) {
              problems.add(title + ": reads no api metric: " + expr);
            }
            for (String name : names) {
              read.add(name);
              if (ON_FIRST_EVENT.contains(name)) {
                if (!documented.contains("`" + name + "`")) {
                  problems.add(title + ": " + name + " is not in docs/api.md's metrics table");
                }
              } else if (!Pattern.compile("(?m)^" + name + "[{ ]").matcher(exported).find()) {
                problems.add(title + ": " + name + " is not in the api's /metrics");
              }
            }
            JsonNode answer = query(base, expr);
            if (!"success".equals(answer.path("status").asText())) {
              problems.add(title + ": Prometheus refused " + expr + ": " + answer);
            }
          }
        }
        assertEquals(List.of(), problems);
        System.out.println("dashboard reads " + read);

        JsonNode byLabel =
            query(base, "sum by (label, model_version) (model_predictions_total)")
                .path("data")
                .path("result");
        assertFalse(byLabel.isEmpty(), "predictions by label and version reach Prometheus");
        assertEquals("Adelie", byLabel.get(0).path("metric").path("label").asText());
        assertEquals(
            30.0, Double.parseDouble(byLabel.get(0).path("value").get(1).asText()), "30 rows");
        JsonNode refused =
            query(base, "sum(http_server_requests_seconds_count{status=\"400\"})")
                .path("data")
                .path("result");
        assertEquals(1.0, Double.parseDouble(refused.get(0).path("value").get(1).asText()));

        JsonNode rules = get(URI.create(base.toString().replace("/query", "/rules")));
        Set<String> alerts = new TreeSet<>();
        String alertExpr = "";
        for (JsonNode group : rules.path("data").path("groups")) {
          for (JsonNode rule : group.path("rules")) {
            alerts.add(rule.path("name").asText());
            if (rule.path("name").asText().equals("SmileflowModelDrift")) {
              alertExpr = rule.path("query").asText();
            }
          }
        }
        assertEquals(Set.of("SmileflowDriftMetricsAbsent", "SmileflowModelDrift"), alerts);
        assertEquals("max(model_drift_flagged) > 0", alertExpr);
        assertTrue(
            query(base, alertExpr).path("data").path("result").isEmpty(),
            "no drift yet: the alert's expression does not hold");

        // traffic far from the training data: bills about 100 mm longer on every row
        for (int i = 0; i < 150; i++) {
          ObjectNode shifted = adelie.deepCopy();
          shifted.put("bill_length_mm", 139.1 + (i % 10) * 0.1);
          api.postJson("/v1/classify", shifted.toString());
        }
        awaitSeries(
            base, "model_drift_flagged{feature=\"bill_length_mm\"} == 1", Duration.ofSeconds(60));
        assertFalse(
            query(base, alertExpr).path("data").path("result").isEmpty(),
            "the retraining alert's expression holds once a feature drifted");
      } finally {
        prometheus.destroy();
        prometheus.waitFor();
      }
    }
  }

  /** The first row of testdata/penguins.csv with the features the served model takes. */
  private static ObjectNode firstPenguin(JsonNode model) {
    List<String> lines = Project.read("testdata/penguins.csv").lines().limit(2).toList();
    String[] names = lines.get(0).split(",");
    String[] values = lines.get(1).split(",");
    Set<String> inputs = new TreeSet<>();
    model
        .path("data")
        .path("signature")
        .path("inputs")
        .forEach(i -> inputs.add(i.path("name").asText()));
    ObjectNode row = JSON.createObjectNode();
    for (int c = 0; c < names.length; c++) {
      if (inputs.contains(names[c])) {
        if (values[c].matches("-?[0-9.]+")) {
          row.put(names[c], Double.parseDouble(values[c]));
        } else {
          row.put(names[c], values[c]);
        }
      }
    }
    assertEquals(inputs, iterableToSet(row.fieldNames()), "the first penguin has every input");
    return row;
  }

  private static Set<String> iterableToSet(Iterator<String> names) {
    Set<String> out = new TreeSet<>();
    names.forEachRemaining(out::add);
    return out;
  }

  private static String prometheusBinary() {
    for (String candidate : List.of("/usr/bin/prometheus", "/usr/local/bin/prometheus")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    return fail(
        "no prometheus binary: scripts/test.sh installs Debian's package (apt-get install"
            + " prometheus)");
  }

  private int boundPort(Process prometheus) throws IOException, InterruptedException {
    Path log = tmp.resolve("prometheus.log");
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (!prometheus.isAlive()) {
        fail("prometheus exited:\n" + Files.readString(log));
      }
      Matcher m = LISTENING.matcher(Files.exists(log) ? Files.readString(log) : "");
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
      Thread.sleep(100);
    }
    return fail("prometheus did not listen within 30 s:\n" + Files.readString(log));
  }

  private static JsonNode query(URI base, String expr) throws IOException, InterruptedException {
    return get(URI.create(base + "?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8)));
  }

  private static JsonNode get(URI uri) throws IOException, InterruptedException {
    HttpResponse<String> r =
        HTTP.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(r.body());
  }

  @Test
  void theRetrainingAlertWaitsThirtyMinutesAndFiresWithItsRoutingLabel() throws Exception {
    Process promtool =
        new ProcessBuilder(
                Path.of(prometheusBinary()).resolveSibling("promtool").toString(),
                "test",
                "rules",
                "alerts.test.yml")
            .directory(Project.file("deploy/prometheus").toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, promtool.waitFor(), out);
    assertTrue(out.contains("SUCCESS"), out);
  }

  /** Waits until Prometheus has scraped {@code metric} with a value. */
  private static void awaitSeries(URI base, String metric, Duration limit)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      if (!query(base, metric).path("data").path("result").isEmpty()) {
        return;
      }
      Thread.sleep(200);
    }
    fail("Prometheus had no " + metric + " after " + limit);
  }
}
