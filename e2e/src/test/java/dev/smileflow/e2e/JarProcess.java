package dev.smileflow.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One of the project's jars run as its own process, the way a user or an image runs it. */
final class JarProcess implements AutoCloseable {
  private final Process process;
  private final Path log;

  private JarProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts {@code java -jar jar args...} with {@code env} added to this JVM's environment. */
  static JarProcess start(Path jar, Map<String, String> env, Path log, String... args)
      throws IOException {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar + " does not exist: build it first (scripts/mvn package)");
    }
    List<String> command = new ArrayList<>();
    command.add(javaExecutable());
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    return new JarProcess(builder.start(), log);
  }

  /** Runs the jar to completion and returns its exit code and output. */
  static Result run(Path jar, Map<String, String> env, Path log, Duration timeout, String... args)
      throws IOException, InterruptedException {
    try (JarProcess p = start(jar, env, log, args)) {
      if (!p.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(
            jar.getFileName() + " did not finish within " + timeout + "; output:\n" + p.output());
      }
      return new Result(p.process.exitValue(), p.output());
    }
  }

  /**
   * Runs train-job.jar with {@code env} and {@code args} (five minutes at most) and fails the test
   * unless it exits 0; its output otherwise.
   */
  static Result train(Map<String, String> env, Path log, String... args)
      throws IOException, InterruptedException {
    Result r = run(jar("trainJob.jar"), env, log, Duration.ofMinutes(5), args);
    assertEquals(0, r.exitCode(), "train-job failed:\n" + r.output());
    return r;
  }

  record Result(int exitCode, String output) {}

  boolean isAlive() {
    return process.isAlive();
  }

  String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no output: " + e.getMessage() + ")";
    }
  }

  /** Sends SIGTERM and waits, as a container runtime would. */
  int terminate(Duration grace) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly().waitFor();
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }

  static String javaExecutable() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  static Path jar(String property) {
    String value = System.getProperty(property);
    if (value == null) {
      throw new IllegalStateException(
          "system property " + property + " is not set (failsafe sets it from the pom)");
    }
    return Path.of(value);
  }
}
