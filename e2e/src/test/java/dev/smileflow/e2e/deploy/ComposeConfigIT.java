package dev.smileflow.e2e.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker-compose.yml through the real Docker Compose v2 ({@code docker compose config}), which
 * needs no Docker engine. benchmarks/compose-config.sh installs a pinned Compose from PyPI on first
 * use, outside the checkout.
 */
class ComposeConfigIT {

  private record Result(int exitCode, String output) {}

  private static Result composeConfig(String... args) throws Exception {
    return composeConfig(Map.of(), args);
  }

  private static Result composeConfig(Map<String, String> env, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(List.of("bash", Project.file("benchmarks/compose-config.sh").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command).directory(Project.root().toFile()).redirectErrorStream(true);
    builder.environment().remove("JOB_ID");
    builder.environment().putAll(env);
    Process p = builder.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "compose config did not finish");
    return new Result(p.exitValue(), out);
  }

  @Test
  void composeAcceptsTheProjectFile() throws Exception {
    Result r = composeConfig();
    assertEquals(
        0, r.exitCode(), "docker compose config rejected docker-compose.yml:\n" + r.output());
  }

  @Test
  void composeRejectsAMisspelledKeyNamingIt(@TempDir Path dir) throws Exception {
    String broken =
        Project.read("docker-compose.yml")
            .replace("stop_grace_period: 10s", "stop_grace_perod: 10s");
    Path file = dir.resolve("docker-compose.yml");
    Files.writeString(file, broken);
    Result r = composeConfig("-f", file.toString());
    assertNotEquals(0, r.exitCode(), "a misspelled key must fail validation");
    assertTrue(
        r.output().contains("stop_grace_perod"), "the error must name the key:\n" + r.output());
  }

  @Test
  void theShardsOverrideRunsThreeShardsOfOneJobBeforeTheApi() throws Exception {
    String[] files = {
      "-f", "docker-compose.yml", "-f", "docker-compose.shards.yml", "config", "--format", "json"
    };
    Result r = composeConfig(Map.of("JOB_ID", "42"), files);
    assertEquals(0, r.exitCode(), r.output());
    JsonNode services =
        new ObjectMapper().readTree(r.output().substring(r.output().indexOf('{'))).path("services");
    List<String> shards = new ArrayList<>();
    for (String name : List.of("train", "train-shard-1", "train-shard-2")) {
      JsonNode env = services.path(name).path("environment");
      shards.add(env.path("TRAIN_SHARD").asText());
      assertEquals("compose-42", env.path("TRAIN_JOB_ID").asText(), name);
      assertEquals("http://mlflow:5000", env.path("MLFLOW_TRACKING_URI").asText(), name);
      assertEquals("iris-classifier", env.path("MODEL_NAME").asText(), name);
    }
    assertEquals(List.of("0/3", "1/3", "2/3"), shards);
    JsonNode waits = services.path("api").path("depends_on");
    for (String name : List.of("train", "train-shard-1", "train-shard-2")) {
      assertEquals(
          "service_completed_successfully", waits.path(name).path("condition").asText(), name);
    }

    Result missing = composeConfig(files);
    assertNotEquals(0, missing.exitCode(), "a job id is required");
    assertTrue(missing.output().contains("JOB_ID"), missing.output());
  }
}
