package dev.smileflow.mlflow;

import org.jspecify.annotations.Nullable;

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
  private volatile @Nullable ServerCapabilities capabilities;

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

  /**
   * What the server offers (LoggedModels, aliases, dataset inputs), probed on the first call and
   * remembered by this client.
   *
   * @throws MlflowException when the server cannot be reached or refuses the credentials
   */
  public ServerCapabilities capabilities() {
    ServerCapabilities c = capabilities;
    if (c == null) {
      c = Capabilities.probe(transport);
      capabilities = c;
    }
    return c;
  }

  /**
   * The {@code mlflow-artifacts:} URI of a model version's files, whatever its source: {@code
   * models:/m-…} (MLflow 3), {@code runs:/<run id>/<path>} (MLflow 2.x) or an artifact URI.
   */
  public String modelVersionArtifactUri(String name, String version) {
    return ModelSources.resolve(this, registry.getDownloadUri(name, version));
  }

  /**
   * The registered version {@code uri} names: the alias's, the numbered one, or the latest in the
   * stage ({@code latest}: in any stage).
   *
   * @throws MlflowException {@code NOT_FOUND} when there is no such version or stage
   */
  public ModelVersion resolve(ModelUri.Registered uri) {
    return ModelSources.version(this, uri);
  }

  @Override
  public void close() {
    transport.close();
  }
}
