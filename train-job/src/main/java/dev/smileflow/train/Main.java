package dev.smileflow.train;

import dev.smileflow.mlflow.MlflowClient;
import dev.smileflow.mlflow.MlflowConfig;
import dev.smileflow.train.registry.Registrar;
import dev.smileflow.train.search.Shard;
import dev.smileflow.train.tracking.JobExecution;
import dev.smileflow.train.tracking.MlflowTracker;
import dev.smileflow.train.tracking.ReferenceProfiles;
import dev.smileflow.train.tracking.Tracker;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;

/**
 * {@code java -jar train-job.jar}: reads the environment once, runs the job and exits with a code
 * chosen by {@link ExitCodes}. {@link #main} is the only {@code System.exit}; on SIGINT/SIGTERM a
 * shutdown hook interrupts the job and waits for it to mark its runs KILLED.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    Thread jobThread = Thread.currentThread();
    Cancellation cancel = new Cancellation();
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              cancel.cancel();
              jobThread.interrupt();
              try {
                finished.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "train-job-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    int code = run(args, System.getenv(), out, err, cancel, ProgressBar.isTerminal());
    finished.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running: the JVM exits with the signal's status once it returns
    }
    System.exit(code);
  }

  /** Runs the command line with an explicit environment; returns the exit code. */
  static int run(
      String[] args,
      Map<String, String> env,
      PrintWriter out,
      PrintWriter err,
      Cancellation cancel,
      boolean terminal) {
    Map<String, String> runTags = standardTags(env);
    TrainCommand command =
        new TrainCommand(config -> execute(config, env, out, err, cancel, terminal), runTags, env);
    CommandLine cli =
        new CommandLine(command)
            .setOut(out)
            .setErr(err)
            .setCaseInsensitiveEnumValuesAllowed(true)
            .setParameterExceptionHandler((e, a) -> {
              err.println("error: bad arguments: " + e.getMessage());
              err.println("Try 'train-job --help'.");
              err.flush();
              return ExitCodes.USAGE;
            })
            .setExecutionExceptionHandler((e, c, p) -> {
              err.println(ExitCodes.reason(e));
              err.flush();
              return ExitCodes.of(e);
            });
    return cli.execute(args);
  }

  private static int execute(
      JobConfig config,
      Map<String, String> env,
      PrintWriter out,
      PrintWriter err,
      Cancellation cancel,
      boolean terminal) {
    ProgressBar progress = new ProgressBar(terminal, err);
    if (config.dryRun()) {
      TrainJob.Result result =
          new TrainJob(
                  config,
                  new Tracker.DryRun(),
                  null,
                  cancel,
                  progress,
                  (ref, dir) -> {
                    throw new UsageException(
                        "--reference-profile "
                            + ref
                            + " needs MLflow; use a local file with --dry-run");
                  },
                  TrainJob.ModelCheck.SERVED_AS_TRAINED)
              .run();
      Summary.print(out, result, config);
      return ExitCodes.OK;
    }
    MlflowConfig mlflow;
    try {
      mlflow = MlflowConfig.fromEnv(env);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e);
    }
    try (MlflowClient client = MlflowClient.create(mlflow)) {
      MlflowTracker tracker = new MlflowTracker(client, config.experiment(), config.runTags());
      Registrar registrar = new Registrar(client, config.modelName(), config.alias());
      TrainJob job =
          new TrainJob(
              config,
              tracker,
              registrar,
              cancel,
              progress,
              (ref, dir) -> ReferenceProfiles.download(client, ref, dir),
              TrainJob.ModelCheck.SERVED_AS_TRAINED);
      if (config.jobId() != null && config.sharded()) {
        JobExecution execution = new JobExecution(client, config.experiment(), config.jobId());
        ShardedJob sharded = new ShardedJob(config, job, tracker, execution, cancel);
        Shard shard = config.shard();
        ShardedJob.Outcome outcome = shard == null ? sharded.select() : sharded.shard(shard);
        Summary.print(out, outcome, config);
        return ExitCodes.OK;
      }
      Summary.print(out, job.run(), config);
      return ExitCodes.OK;
    }
  }

  /** The MLflow system tags every run carries. */
  static Map<String, String> standardTags(Map<String, String> env) {
    Map<String, String> tags = new LinkedHashMap<>();
    String user = env.getOrDefault("USER", System.getProperty("user.name", "unknown"));
    tags.put("mlflow.user", user.isBlank() ? "unknown" : user);
    tags.put("mlflow.source.name", "train-job.jar (dev.smileflow.train.Main)");
    tags.put("mlflow.source.type", "JOB");
    String commit = env.get("GIT_COMMIT");
    if (commit == null || commit.isBlank()) {
      commit = gitHead(Path.of("").toAbsolutePath());
    }
    if (commit != null) {
      tags.put("mlflow.source.git.commit", commit);
    }
    return tags;
  }

  /** The commit of the git checkout containing {@code dir}, read from {@code .git}, or null. */
  static @Nullable String gitHead(Path dir) {
    for (Path d = dir; d != null; d = d.getParent()) {
      Path git = d.resolve(".git");
      if (!Files.isDirectory(git)) {
        continue;
      }
      try {
        String head = Files.readString(git.resolve("HEAD")).trim();
        if (head.matches("[0-9a-f]{40}")) {
          return head;
        }
        if (head.startsWith("ref: ")) {
          String ref = head.substring(5).trim();
          Path refFile = git.resolve(ref);
          if (Files.isRegularFile(refFile)) {
            return Files.readString(refFile).trim();
          }
          Path packed = git.resolve("packed-refs");
          if (Files.isRegularFile(packed)) {
            for (String line : Files.readAllLines(packed)) {
              if (line.endsWith(" " + ref)) {
                return line.substring(0, 40);
              }
            }
          }
        }
      } catch (IOException | RuntimeException e) {
        return null;
      }
      return null;
    }
    return null;
  }
}
