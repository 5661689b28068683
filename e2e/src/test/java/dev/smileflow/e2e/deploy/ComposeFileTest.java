package dev.smileflow.e2e.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml: the pinned MLflow, start order, health checks, and names the programs really
 * read.
 */
class ComposeFileTest {
  private static final JsonNode COMPOSE = Project.yaml("docker-compose.yml");

  private static JsonNode service(String name) {
    JsonNode s = COMPOSE.path("services").path(name);
    assertTrue(s.isObject(), "docker-compose.yml has no service " + name);
    return s;
  }

  private static List<String> mlflowCommand() {
    List<String> command = new ArrayList<>();
    service("mlflow").path("command").forEach(n -> command.add(n.asText()));
    assertFalse(command.isEmpty(), "mlflow service has no command list");
    return command;
  }

  private static String flag(List<String> command, String name) {
    return command.stream()
        .filter(c -> c.startsWith(name + "="))
        .map(c -> c.substring(name.length() + 1))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("mlflow command has no " + name + "=...: " + command));
  }

  private static Set<String> environment(String service) {
    Set<String> names = new TreeSet<>();
    service(service).path("environment").fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void mlflowIsTheOfficialImagePinnedToThePomVersion() {
    String version = Project.mlflowVersion();
    String inline = service("mlflow").path("build").path("dockerfile_inline").asText();
    Matcher from = Pattern.compile("(?m)^FROM (\\S+)").matcher(inline);
    assertTrue(from.find(), "mlflow build has no FROM");
    assertEquals(
        "ghcr.io/mlflow/mlflow:v" + version,
        from.group(1),
        "MLflow image must match <mlflow.version>");
    assertTrue(
        service("mlflow").path("image").asText().endsWith(":" + version), "mlflow image tag");
  }

  @Test
  void mlflowAllowsTheHostTheOtherServicesCallItBy() {
    List<String> command = mlflowCommand();
    Set<String> allowed = new TreeSet<>(Arrays.asList(flag(command, "--allowed-hosts").split(",")));
    String port = flag(command, "--port");
    for (String client : List.of("train", "api")) {
      URI uri =
          URI.create(service(client).path("environment").path("MLFLOW_TRACKING_URI").asText());
      assertTrue(
          COMPOSE.path("services").has(uri.getHost()),
          client + " calls MLflow at unknown service " + uri);
      assertEquals(port, String.valueOf(uri.getPort()), client + " calls MLflow on the wrong port");
      assertTrue(
          allowed.contains(uri.getHost()) && allowed.contains(uri.getHost() + ":" + uri.getPort()),
          "--allowed-hosts "
              + allowed
              + " must list "
              + uri.getHost()
              + " and "
              + uri.getHost()
              + ":"
              + uri.getPort()
              + " or MLflow 3.5+ answers 403 to "
              + client);
    }
    assertTrue(
        COMPOSE
            .path("services")
            .path("mlflow")
            .path("ports")
            .toString()
            .contains(port + ":" + port));
  }

  @Test
  void mlflowStoresRunsInPostgresAndArtifactsOnAVolume() {
    List<String> command = mlflowCommand();
    assertTrue(flag(command, "--backend-store-uri").startsWith("postgresql"), "backend store");
    assertTrue(
        flag(command, "--backend-store-uri").contains("@postgres:5432/"), "backend store host");
    assertTrue(
        command.contains("--serve-artifacts"),
        "the programs move model files over the artifact proxy");
    String destination = flag(command, "--artifacts-destination");
    boolean onVolume = false;
    for (JsonNode v : service("mlflow").path("volumes")) {
      String[] parts = v.asText().split(":");
      onVolume |=
          parts.length >= 2
              && parts[1].equals(destination)
              && COMPOSE.path("volumes").has(parts[0]);
    }
    assertTrue(onVolume, "artifacts destination " + destination + " is not a named volume");
    assertTrue(
        service("mlflow").path("build").path("dockerfile_inline").asText().contains("psycopg2"),
        "the official MLflow image has no PostgreSQL driver");
  }

  @Test
  void servicesStartInOrderWithHealthChecks() {
    assertEquals(
        "service_healthy",
        service("mlflow").path("depends_on").path("postgres").path("condition").asText());
    assertEquals(
        "service_healthy",
        service("train").path("depends_on").path("mlflow").path("condition").asText());
    assertEquals(
        "service_completed_successfully",
        service("api").path("depends_on").path("train").path("condition").asText(),
        "api starts after training succeeded");
    assertEquals("no", service("train").path("restart").asText(), "train is one-shot");
    for (String name : List.of("postgres", "mlflow", "api")) {
      assertTrue(
          service(name).path("healthcheck").path("test").isArray(), name + " has no health check");
    }
    assertTrue(
        service("mlflow").path("healthcheck").path("test").toString().contains(":5000/health"));
  }

  @Test
  void apiPortHealthCheckAndGracePeriodMatchTheImageAndCloudRun() {
    JsonNode api = service("api");
    String port = api.path("environment").path("PORT").asText();
    assertEquals(
        Dockerfile.parse(Project.read("Dockerfile.api")).exposed(),
        List.of(Integer.parseInt(port)),
        "compose PORT must be the image's EXPOSEd port");
    assertTrue(
        api.path("ports").toString().contains(":" + port + "\""),
        "api port mapping " + api.path("ports"));
    Matcher check =
        Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)(/[\\w/.-]+)")
            .matcher(api.path("healthcheck").path("test").toString());
    assertTrue(check.find(), "api health check does not call the api");
    assertEquals(port, check.group(1));
    assertEquals("/health/ready", check.group(2));
    assertTrue(
        Project.apiRoutes().contains(check.group(2)), "the api has no route " + check.group(2));
    Duration grace =
        Duration.parse("PT" + api.path("stop_grace_period").asText().toUpperCase(Locale.ROOT));
    assertTrue(
        !grace.isZero() && grace.compareTo(Duration.ofSeconds(10)) <= 0,
        "api stop_grace_period should mirror Cloud Run's 10 s, is " + grace);
  }

  @Test
  void everyVariableSetForTheApiIsReadByTheApi() {
    Set<String> unknown = new TreeSet<>(environment("api"));
    unknown.removeAll(Project.apiEnv());
    assertEquals(Set.of(), unknown, "compose sets variables the api does not read");
  }

  @Test
  void everyVariableSetForTrainingIsReadByTrainJob() {
    Set<String> unknown = new TreeSet<>(environment("train"));
    unknown.removeAll(Project.trainJobEnv());
    assertEquals(Set.of(), unknown, "compose sets variables train-job does not read");
  }

  @Test
  void appImagesAreBuiltFromTheProjectDockerfiles() {
    assertEquals("Dockerfile.api", service("api").path("build").path("dockerfile").asText());
    assertEquals("Dockerfile.train", service("train").path("build").path("dockerfile").asText());
    for (String name : List.of("api", "train")) {
      String dockerfile = service(name).path("build").path("dockerfile").asText();
      assertTrue(Files.isRegularFile(Project.file(dockerfile)), dockerfile + " does not exist");
    }
  }

  @Test
  void apiIsLimitedToTheCloudRunSize() {
    JsonNode limits = service("api").path("deploy").path("resources").path("limits");
    assertEquals("1", limits.path("cpus").asText());
    assertEquals("512m", limits.path("memory").asText().toLowerCase(Locale.ROOT));
  }
}
