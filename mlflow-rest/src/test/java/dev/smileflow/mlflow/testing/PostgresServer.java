package dev.smileflow.mlflow.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A throw-away PostgreSQL cluster for a PostgreSQL-backed MLflow test server: Debian's {@code
 * postgresql} binaries ({@code /usr/lib/postgresql/<major>/bin}), a fresh cluster in a temporary
 * directory with trust authentication on loopback, a free port, database {@value #DATABASE}, run
 * under the same watchdog as MLflow itself and deleted when stopped. PostgreSQL refuses to run as
 * root, so as root the cluster belongs to Debian's {@code postgres} user.
 */
final class PostgresServer {

  static final String DATABASE = "mlflow";
  static final String USER = "smileflow";
  private static final Logger LOG = LoggerFactory.getLogger(PostgresServer.class);
  private static final Duration STARTUP = Duration.ofSeconds(60);

  private final Process process;
  private final Path dir;
  private final int port;

  private PostgresServer(Process process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.port = port;
  }

  /**
   * The backend store URI, with the psycopg2 driver named as in docker-compose.yml (SQLAlchemy 2.1
   * would otherwise pick psycopg 3).
   */
  String sqlAlchemyUri() {
    return "postgresql+psycopg2://" + USER + "@127.0.0.1:" + port + "/" + DATABASE;
  }

  static PostgresServer start() {
    Path bin = binDir();
    boolean root = isRoot();
    Path dir;
    try {
      dir = Files.createTempDirectory("mlflow-postgres-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary directory for PostgreSQL", e);
    }
    try {
      Path data = dir.resolve("data");
      if (root) {
        run(List.of("chown", "postgres:postgres", dir.toString()), dir);
      }
      run(
          asOwner(
              root,
              List.of(
                  bin.resolve("initdb").toString(),
                  "-D",
                  data.toString(),
                  "-U",
                  USER,
                  "--auth=trust",
                  "--encoding=UTF8",
                  "--locale=C.UTF-8",
                  "--no-sync")),
          dir);
      int port = MlflowTestServer.ProcessServer.freePort();
      Path log = dir.resolve("postgres.log");
      List<String> cmd =
          asOwner(
              root,
              List.of(
                  bin.resolve("postgres").toString(),
                  "-D",
                  data.toString(),
                  "-p",
                  Integer.toString(port),
                  "-h",
                  "127.0.0.1",
                  "-k",
                  dir.toString(),
                  "-c",
                  "fsync=off",
                  "-c",
                  "max_connections=100"));
      ProcessBuilder pb =
          new ProcessBuilder(MlflowTestServer.ProcessServer.underWatchdog(cmd))
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      pb.environment().put("SMILEFLOW_TEST_DATA_DIR", dir.toAbsolutePath().toString());
      Process process = pb.start();
      PostgresServer server = new PostgresServer(process, dir, port);
      Instant deadline = Instant.now().plus(STARTUP);
      List<String> ready =
          List.of(
              bin.resolve("pg_isready").toString(),
              "-h",
              "127.0.0.1",
              "-p",
              Integer.toString(port),
              "-U",
              USER,
              "-d",
              "postgres");
      while (exitCode(ready, dir) != 0) {
        if (!process.isAlive() || Instant.now().isAfter(deadline)) {
          String tail = tail(log);
          server.stop();
          throw new IllegalStateException("PostgreSQL did not start; its log:\n" + tail);
        }
        Thread.sleep(200);
      }
      run(
          List.of(
              bin.resolve("createdb").toString(),
              "-h",
              "127.0.0.1",
              "-p",
              Integer.toString(port),
              "-U",
              USER,
              DATABASE),
          dir);
      LOG.info("started PostgreSQL ({}) at 127.0.0.1:{}, data in {}", bin, port, dir);
      return server;
    } catch (IOException e) {
      MlflowTestServer.deleteTree(dir);
      throw new IllegalStateException("cannot start PostgreSQL from " + bin + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      MlflowTestServer.deleteTree(dir);
      throw new IllegalStateException("interrupted while starting PostgreSQL", e);
    }
  }

  /** Stops the cluster and deletes its directory. Idempotent. */
  void stop() {
    try {
      process.getOutputStream().close(); // the watchdog stops the process group
    } catch (IOException ignored) {
      // already closed
    }
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    MlflowTestServer.deleteTree(dir);
  }

  /** The newest Debian PostgreSQL's bin directory. */
  static Path binDir() {
    Path base = Paths.get("/usr/lib/postgresql");
    if (Files.isDirectory(base)) {
      try (Stream<Path> majors = Files.list(base)) {
        var found =
            majors
                .filter(p -> Files.isExecutable(p.resolve("bin").resolve("postgres")))
                .max(Comparator.comparingInt(PostgresServer::major));
        if (found.isPresent()) {
          return found.get().resolve("bin");
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + base, e);
      }
    }
    throw new IllegalStateException(
        "no PostgreSQL server in /usr/lib/postgresql/<major>/bin: install Debian's postgresql"
            + " (scripts/test.sh does so when run as root)");
  }

  private static int major(Path p) {
    try {
      return Integer.parseInt(p.getFileName().toString());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  static boolean isRoot() {
    try {
      return ((Integer) Files.getAttribute(Paths.get("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return false;
    }
  }

  private static List<String> asOwner(boolean root, List<String> cmd) {
    if (!root) {
      return cmd;
    }
    List<String> out = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
    out.addAll(cmd);
    return out;
  }

  private static void run(List<String> cmd, Path dir) throws IOException, InterruptedException {
    Path out = Files.createTempFile("postgres-cmd-", ".log");
    try {
      Process p =
          new ProcessBuilder(cmd)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      if (!p.waitFor(2, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", cmd) + " took longer than 2 minutes");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", cmd)
                + " failed (exit "
                + p.exitValue()
                + "): "
                + Files.readString(out, StandardCharsets.UTF_8).strip());
      }
    } finally {
      Files.deleteIfExists(out);
    }
  }

  private static int exitCode(List<String> cmd, Path dir) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return -1;
    }
    return p.exitValue();
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
