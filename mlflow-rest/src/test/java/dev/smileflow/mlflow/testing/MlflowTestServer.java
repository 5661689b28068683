package dev.smileflow.mlflow.testing;

import dev.smileflow.mlflow.Auth;
import dev.smileflow.mlflow.MlflowClient;
import dev.smileflow.mlflow.MlflowConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real MLflow tracking server for integration tests.
 *
 * <p>{@link #shared()} returns one started server per JVM (stopped by a shutdown hook); {@link
 * #start()} starts a private one that the caller {@link #close()}s (for tests that need a server to
 * die; a private server of the local executable can also {@link #crash()} or {@link #shutDown()}
 * and {@link #startAgain()} in place). Resolution order: (a) an explicit URI from system property
 * or env {@value #URI_PROPERTY} (only for {@link #shared()}); (b) where Docker works,
 * Testcontainers with {@code ghcr.io/mlflow/mlflow:v<mlflow.version>}; (c) the executable from
 * {@code scripts/mlflow.sh install} on a free loopback port with a temporary sqlite store and
 * artifact directory. If none works this throws, saying what was tried: tests fail, they never
 * skip.
 */
public final class MlflowTestServer implements AutoCloseable {

  /** System property or environment variable naming an already running server to use. */
  public static final String URI_PROPERTY = "MLFLOW_TEST_TRACKING_URI";

  /** Default MLflow version when system property {@code mlflow.version} is not set. */
  public static final String DEFAULT_VERSION = "3.17.2";

  /** Default MLflow 2.x version when system property {@code mlflow2.version} is not set. */
  public static final String DEFAULT_2X_VERSION = "2.22.4";

  static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);

  private static final Logger LOG = LoggerFactory.getLogger(MlflowTestServer.class);
  private static final AtomicLong COUNTER = new AtomicLong();
  private static @Nullable MlflowTestServer shared;
  private static @Nullable MlflowTestServer shared2x;

  private final URI uri;
  private final String description;
  private final Auth auth;
  private final @Nullable Stoppable stoppable;
  private volatile boolean closed;

  /** The backend store of a server this fixture starts. */
  public enum Backend {
    /** A sqlite file in the server's temporary directory. */
    SQLITE,
    /** A PostgreSQL cluster of Debian's postgresql started for this server on a free port. */
    POSTGRESQL
  }

  /**
   * What to start.
   *
   * @param version the MLflow version, e.g. {@link #mlflowVersion()} or {@link #mlflow2Version()}
   * @param backend the backend store
   */
  public record Options(String version, Backend backend) {
    public Options {
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(backend, "backend");
      if (version.isBlank()) {
        throw new IllegalArgumentException("an MLflow version is needed");
      }
    }
  }

  /** How a started server is stopped and inspected. */
  interface Stoppable {
    void stop();

    String logTail();
  }

  private MlflowTestServer(URI uri, String description, Auth auth, @Nullable Stoppable stoppable) {
    this.uri = uri;
    this.description = description;
    this.auth = auth;
    this.stoppable = stoppable;
  }

  static MlflowTestServer wrap(URI uri, String description, Auth auth, Stoppable stoppable) {
    return new MlflowTestServer(uri, description, auth, stoppable);
  }

  /** The JVM-wide server, started on first use and stopped when the JVM exits. */
  public static synchronized MlflowTestServer shared() {
    if (shared == null) {
      String explicit = explicitUri();
      if (explicit != null) {
        shared =
            new MlflowTestServer(
                URI.create(explicit),
                "explicit " + URI_PROPERTY + "=" + explicit,
                new Auth.None(),
                null);
      } else {
        shared = startPrivate(null, URI_PROPERTY + " not set");
      }
      MlflowTestServer s = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(s::close, "mlflow-test-server-stop"));
      LOG.info("shared MLflow test server: {}", s);
    }
    return shared;
  }

  /** A new private server (never the explicit URI), which the caller must {@link #close()}. */
  public static MlflowTestServer start() {
    MlflowTestServer s = startPrivate(null, URI_PROPERTY + " is not used for a private server");
    Runtime.getRuntime().addShutdownHook(new Thread(s::close, "mlflow-test-server-stop"));
    return s;
  }

  /**
   * A new private server of {@code options}' MLflow version and backend store (never the explicit
   * URI nor Docker: always the version's own virtualenv from {@code scripts/mlflow.sh install}),
   * which the caller must {@link #close()}.
   */
  public static MlflowTestServer start(Options options) {
    MlflowTestServer s;
    try {
      s = ProcessServer.start(null, options);
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "no MLflow "
              + options.version()
              + " server ("
              + options.backend()
              + ") for the tests: "
              + e.getMessage(),
          e);
    }
    Runtime.getRuntime().addShutdownHook(new Thread(s::close, "mlflow-test-server-stop"));
    return s;
  }

  /**
   * The JVM-wide MLflow 2.x server ({@link #mlflow2Version()}, sqlite), started on first use and
   * stopped when the JVM exits.
   */
  public static synchronized MlflowTestServer shared2x() {
    if (shared2x == null) {
      MlflowTestServer s = start(new Options(mlflow2Version(), Backend.SQLITE));
      LOG.info("shared MLflow 2.x test server: {}", s);
      shared2x = s;
    }
    return shared2x;
  }

  /**
   * A new private server running MLflow's basic-auth app ({@code --app-name basic-auth}) whose
   * admin is {@code username}/{@code password} (at least 12 characters). Needs the {@code
   * mlflow[auth]} extra (Flask-WTF) in the server's environment; fails with the server log
   * otherwise.
   */
  public static MlflowTestServer startWithBasicAuth(String username, String password) {
    if (password.length() < 12) {
      throw new IllegalArgumentException(
          "MLflow needs an admin password of at least 12 characters");
    }
    MlflowTestServer s =
        startPrivate(
            new Auth.Basic(username, password), URI_PROPERTY + " is not used for a private server");
    Runtime.getRuntime().addShutdownHook(new Thread(s::close, "mlflow-test-server-stop"));
    return s;
  }

  /**
   * A name unique in this JVM and across runs, e.g. {@code prefix-1795424526515-7}; safe for
   * experiments/models.
   */
  public static String uniqueName(String prefix) {
    return prefix + "-" + System.currentTimeMillis() + "-" + COUNTER.incrementAndGet();
  }

  /** The tracking URI, e.g. {@code http://127.0.0.1:41234}. */
  public URI uri() {
    return uri;
  }

  /**
   * A client configuration for this server with quick retries (2 retries, 100 ms backoff) and its
   * credentials.
   */
  public MlflowConfig config() {
    return new MlflowConfig(
        uri, auth, false, null, Duration.ofSeconds(60), 2, Duration.ofMillis(100));
  }

  /** A new client for this server (close it). */
  public MlflowClient newClient() {
    return MlflowClient.create(config());
  }

  /** Environment variables pointing a child process (train-job, api) at this server. */
  public Map<String, String> env() {
    return switch (auth) {
      case Auth.Basic b ->
          Map.of(
              "MLFLOW_TRACKING_URI",
              uri.toString(),
              "MLFLOW_TRACKING_USERNAME",
              b.username(),
              "MLFLOW_TRACKING_PASSWORD",
              b.password());
      case Auth.Bearer t ->
          Map.of("MLFLOW_TRACKING_URI", uri.toString(), "MLFLOW_TRACKING_TOKEN", t.token());
      case Auth.None n -> Map.of("MLFLOW_TRACKING_URI", uri.toString());
    };
  }

  /** The last lines of the server's log (empty for an explicit server). */
  public String logTail() {
    return stoppable == null ? "" : stoppable.logTail();
  }

  /**
   * Kills this private server at once, as a crash or an OOM kill would: SIGKILL to all its
   * processes in one signal, so requests in flight break off. Its backend store and artifacts stay,
   * for {@link #startAgain()}. Returns when none of its processes is left.
   *
   * @throws UnsupportedOperationException for a shared, explicit or Docker server
   */
  public void crash() {
    restartable().crash();
  }

  /**
   * Stops this private server as an orchestrator would: SIGTERM, so requests in flight finish. Its
   * backend store and artifacts stay, for {@link #startAgain()}. Returns when none of its processes
   * is left.
   *
   * @throws UnsupportedOperationException for a shared, explicit or Docker server
   */
  public void shutDown() {
    restartable().shutDown();
  }

  /**
   * Starts this private server again after {@link #crash()} or {@link #shutDown()}: the same
   * command on the same port ({@link #uri()} does not change) with the same backend store and
   * artifact directory. Waits (up to 30 s) until the port can be bound again, then until {@code
   * /health} answers.
   *
   * @throws UnsupportedOperationException for a shared, explicit or Docker server
   */
  public void startAgain() {
    restartable().startAgain();
  }

  /**
   * The local process behind a private server; a shared server is never stopped by one test, and
   * only the local executable can be restarted in place.
   */
  private ProcessServer restartable() {
    synchronized (MlflowTestServer.class) {
      if (this == shared || this == shared2x) {
        throw new UnsupportedOperationException(
            "the shared MLflow server cannot be stopped by a test; use MlflowTestServer.start(...)");
      }
    }
    if (closed) {
      throw new IllegalStateException(this + " is closed");
    }
    if (stoppable instanceof ProcessServer p) {
      return p;
    }
    throw new UnsupportedOperationException(
        "only a local mlflow process can be stopped and started again in place, not " + this);
  }

  /** Stops a server this fixture started (the explicit one is left alone). Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (stoppable != null) {
      stoppable.stop();
    }
  }

  @Override
  public String toString() {
    return "MlflowTestServer[" + uri + ", " + description + "]";
  }

  // ----------------------------------------------------------------------------------------------
  // resolution

  private static @Nullable String explicitUri() {
    String p = System.getProperty(URI_PROPERTY);
    if (p != null && !p.isBlank()) {
      return p.strip();
    }
    String e = System.getenv(URI_PROPERTY);
    return e == null || e.isBlank() ? null : e.strip();
  }

  /** The pinned MLflow 3.x version (pom.xml {@code mlflow.version}). */
  public static String mlflowVersion() {
    String v = System.getProperty("mlflow.version");
    return v == null || v.isBlank() ? DEFAULT_VERSION : v.strip();
  }

  /** The pinned MLflow 2.x version (pom.xml {@code mlflow2.version}). */
  public static String mlflow2Version() {
    String v = System.getProperty("mlflow2.version");
    return v == null || v.isBlank() ? DEFAULT_2X_VERSION : v.strip();
  }

  private static MlflowTestServer startPrivate(
      Auth.@Nullable Basic basicAuth, String explicitNote) {
    List<String> tried = new ArrayList<>();
    if (basicAuth == null) {
      String docker = DockerProbe.unavailableReason();
      if (docker == null) {
        try {
          return DockerServer.start(mlflowVersion());
        } catch (RuntimeException | LinkageError e) {
          tried.add(
              "Testcontainers image ghcr.io/mlflow/mlflow:v" + mlflowVersion() + " failed: " + e);
        }
      } else {
        tried.add("Docker: " + docker);
      }
    } else {
      tried.add("Docker: not used for basic auth");
    }
    try {
      return ProcessServer.start(basicAuth, new Options(mlflowVersion(), Backend.SQLITE));
    } catch (RuntimeException e) {
      tried.add("local mlflow executable: " + e.getMessage());
    }
    throw new IllegalStateException(
        "no MLflow server for the tests; tried: (a) "
            + explicitNote
            + "; (b) "
            + String.join("; (c) ", tried));
  }

  // ----------------------------------------------------------------------------------------------
  // docker

  /** Loads Testcontainers only when present on the classpath. */
  static final class DockerProbe {
    private DockerProbe() {}

    static @Nullable String unavailableReason() {
      try {
        Class.forName("org.testcontainers.DockerClientFactory");
      } catch (ClassNotFoundException | LinkageError e) {
        return "org.testcontainers:testcontainers is not on the test classpath";
      }
      try {
        return DockerServer.dockerAvailable() ? null : "no working Docker environment";
      } catch (RuntimeException | LinkageError e) {
        return "Docker check failed: " + e;
      }
    }
  }

  // ----------------------------------------------------------------------------------------------
  // local process

  /** The pinned {@code mlflow} executable started as a child process. */
  static final class ProcessServer implements Stoppable {
    /** How long {@link #startAgain()} waits for the server's port to be free again. */
    private static final Duration PORT_REUSE_TIMEOUT = Duration.ofSeconds(30);

    /** How long a stop waits for the server's processes to exit. */
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);

    private final ProcessBuilder builder;
    private final URI uri;
    private final Path dir;
    private final @Nullable PostgresServer postgres;
    private Process process;
    private Path log;
    private int restarts;

    private ProcessServer(
        ProcessBuilder builder,
        URI uri,
        Process process,
        Path dir,
        Path log,
        @Nullable PostgresServer postgres) {
      this.builder = builder;
      this.uri = uri;
      this.process = process;
      this.dir = dir;
      this.log = log;
      this.postgres = postgres;
    }

    static MlflowTestServer start(Auth.@Nullable Basic basicAuth, Options options) {
      Path root = projectRoot();
      String mlflow = installMlflow(root, options.version());
      PostgresServer postgres =
          options.backend() == Backend.POSTGRESQL ? PostgresServer.start() : null;
      try {
        return start(basicAuth, options, mlflow, postgres);
      } catch (RuntimeException e) {
        if (postgres != null) {
          postgres.stop();
        }
        throw e;
      }
    }

    private static MlflowTestServer start(
        Auth.@Nullable Basic basicAuth,
        Options options,
        String mlflow,
        @Nullable PostgresServer postgres) {
      String lastFailure = "";
      Path dir = null;
      for (int attempt = 1; attempt <= 3; attempt++) {
        // a fresh directory per attempt: the watchdog deletes the old one when a failed attempt is
        // stopped
        try {
          dir = Files.createTempDirectory("mlflow-test-");
          Files.createDirectories(dir.resolve("artifacts"));
        } catch (IOException e) {
          throw new UncheckedIOException("cannot create a temporary directory for MLflow", e);
        }
        int port = freePort();
        Path log = dir.resolve("server-" + attempt + ".log");
        List<String> cmd =
            new ArrayList<>(
                List.of(
                    mlflow,
                    "server",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    String.valueOf(port),
                    "--workers",
                    "1",
                    "--backend-store-uri",
                    postgres == null
                        ? "sqlite:///" + dir.resolve("mlflow.db").toAbsolutePath()
                        : postgres.sqlAlchemyUri(),
                    "--artifacts-destination",
                    dir.resolve("artifacts").toAbsolutePath().toString(),
                    "--serve-artifacts"));
        ProcessBuilder pb =
            new ProcessBuilder()
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("PYTHONUNBUFFERED", "1");
        // The GenAI job runner (huey consumers) is not needed by these tests and costs processes
        // and CPU.
        pb.environment().put("MLFLOW_SERVER_ENABLE_JOB_EXECUTION", "false");
        pb.environment()
            .keySet()
            .removeIf(k -> k.startsWith("MLFLOW_TRACKING_") || k.equals(URI_PROPERTY));
        if (basicAuth != null) {
          cmd.addAll(List.of("--app-name", "basic-auth"));
          Path ini = dir.resolve("basic_auth.ini");
          writeAuthConfig(ini, dir, basicAuth);
          pb.environment().put("MLFLOW_AUTH_CONFIG_PATH", ini.toString());
          pb.environment().put("MLFLOW_AUTH_ADMIN_USERNAME", basicAuth.username());
          pb.environment().put("MLFLOW_AUTH_ADMIN_PASSWORD", basicAuth.password());
          pb.environment().put("MLFLOW_FLASK_SERVER_SECRET_KEY", "smileflow-test-" + port);
        }
        pb.command(underWatchdog(cmd));
        pb.environment().put("SMILEFLOW_TEST_DATA_DIR", dir.toAbsolutePath().toString());
        Instant started = Instant.now();
        Process process;
        try {
          process = pb.start();
        } catch (IOException e) {
          throw new IllegalStateException("cannot run " + mlflow + ": " + e.getMessage(), e);
        }
        URI uri = URI.create("http://127.0.0.1:" + port);
        ProcessServer server = new ProcessServer(pb, uri, process, dir, log, postgres);
        String failure = waitForHealth(uri, process);
        if (failure == null) {
          LOG.info(
              "started MLflow {} on {} (pid {}) at {} in {} ms, data in {}",
              options.version(),
              postgres == null ? "sqlite" : postgres.sqlAlchemyUri(),
              process.pid(),
              uri,
              Duration.between(started, Instant.now()).toMillis(),
              dir);
          return new MlflowTestServer(
              uri,
              "MLflow "
                  + options.version()
                  + " on "
                  + options.backend()
                  + ", local process pid "
                  + process.pid()
                  + " ("
                  + mlflow
                  + ")",
              basicAuth == null ? new Auth.None() : basicAuth,
              server);
        }
        String tail = server.logTail();
        String hint =
            tail.contains("Flask-WTF")
                ? " (basic auth needs the mlflow[auth] extra: run"
                    + " scripts/mlflow.sh install, which adds it to an older virtualenv)"
                : "";
        lastFailure = failure + hint + "; server log tail:\n" + tail;
        server.killProcessTree();
        if (!tail.contains("address already in use")) {
          break;
        }
      }
      if (dir != null) {
        deleteTree(dir);
      }
      throw new IllegalStateException("MLflow server did not become healthy: " + lastFailure);
    }

    /**
     * Runs {@code cmd} in its own process group under a bash watchdog that holds our stdin pipe:
     * when this JVM dies without closing the server (SIGKILL, surefire timeout), the pipe closes
     * and the watchdog kills the whole group and deletes the server's temporary data directory, so
     * no orphaned MLflow server keeps eating the machine.
     */
    static List<String> underWatchdog(List<String> cmd) {
      String script =
          "set -m; \"$@\" & child=$!; "
              + "trap 'kill -TERM -- -$child 2>/dev/null; wait $child; exit 0' TERM INT; "
              + "while read -r _; do :; done; kill -TERM -- -$child 2>/dev/null; wait $child; "
              + "rm -rf -- \"$SMILEFLOW_TEST_DATA_DIR\"";
      List<String> wrapped = new ArrayList<>(List.of("bash", "-c", script, "mlflow-watchdog"));
      wrapped.addAll(cmd);
      return wrapped;
    }

    private static void writeAuthConfig(Path ini, Path dir, Auth.Basic auth) {
      String text =
          "[mlflow]\n"
              + "default_permission = READ\n"
              + "database_uri = sqlite:///"
              + dir.resolve("basic_auth.db").toAbsolutePath()
              + "\n"
              + "admin_username = "
              + auth.username()
              + "\n"
              + "admin_password = "
              + auth.password()
              + "\n"
              + "authorization_function = mlflow.server.auth:authenticate_request_basic_auth\n";
      try {
        Files.writeString(ini, text, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Null when healthy, else why not. */
    private static @Nullable String waitForHealth(URI uri, Process process) {
      Instant started = Instant.now();
      Instant deadline = started.plus(STARTUP_TIMEOUT);
      try (HttpClient http =
          HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
        HttpRequest health =
            HttpRequest.newBuilder(uri.resolve("/health"))
                .timeout(Duration.ofSeconds(5))
                .GET()
                .build();
        while (Instant.now().isBefore(deadline)) {
          if (!process.isAlive()) {
            return "the mlflow process exited with code " + process.exitValue();
          }
          if (Instant.now().isAfter(started.plusSeconds(5))
              && process.descendants().findAny().isEmpty()) {
            return "the mlflow process exited (its watchdog has no child left)";
          }
          try {
            HttpResponse<String> r = http.send(health, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
              return null;
            }
          } catch (IOException notYet) {
            // still starting
          }
          Thread.sleep(250);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "interrupted while waiting for " + uri + "/health";
      }
      return "GET "
          + uri
          + "/health did not answer 200 within "
          + STARTUP_TIMEOUT.toSeconds()
          + " s";
    }

    /**
     * Kills the server as a crash would: SIGKILL to its whole process group at once (the watchdog's
     * one child leads it), so no worker is left holding the port. Then stops the watchdog with
     * SIGTERM, which leaves the data directory in place.
     */
    synchronized void crash() {
      ProcessHandle leader =
          process
              .children()
              .findFirst()
              .orElseThrow(() ->
                  new IllegalStateException("the MLflow server at " + uri + " is not running"));
      List<ProcessHandle> tree = process.descendants().toList();
      try {
        Process kill =
            new ProcessBuilder(
                    "bash", "-c", "kill -KILL -- -\"$1\"", "kill", Long.toString(leader.pid()))
                .redirectErrorStream(true)
                .start();
        String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (kill.waitFor() != 0) {
          throw new IllegalStateException(
              "kill -KILL of process group " + leader.pid() + " failed: " + out.strip());
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot run bash to kill the MLflow server", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while killing the MLflow server", e);
      }
      awaitExit(tree);
      stopWatchdog();
      LOG.info("crashed the MLflow server at {} (SIGKILL to process group {})", uri, leader.pid());
    }

    /**
     * Stops the server as an orchestrator would: SIGTERM to the watchdog, whose trap sends SIGTERM
     * to the server's process group and waits for it (in-flight requests finish); the data
     * directory stays.
     */
    synchronized void shutDown() {
      List<ProcessHandle> tree = process.descendants().toList();
      stopWatchdog();
      awaitExit(tree);
      LOG.info("shut the MLflow server at {} down (SIGTERM)", uri);
    }

    /**
     * Starts the same command again after {@link #crash()} or {@link #shutDown()}: same port, same
     * backend store and artifact directory, a new log file. Waits for the port to be free (up to
     * {@link #PORT_REUSE_TIMEOUT}) and then for {@code /health}.
     */
    synchronized void startAgain() {
      if (process.isAlive()) {
        throw new IllegalStateException("the MLflow server at " + uri + " is still running");
      }
      Instant deadline = Instant.now().plus(PORT_REUSE_TIMEOUT);
      String lastFailure = "";
      for (int attempt = 1; attempt <= 3; attempt++) {
        awaitPortFree(deadline);
        restarts++;
        log = dir.resolve("server-restart-" + restarts + ".log");
        Instant started = Instant.now();
        try {
          process = builder.redirectOutput(log.toFile()).start();
        } catch (IOException e) {
          throw new UncheckedIOException("cannot start the MLflow server again", e);
        }
        String failure = waitForHealth(uri, process);
        if (failure == null) {
          LOG.info(
              "started the MLflow server at {} again (pid {}) in {} ms",
              uri,
              process.pid(),
              Duration.between(started, Instant.now()).toMillis());
          return;
        }
        String tail = logTail();
        lastFailure = failure + "; server log tail:\n" + tail;
        shutDown();
        if (!tail.contains("address already in use")) {
          break;
        }
      }
      throw new IllegalStateException("MLflow did not start again on " + uri + ": " + lastFailure);
    }

    /** SIGTERM to the watchdog (its trap stops the server's group and keeps the data); waits. */
    private void stopWatchdog() {
      process.destroy();
      try {
        if (!process.waitFor(EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
          throw new IllegalStateException(
              "the MLflow server's watchdog did not exit within "
                  + EXIT_TIMEOUT.toSeconds()
                  + " s of SIGTERM");
        }
        process.getOutputStream().close(); // the watchdog has exited: nothing reads the pipe
      } catch (IOException ignored) {
        // already closed
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while stopping the MLflow server", e);
      }
    }

    private static void awaitExit(List<ProcessHandle> processes) {
      Instant deadline = Instant.now().plus(EXIT_TIMEOUT);
      for (ProcessHandle h : processes) {
        try {
          h.onExit()
              .get(
                  Math.max(1, Duration.between(Instant.now(), deadline).toMillis()),
                  TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
          throw new IllegalStateException(
              "MLflow server process "
                  + h.pid()
                  + " did not exit within "
                  + EXIT_TIMEOUT.toSeconds()
                  + " s");
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(
              "interrupted while waiting for the MLflow server to exit", e);
        }
      }
    }

    /** Waits until the server's loopback port can be bound (as the server binds it: reuse on). */
    private void awaitPortFree(Instant deadline) {
      while (true) {
        try (ServerSocket probe = new ServerSocket()) {
          probe.setReuseAddress(true);
          probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), uri.getPort()));
          return;
        } catch (IOException busy) {
          if (Instant.now().isAfter(deadline)) {
            throw new IllegalStateException(
                "port "
                    + uri.getPort()
                    + " is still in use "
                    + PORT_REUSE_TIMEOUT.toSeconds()
                    + " s after the MLflow server stopped: "
                    + busy.getMessage());
          }
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for port " + uri.getPort(), e);
        }
      }
    }

    @Override
    public synchronized void stop() {
      killProcessTree();
      deleteTree(dir);
      if (postgres != null) {
        postgres.stop();
      }
    }

    void killProcessTree() {
      List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
      try {
        process.getOutputStream().close(); // tells the watchdog to stop the server's process group
      } catch (IOException ignored) {
        // already closed
      }
      tree.forEach(ProcessHandle::destroy);
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor(10, TimeUnit.SECONDS);
        }
        for (ProcessHandle h : tree) {
          try {
            h.onExit().get(5, TimeUnit.SECONDS);
          } catch (TimeoutException | ExecutionException e) {
            h.destroyForcibly();
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        tree.forEach(ProcessHandle::destroyForcibly);
      }
    }

    @Override
    public synchronized String logTail() {
      try {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
      } catch (IOException | UncheckedIOException e) {
        return "(no log: " + e.getMessage() + ")";
      }
    }

    static Path projectRoot() {
      String prop = System.getProperty("project.root");
      if (prop != null
          && !prop.isBlank()
          && Files.isRegularFile(Paths.get(prop, "scripts", "mlflow.sh"))) {
        return Paths.get(prop);
      }
      for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
        if (Files.isRegularFile(p.resolve("scripts").resolve("mlflow.sh"))) {
          return p;
        }
      }
      throw new IllegalStateException(
          "cannot find scripts/mlflow.sh: system property project.root is "
              + (prop == null ? "unset" : "'" + prop + "'")
              + " and no parent of "
              + Paths.get("").toAbsolutePath()
              + " holds it");
    }

    private static String installMlflow(Path root, String version) {
      Path script = root.resolve("scripts").resolve("mlflow.sh");
      try {
        Path out = Files.createTempFile("mlflow-install-", ".log");
        Process p =
            new ProcessBuilder("bash", script.toString(), "install", version)
                .directory(root.toFile())
                .redirectErrorStream(false)
                .redirectError(out.toFile())
                .start();
        String stdout =
            new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(15, TimeUnit.MINUTES)) {
          p.destroyForcibly();
          throw new IllegalStateException(script + " install took longer than 15 minutes");
        }
        String err = Files.readString(out);
        Files.deleteIfExists(out);
        String exe = stdout.isEmpty() ? "" : stdout.lines().reduce((a, b) -> b).orElse("");
        if (p.exitValue() != 0 || exe.isEmpty() || !Files.isExecutable(Paths.get(exe))) {
          throw new IllegalStateException(
              script + " install failed (exit " + p.exitValue() + "): " + err.strip());
        }
        return exe;
      } catch (IOException e) {
        throw new IllegalStateException("cannot run " + script + " install: " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while installing MLflow", e);
      }
    }

    static int freePort() {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        s.setReuseAddress(true);
        return s.getLocalPort();
      } catch (IOException e) {
        throw new UncheckedIOException("no free loopback port", e);
      }
    }
  }

  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException ignored) {
      // best effort
    }
  }
}
