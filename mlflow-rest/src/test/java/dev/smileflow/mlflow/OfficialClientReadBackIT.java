package dev.smileflow.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.smileflow.mlflow.testing.MlflowTestServer;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.mlflow.api.proto.Service;

/** What this client writes reads back identically through MLflow's official Java client. */
class OfficialClientReadBackIT {

  @Test
  void runLoggedHereReadsBackThroughTheOfficialClient() {
    MlflowTestServer server = MlflowTestServer.shared();
    try (MlflowClient mlflow = server.newClient()) {
      Experiment exp =
          mlflow.tracking().getOrCreateExperiment(MlflowTestServer.uniqueName("official"));
      Run run = mlflow.tracking().createRun(RunSpec.of(exp.experimentId(), "read-back"));
      mlflow
          .tracking()
          .logBatch(
              run.runId(),
              List.of(Metric.of("accuracy", 0.96, 1000, 0), Metric.of("accuracy", 0.97, 2000, 1)),
              List.of(new Param("max_depth", "8")),
              List.of(new Tag("mlflow.source.type", "JOB")));
      mlflow.tracking().endRun(run.runId(), RunStatus.FINISHED);

      org.mlflow.tracking.MlflowClient official =
          new org.mlflow.tracking.MlflowClient(server.uri().toString());
      try {
        Service.Run read = official.getRun(run.runId());
        assertEquals(Service.RunStatus.FINISHED, read.getInfo().getStatus());
        assertEquals("read-back", read.getInfo().getRunName());
        assertEquals(exp.experimentId(), read.getInfo().getExperimentId());
        Map<String, String> params =
            read.getData().getParamsList().stream()
                .collect(Collectors.toMap(Service.Param::getKey, Service.Param::getValue));
        assertEquals(Map.of("max_depth", "8"), params);
        Map<String, String> tags =
            read.getData().getTagsList().stream()
                .collect(Collectors.toMap(Service.RunTag::getKey, Service.RunTag::getValue));
        assertEquals("JOB", tags.get("mlflow.source.type"));
        assertEquals(
            List.of(0.96, 0.97),
            official.getMetricHistory(run.runId(), "accuracy").stream()
                .sorted(Comparator.comparingLong(Service.Metric::getStep))
                .map(Service.Metric::getValue)
                .toList());
        assertEquals(exp.name(), official.getExperimentByName(exp.name()).orElseThrow().getName());
      } finally {
        official.close();
      }
    }
  }
}
