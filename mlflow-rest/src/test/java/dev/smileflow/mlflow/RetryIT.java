package dev.smileflow.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smileflow.mlflow.testing.MlflowTestServer;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Lost responses and dead servers against a real MLflow: retries never duplicate runs, models,
 * versions, metrics.
 */
class RetryIT {

  LosingProxy proxy;
  MlflowClient direct;
  MlflowClient viaProxy;

  @BeforeEach
  void setUp() throws IOException {
    MlflowTestServer server = MlflowTestServer.shared();
    proxy = new LosingProxy(server.uri());
    direct = server.newClient();
    viaProxy =
        MlflowClient.create(
            MlflowConfig.fromEnv(Map.of("MLFLOW_TRACKING_URI", proxy.uri().toString()))
                .withRetries(3, Duration.ofMillis(50)));
  }

  @AfterEach
  void tearDown() {
    viaProxy.close();
    direct.close();
    proxy.close();
  }

  @Test
  void lostRunsCreateResponseDoesNotCreateASecondRun() {
    Experiment exp =
        direct.tracking().getOrCreateExperiment(MlflowTestServer.uniqueName("retry-run"));
    proxy.lose("/api/2.0/mlflow/runs/create", 1);

    Run run = viaProxy.tracking().createRun(RunSpec.of(exp.experimentId(), "once"));

    assertEquals(1, proxy.forwardedCount("/api/2.0/mlflow/runs/create"));
    List<Run> runs = direct.tracking().searchAllRuns(RunSearch.of(exp.experimentId(), null));
    assertEquals(List.of(run.runId()), runs.stream().map(Run::runId).toList());
    assertEquals("once", runs.getFirst().info().runName());
  }

  @Test
  void lostResponsesOfEveryAttemptFailUnavailableWithoutDuplicates() {
    Experiment exp =
        direct.tracking().getOrCreateExperiment(MlflowTestServer.uniqueName("retry-all"));
    proxy.lose("/api/2.0/mlflow/runs/create", 100);
    // The first attempt lands; every later round finds it by its request id instead of sending
    // again.
    Run run = viaProxy.tracking().createRun(RunSpec.of(exp.experimentId(), "lands-once"));
    assertEquals(1, proxy.forwardedCount("/api/2.0/mlflow/runs/create"));
    assertEquals(1, direct.tracking().searchAllRuns(RunSearch.of(exp.experimentId(), null)).size());
    assertEquals(
        run.runId(),
        direct.tracking().searchAllRuns(RunSearch.of(exp.experimentId(), null)).getFirst().runId());
  }

  @Test
  void lostLoggedModelAndVersionResponsesCreateExactlyOneOfEach() {
    Experiment exp =
        direct.tracking().getOrCreateExperiment(MlflowTestServer.uniqueName("retry-model"));
    proxy.lose("/api/2.0/mlflow/logged-models", 1).lose("/api/2.0/mlflow/model-versions/create", 1);

    LoggedModel model =
        viaProxy.loggedModels().create(LoggedModelSpec.of(exp.experimentId(), "m", null));
    String name = MlflowTestServer.uniqueName("retry-registered");
    viaProxy.registry().getOrCreateRegisteredModel(name, null);
    ModelVersion v =
        viaProxy
            .registry()
            .createModelVersion(ModelVersionSpec.fromLoggedModel(name, model.modelId(), null));

    assertEquals(
        1,
        direct.loggedModels().search(List.of(exp.experimentId()), null, 50, null).items().size());
    assertEquals(
        List.of("1"),
        direct.registry().searchModelVersions("name = '" + name + "'", 1000, null).items().stream()
            .map(ModelVersion::version)
            .toList());
    assertEquals("1", v.version());
    assertEquals(1, proxy.forwardedCount("/api/2.0/mlflow/model-versions/create"));
  }

  @Test
  void lostLogBatchResponseDoesNotDuplicateMetrics() {
    Experiment exp =
        direct.tracking().getOrCreateExperiment(MlflowTestServer.uniqueName("retry-metrics"));
    Run run = direct.tracking().createRun(RunSpec.of(exp.experimentId(), "m"));
    proxy.lose("/api/2.0/mlflow/runs/log-batch", 1);

    viaProxy
        .tracking()
        .logBatch(
            run.runId(),
            List.of(Metric.of("acc", 0.5, 10, 0), Metric.of("acc", 0.6, 11, 1)),
            List.of(),
            List.of());

    assertEquals(1, proxy.forwardedCount("/api/2.0/mlflow/runs/log-batch"));
    assertEquals(2, direct.tracking().getMetricHistory(run.runId(), "acc").size());
  }

  @Test
  void lostRunOutputsResponseIsCheckedNotRepeated() {
    Experiment exp =
        direct.tracking().getOrCreateExperiment(MlflowTestServer.uniqueName("retry-outputs"));
    Run run = direct.tracking().createRun(RunSpec.of(exp.experimentId(), "o"));
    LoggedModel model =
        direct.loggedModels().create(LoggedModelSpec.of(exp.experimentId(), "m", run.runId()));
    proxy.lose("/api/2.0/mlflow/runs/outputs", 1);

    viaProxy.tracking().logOutputs(run.runId(), List.of(new ModelOutput(model.modelId(), 0)));

    assertEquals(1, proxy.forwardedCount("/api/2.0/mlflow/runs/outputs"));
    assertEquals(
        List.of(new ModelOutput(model.modelId(), 0)),
        direct.tracking().getRun(run.runId()).outputs().modelOutputs());
  }

  @Test
  void idempotentCallsAreSimplyResentAfterALostResponse() {
    Experiment exp =
        direct.tracking().getOrCreateExperiment(MlflowTestServer.uniqueName("retry-tag"));
    Run run = direct.tracking().createRun(RunSpec.of(exp.experimentId(), "t"));
    proxy.lose("/api/2.0/mlflow/runs/set-tag", 2);

    viaProxy.tracking().setTag(run.runId(), "k", "v");

    assertEquals(3, proxy.forwardedCount("/api/2.0/mlflow/runs/set-tag"));
    assertEquals("v", direct.tracking().getRun(run.runId()).data().tag("k").orElseThrow());
  }

  @Test
  void stoppedServerFailsUnavailableNamingItsUri() {
    URI uri;
    try (MlflowTestServer own = MlflowTestServer.start()) {
      uri = own.uri();
      try (MlflowClient c = own.newClient()) {
        assertTrue(c.tracking().getOrCreateExperiment("alive").experimentId().length() > 0);
      }
    }
    try (MlflowClient c =
        MlflowClient.create(
            MlflowConfig.fromEnv(Map.of("MLFLOW_TRACKING_URI", uri.toString()))
                .withRetries(1, Duration.ofMillis(10)))) {
      MlflowException e =
          assertThrows(MlflowException.class, () -> c.tracking().getOrCreateExperiment("dead"));
      assertEquals(MlflowException.Kind.UNAVAILABLE, e.kind());
      assertTrue(e.message().contains(uri.toString()), e.message());
      assertTrue(e.message().contains("connection refused"), e.message());
    }
  }
}
