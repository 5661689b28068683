package dev.smileflow.mlflow.testing;

import dev.smileflow.mlflow.Auth;
import java.net.URI;
import java.time.Duration;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * Path (b) of {@link MlflowTestServer}: the official image through Testcontainers. Loaded only when
 * Docker works.
 */
final class DockerServer implements MlflowTestServer.Stoppable {

  private final GenericContainer<?> container;

  private DockerServer(GenericContainer<?> container) {
    this.container = container;
  }

  static boolean dockerAvailable() {
    return DockerClientFactory.instance().isDockerAvailable();
  }

  @SuppressWarnings("resource") // closed by MlflowTestServer.close()
  static MlflowTestServer start(String version) {
    GenericContainer<?> c =
        new GenericContainer<>(DockerImageName.parse("ghcr.io/mlflow/mlflow:v" + version))
            .withExposedPorts(5000)
            .withEnv("MLFLOW_SERVER_ENABLE_JOB_EXECUTION", "false")
            // A remote Docker host reaches the server under its own name: allow any Host header.
            .withEnv("MLFLOW_SERVER_ALLOWED_HOSTS", "*")
            .withCommand(
                "mlflow",
                "server",
                "--host",
                "0.0.0.0",
                "--port",
                "5000",
                "--workers",
                "1",
                "--backend-store-uri",
                "sqlite:////tmp/mlflow.db",
                "--artifacts-destination",
                "/tmp/mlartifacts",
                "--serve-artifacts")
            .waitingFor(
                Wait.forHttp("/health")
                    .forPort(5000)
                    .forStatusCode(200)
                    .withStartupTimeout(
                        MlflowTestServer.STARTUP_TIMEOUT.plus(Duration.ofSeconds(60))));
    c.start();
    URI uri = URI.create("http://" + c.getHost() + ":" + c.getMappedPort(5000));
    return newServer(uri, "Testcontainers ghcr.io/mlflow/mlflow:v" + version, new DockerServer(c));
  }

  private static MlflowTestServer newServer(
      URI uri, String description, MlflowTestServer.Stoppable stoppable) {
    return MlflowTestServer.wrap(uri, description, new Auth.None(), stoppable);
  }

  @Override
  public void stop() {
    container.stop();
  }

  @Override
  public String logTail() {
    String logs = container.getLogs();
    return logs.length() > 4000 ? logs.substring(logs.length() - 4000) : logs;
  }
}
