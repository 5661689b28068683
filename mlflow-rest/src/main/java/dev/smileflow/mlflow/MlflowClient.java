package dev.smileflow.mlflow;

/**
 * The entry point: one HTTP client and configuration shared by the concept clients. Thread-safe;
 * close it when done.
 *
 * <pre>{@code
 * try (MlflowClient mlflow = MlflowClient.create(MlflowConfig.fromEnv(System.getenv()))) {
 *     Experiment exp = mlflow.tracking().getOrCreateExperiment("iris");
 *     Run run = mlflow.tracking().createRun(RunSpec.of(exp.experimentId(), "train"));
 * }
 * }</pre>
 */
public final class MlflowClient implements AutoCloseable {

  private final Transport transport;
  private final Tracking tracking;
  private final LoggedModels loggedModels;
  private final Registry registry;
  private final Artifacts artifacts;

  private MlflowClient(Transport transport) {
    this.transport = transport;
    this.tracking = new Tracking(transport);
    this.loggedModels = new LoggedModels(transport);
    this.registry = new Registry(transport);
    this.artifacts = new Artifacts(transport);
  }

  public static MlflowClient create(MlflowConfig config) {
    return new MlflowClient(new Transport(config));
  }

  public MlflowConfig config() {
    return transport.config();
  }

  /** Experiments, runs, metrics/params/tags, datasets, run outputs. */
  public Tracking tracking() {
    return tracking;
  }

  /** MLflow 3 LoggedModels. */
  public LoggedModels loggedModels() {
    return loggedModels;
  }

  /** Registered models, versions, aliases, stages. */
  public Registry registry() {
    return registry;
  }

  /** Upload, list and download through the artifact proxy. */
  public Artifacts artifacts() {
    return artifacts;
  }

  /** The server's version string ({@code GET /version}). */
  public String serverVersion() {
    return transport.text(java.net.URI.create(config().trackingUri() + "/version"));
  }

  @Override
  public void close() {
    transport.close();
  }
}
