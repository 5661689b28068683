package dev.smileflow.train;

import static java.util.Objects.requireNonNull;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smileflow.train.search.Shard;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** How {@code --shard}, {@code --job-id}, {@code --wait} and {@code select} are read. */
class ShardOptionsTest {
  private static JobConfig config(Map<String, String> env, String... args) {
    TrainCommand command = new TrainCommand(c -> 0, Map.of(), env);
    new CommandLine(command).parseArgs(args);
    return command.config();
  }

  private static String refused(Map<String, String> env, String... args) {
    return requireNonNull(
        assertThrows(UsageException.class, () -> config(env, args)).getMessage(),
        "a refusal says why");
  }

  @Test
  void aCloudRunTaskIsAShardOfItsExecutionWithoutOptions() {
    JobConfig c =
        config(
            Map.of(
                "CLOUD_RUN_TASK_INDEX", "2",
                "CLOUD_RUN_TASK_COUNT", "4",
                "CLOUD_RUN_EXECUTION", "train-job-x7k2p"));
    assertEquals(new Shard(2, 4), c.shard());
    assertEquals("train-job-x7k2p", c.jobId());
    assertTrue(c.sharded());
    assertFalse(c.select());
    assertEquals(Duration.ofHours(1), c.waitTimeout());
  }

  @Test
  void optionsOverrideTheCloudRunVariables() {
    JobConfig c =
        config(
            Map.of("CLOUD_RUN_TASK_INDEX", "2", "CLOUD_RUN_TASK_COUNT", "4"),
            "--shard",
            "0/2",
            "--job-id",
            "nightly-42",
            "--wait",
            "90");
    assertEquals(new Shard(0, 2), c.shard());
    assertEquals("nightly-42", c.jobId());
    assertEquals(Duration.ofSeconds(90), c.waitTimeout());
  }

  @Test
  void aSingleTaskJobIsNotSharded() {
    JobConfig c =
        config(
            Map.of(
                "CLOUD_RUN_TASK_INDEX", "0",
                "CLOUD_RUN_TASK_COUNT", "1",
                "CLOUD_RUN_EXECUTION", "train-job-abc"));
    assertNull(c.shard());
    assertFalse(c.sharded());
  }

  @Test
  void selectIsACommandThatNeedsAJobId() {
    JobConfig c = config(Map.of(), "select", "--job-id", "nightly-42");
    assertTrue(c.select());
    assertNull(c.shard());
    assertTrue(refused(Map.of(), "select").contains("select needs --job-id"));
    assertTrue(refused(Map.of(), "retrain").contains("unknown command 'retrain'"));
  }

  @Test
  void badShardSettingsAreUsageErrors() {
    assertTrue(refused(Map.of(), "--shard", "1/3").contains("--shard needs --job-id"));
    assertTrue(refused(Map.of(), "--shard", "3/3", "--job-id", "j").contains("I/N"));
    assertTrue(
        refused(Map.of(), "--shard", "0/2", "--job-id", "j", "--dry-run").contains("--dry-run"));
    assertTrue(
        refused(Map.of(), "select", "--shard", "0/2", "--job-id", "j").contains("without --shard"));
    assertTrue(refused(Map.of(), "--shard", "0/2", "--job-id", "it's").contains("--job-id"));
    assertTrue(
        refused(Map.of(), "--shard", "0/2", "--job-id", "j", "--wait", "0").contains("--wait"));
  }
}
