package dev.smileflow.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smileflow.api.model.ModelSource;
import dev.smileflow.mlflow.ModelUri;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiConfigTest {
  private static final Map<String, String> MLFLOW =
      Map.of("MLFLOW_TRACKING_URI", "http://127.0.0.1:5000");

  @Test
  void defaultsFollowTheProductionAliasOfIrisClassifier() {
    ApiConfig c = ApiConfig.fromEnv(MLFLOW);
    assertEquals(
        new ModelSource.Registered(new ModelUri.Alias("iris-classifier", "production")), c.model());
    assertEquals("models:/iris-classifier@production", c.model().uri());
    assertEquals(8080, c.port());
    assertEquals("0.0.0.0", c.host());
    assertEquals(Duration.ofSeconds(30), c.refreshInterval());
    assertEquals(100, c.maxBatchRows());
    assertNull(c.apiKey());
    assertNull(c.cacheDir());
    assertTrue(c.virtualThreads());
    assertEquals(ApiConfig.LogFormat.JSON, c.logFormat());
    assertEquals(
        new ShutdownBudget(Duration.ofSeconds(2), Duration.ofSeconds(6)),
        c.shutdown(),
        "SIGTERM to exit within 8 s, under the 10 s before SIGKILL");
  }

  @Test
  void shutdownDrainAndTimeoutTakeSecondsWithDecimals() {
    var env = new HashMap<>(MLFLOW);
    env.put("SHUTDOWN_DRAIN_SECONDS", "0.5");
    env.put("SHUTDOWN_TIMEOUT_SECONDS", "0");
    ShutdownBudget b = ApiConfig.fromEnv(env).shutdown();
    assertEquals(Duration.ofMillis(500), b.drain());
    assertEquals(Duration.ZERO, b.timeout());
  }

  @Test
  void anyNameIsValidAndABadAliasBlamesItsOwnVariableWhateverTheValueSays() {
    var env = new HashMap<>(MLFLOW);
    env.put("MODEL_NAME", "team/name@x");
    assertEquals(
        "models:/team%2Fname%40x@production", ApiConfig.fromEnv(env).model().uri().toString());
    env.put("MODEL_NAME", "iris");
    env.put("MODEL_ALIAS", "my name");
    var badAlias = assertThrows(InvalidConfigException.class, () -> ApiConfig.fromEnv(env));
    assertEquals(
        List.of("MODEL_ALIAS: invalid alias: 'my name' (letters, digits, _ and -)"),
        problems(badAlias));
  }

  @Test
  void shutdownSettingsOutOfRangeOrNotNumbersAreReported() {
    var env = new HashMap<>(MLFLOW);
    env.put("SHUTDOWN_DRAIN_SECONDS", "-1");
    env.put("SHUTDOWN_TIMEOUT_SECONDS", "soon");
    var e = assertThrows(InvalidConfigException.class, () -> ApiConfig.fromEnv(env));
    assertTrue(
        e.getMessage().contains("SHUTDOWN_DRAIN_SECONDS: must be between 0 and 60 seconds, got -1"),
        e.getMessage());
    assertTrue(
        e.getMessage().contains("SHUTDOWN_TIMEOUT_SECONDS: not a number of seconds: 'soon'"),
        e.getMessage());
    env.put("SHUTDOWN_DRAIN_SECONDS", "61");
    env.remove("SHUTDOWN_TIMEOUT_SECONDS");
    var e2 = assertThrows(InvalidConfigException.class, () -> ApiConfig.fromEnv(env));
    assertEquals(
        List.of("SHUTDOWN_DRAIN_SECONDS: must be between 0 and 60 seconds, got 61"), problems(e2));
  }

  @Test
  void nameAndStageSelectTheLatestVersionInThatStage() {
    ApiConfig c =
        ApiConfig.fromEnv(
            Map.of(
                "MLFLOW_TRACKING_URI",
                "http://h:1",
                "MODEL_NAME",
                "m",
                "MODEL_STAGE",
                "Production"));
    assertEquals(new ModelSource.Registered(new ModelUri.Stage("m", "Production")), c.model());
  }

  @Test
  void modelUriFormsAreParsed() {
    assertEquals(
        new ModelSource.Registered(new ModelUri.Alias("m", "champ")),
        ModelSource.parse("models:/m@champ"));
    assertEquals(
        new ModelSource.Registered(new ModelUri.Version("m", "3")),
        ModelSource.parse("models:/m/3"));
    assertEquals(
        new ModelSource.Registered(new ModelUri.Stage("m", "Production")),
        ModelSource.parse("models:/m/Production"));
    assertEquals(new ModelSource.LocalDirectory(Path.of("/tmp/x")), ModelSource.parse("/tmp/x"));
    assertThrows(IllegalArgumentException.class, () -> ModelSource.parse("models:/m"));
    assertThrows(IllegalArgumentException.class, () -> ModelSource.parse("models:/m/3/x"));
  }

  @Test
  void localDirectoryNeedsNoMlflow(@TempDir Path dir) {
    ApiConfig c = ApiConfig.fromEnv(Map.of("MODEL_URI", dir.toString()));
    assertEquals(new ModelSource.LocalDirectory(dir), c.model());
    assertNull(c.mlflow());
  }

  @Test
  void everyProblemIsListedInOneMessage() {
    var e =
        assertThrows(
            InvalidConfigException.class,
            () ->
                ApiConfig.fromEnv(
                    Map.of(
                        "PORT",
                        "eighty",
                        "MODEL_ALIAS",
                        "prod",
                        "MODEL_STAGE",
                        "Production",
                        "MODEL_REFRESH_SECONDS",
                        "-1",
                        "LOG_FORMAT",
                        "xml",
                        "MAX_BATCH_ROWS",
                        "0",
                        "API_KEY",
                        "short")));
    String m = e.getMessage();
    assertTrue(m.contains("PORT: not a whole number: 'eighty'"), m);
    assertTrue(m.contains("MODEL_ALIAS and MODEL_STAGE: set only one of them"), m);
    assertTrue(m.contains("MODEL_REFRESH_SECONDS: must be between 0 and 86400, got -1"), m);
    assertTrue(m.contains("LOG_FORMAT: must be one of [json, text], got 'xml'"), m);
    assertTrue(m.contains("MAX_BATCH_ROWS: must be between 1 and 100000, got 0"), m);
    assertTrue(m.contains("API_KEY: must be at least 16 characters"), m);
    assertTrue(m.contains("MLFLOW_TRACKING_URI: required"), m);
    assertEquals(7, problems(e).size(), m);
    assertFalse(m.contains("short"), "the API key value must not be shown");
  }

  @Test
  void missingLocalDirectoryAndBadUriAreReported() {
    var e =
        assertThrows(
            InvalidConfigException.class,
            () -> ApiConfig.fromEnv(Map.of("MODEL_URI", "/does/not/exist")));
    assertTrue(
        e.getMessage()
            .contains("MODEL_URI: local model directory does not exist: /does/not/exist"));
    var e2 =
        assertThrows(
            InvalidConfigException.class,
            () ->
                ApiConfig.fromEnv(
                    Map.of("MODEL_URI", "models:/x", "MLFLOW_TRACKING_URI", "ftp://h")));
    assertTrue(
        e2.getMessage().contains("MODEL_URI: expected models:/<name>@<alias>"), e2.getMessage());
  }

  @Test
  void mlflowSettingsAreCheckedByTheClientsParser() {
    var e =
        assertThrows(
            InvalidConfigException.class,
            () ->
                ApiConfig.fromEnv(
                    Map.of("MLFLOW_TRACKING_URI", "http://h:1", "MLFLOW_TRACKING_USERNAME", "u")));
    assertTrue(e.getMessage().contains("MLFLOW_TRACKING_PASSWORD"), e.getMessage());
  }

  @Test
  void toStringNeverShowsSecrets() {
    ApiConfig c =
        ApiConfig.fromEnv(
            Map.of(
                "MLFLOW_TRACKING_URI",
                "http://h:1",
                "MLFLOW_TRACKING_USERNAME",
                "user",
                "MLFLOW_TRACKING_PASSWORD",
                "hunter2-password",
                "API_KEY",
                "0123456789abcdef-key"));
    String s = c.toString();
    assertFalse(s.contains("hunter2"), s);
    assertFalse(s.contains("0123456789abcdef"), s);
    assertTrue(s.contains("apiKey=***"), s);
  }

  @Test
  void predictionLogIsOffAndDriftWatchesTheLast1000RowsByDefault() {
    ApiConfig c = ApiConfig.fromEnv(MLFLOW);
    assertNull(c.predictionLogPath());
    assertEquals(1000, c.driftWindow());
  }

  @Test
  void predictionLogTakesAFileOrStdoutWithASampleThatDefaultsToEveryRow(@TempDir Path dir) {
    var env = new HashMap<>(MLFLOW);
    env.put("PREDICTION_LOG_PATH", dir.resolve("predictions.jsonl").toString());
    ApiConfig c = ApiConfig.fromEnv(env);
    assertEquals(
        dir.resolve("predictions.jsonl").toAbsolutePath().toString(), c.predictionLogPath());
    assertEquals(1.0, c.predictionLogSample());
    env.put("PREDICTION_LOG_PATH", "-");
    env.put("PREDICTION_LOG_SAMPLE", "0.25");
    env.put("DRIFT_WINDOW", "500");
    c = ApiConfig.fromEnv(env);
    assertEquals("-", c.predictionLogPath());
    assertEquals(0.25, c.predictionLogSample());
    assertEquals(500, c.driftWindow());
  }

  @Test
  void badPredictionLogAndDriftSettingsAreEachNamed(@TempDir Path dir) {
    var env = new HashMap<>(MLFLOW);
    env.put("PREDICTION_LOG_PATH", dir.resolve("missing").resolve("p.jsonl").toString());
    env.put("PREDICTION_LOG_SAMPLE", "1.5");
    env.put("DRIFT_WINDOW", "5");
    var e = assertThrows(InvalidConfigException.class, () -> ApiConfig.fromEnv(env));
    assertEquals(
        List.of(
            "PREDICTION_LOG_PATH: the directory of "
                + dir.resolve("missing").resolve("p.jsonl").toAbsolutePath()
                + " does not exist",
            "PREDICTION_LOG_SAMPLE: must be a fraction above 0 and at most 1, got 1.5",
            "DRIFT_WINDOW: must be between 10 and 100000, got 5"),
        problems(e));

    env.put("PREDICTION_LOG_PATH", dir.toString());
    env.put("PREDICTION_LOG_SAMPLE", "half");
    env.remove("DRIFT_WINDOW");
    e = assertThrows(InvalidConfigException.class, () -> ApiConfig.fromEnv(env));
    assertEquals(
        List.of(
            "PREDICTION_LOG_PATH: is a directory, not a file: " + dir.toAbsolutePath(),
            "PREDICTION_LOG_SAMPLE: not a number: 'half'"),
        problems(e));

    env.remove("PREDICTION_LOG_PATH");
    env.put("PREDICTION_LOG_SAMPLE", "0.5");
    e = assertThrows(InvalidConfigException.class, () -> ApiConfig.fromEnv(env));
    assertEquals(
        List.of("PREDICTION_LOG_SAMPLE: needs PREDICTION_LOG_PATH (a file, or - for stdout)"),
        problems(e));
  }

  /** The problems {@code e} lists, one per line of its message. */
  private static List<String> problems(InvalidConfigException e) {
    return e.getMessage().lines().skip(1).map(l -> l.substring("  - ".length())).toList();
  }
}
