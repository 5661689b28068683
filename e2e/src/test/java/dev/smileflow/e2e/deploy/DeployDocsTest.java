package dev.smileflow.e2e.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The README's deploy section and docs/deploy.md name files, services, images, variables, ports and
 * routes that exist.
 */
class DeployDocsTest {
  private static final String START = "<!-- deploy:start -->";
  private static final String END = "<!-- deploy:end -->";

  static String readmeSection() {
    String readme = Project.read("README.md");
    int start = readme.indexOf(START);
    int end = readme.indexOf(END);
    assertTrue(start >= 0 && end > start, "README.md has no " + START + " ... " + END + " section");
    return readme.substring(start + START.length(), end);
  }

  private static String doc(String name) {
    return name.equals("README.md") ? readmeSection() : Project.read(name);
  }

  /** The README's shell commands with continuation lines joined. */
  private static List<String> commands() {
    List<String> out = new ArrayList<>();
    Matcher block = Pattern.compile("```bash\\n(.*?)```", Pattern.DOTALL).matcher(readmeSection());
    while (block.find()) {
      String joined = block.group(1).replaceAll("\\\\\\n\\s*", " ");
      for (String line : joined.split("\n")) {
        String command = line.replaceAll("\\s+#.*$", "").strip();
        if (!command.isEmpty() && !command.startsWith("#")) {
          out.add(command);
        }
      }
    }
    return out;
  }

  private static String command(String prefix) {
    return commands().stream()
        .filter(c -> c.startsWith(prefix))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("README deploy section has no `" + prefix + " ...` command"));
  }

  private static String option(String command, String name) {
    Matcher m = Pattern.compile("(?:^|\\s)" + Pattern.quote(name) + "[= ](\\S+)").matcher(command);
    if (!m.find()) {
      throw new AssertionError("no " + name + " in: " + command);
    }
    return m.group(1);
  }

  /** {@code A=x,B=y} -> {A: x, B: y}; for --set-env-vars, --set-secrets and probe specs. */
  private static Map<String, String> pairs(String list) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : list.split(",")) {
      String[] kv = pair.split("=", 2);
      out.put(kv[0], kv.length > 1 ? kv[1] : "");
    }
    return out;
  }

  private static int apiPort() {
    return Dockerfile.parse(Project.read("Dockerfile.api")).exposed().getFirst();
  }

  @ParameterizedTest
  @ValueSource(strings = {"README.md", "docs/deploy.md", "locust/README.md"})
  void everyProjectFileTheDocsNameExists(String name) {
    Set<String> missing = new TreeSet<>();
    Matcher ticked = Pattern.compile("`([\\w.-]+(?:/[\\w.-]+)*/?)`").matcher(doc(name));
    while (ticked.find()) {
      String path = ticked.group(1);
      boolean looksLikeFile =
          path.startsWith("Dockerfile.")
              || path.matches(".*\\.(yml|yaml|md|sh|py|conf|xml)")
              || path.contains("/")
                  && (path.contains(".") || Files.exists(Project.file(path.split("/")[0])));
      if (looksLikeFile
          && !path.startsWith(".")
          && !Files.exists(Project.file(path))
          && !Files.exists(Project.file(name).resolveSibling(path))) {
        missing.add(path);
      }
    }
    Matcher script =
        Pattern.compile("(?<![\\w/.-])((?:[\\w-]+/)+[\\w.-]+\\.(?:sh|py|yml))\\b")
            .matcher(doc(name));
    while (script.find()) {
      if (!Files.exists(Project.file(script.group(1)))) {
        missing.add(script.group(1));
      }
    }
    assertEquals(Set.of(), missing, name + " names files that do not exist");
  }

  @Test
  void readmeBuildsTheImagesComposeRunsFromTheDockerfilesThatExist() {
    JsonNode services = Project.yaml("docker-compose.yml").path("services");
    Map<String, String> composeImages = new LinkedHashMap<>();
    services
        .properties()
        .forEach(e -> {
          if (e.getValue().path("build").has("dockerfile")) {
            composeImages.put(
                e.getValue().path("build").path("dockerfile").asText(),
                e.getValue().path("image").asText());
          }
        });
    List<String> builds = commands().stream().filter(c -> c.startsWith("docker build")).toList();
    assertFalse(builds.isEmpty(), "README has no docker build command");
    Set<String> built = new TreeSet<>();
    for (String build : builds) {
      String dockerfile = option(build, "-f");
      assertTrue(
          Files.isRegularFile(Project.file(dockerfile)),
          "README builds from missing " + dockerfile);
      assertTrue(
          build.endsWith(" ."), "docker build must use the project root as context: " + build);
      built.add(dockerfile);
      String tag = option(build, "-t");
      if (!tag.contains("$")) {
        assertEquals(
            composeImages.get(dockerfile),
            tag,
            "README tags " + dockerfile + " differently from compose");
      }
    }
    assertEquals(
        new TreeSet<>(composeImages.keySet()),
        built,
        "README must show how to build every image compose uses");
  }

  @Test
  void readmeComposeCommandsNameServicesAndPortsThatExist() {
    JsonNode services = Project.yaml("docker-compose.yml").path("services");
    for (String c : commands()) {
      Matcher run = Pattern.compile("^docker compose run --rm (\\S+)").matcher(c);
      if (run.find()) {
        assertTrue(
            services.has(run.group(1)), "README runs unknown compose service " + run.group(1));
      }
    }
    Set<String> published = new TreeSet<>();
    services.forEach(s -> s.path("ports").forEach(p -> published.add(p.asText().split(":")[0])));
    Matcher local =
        Pattern.compile("http://localhost:(\\d+)(/[\\w/.-]*)?").matcher(readmeSection());
    int seen = 0;
    while (local.find()) {
      seen++;
      assertTrue(
          published.contains(local.group(1)),
          "README points at localhost:" + local.group(1) + ", not published by compose");
      String path = local.group(2) == null ? "" : local.group(2).replaceAll("\\.+$", "");
      if (local.group(1).equals(String.valueOf(apiPort())) && path.length() > 1) {
        assertTrue(Project.apiRoutes().contains(path), "the api has no route " + path);
      }
    }
    assertTrue(seen > 0, "README does not say where the compose stack listens");
  }

  @Test
  void readmeDeploysTheApiWithTheEnvFilePortAndReadinessProbe() {
    String deploy = command("gcloud run deploy");
    assertEquals("clouddeploy.yml", option(deploy, "--env-vars-file"));
    assertEquals(
        String.valueOf(apiPort()), option(deploy, "--port"), "Cloud Run port must be the image's");
    Map<String, String> startup = pairs(option(deploy, "--startup-probe"));
    assertEquals(
        "/health/ready", startup.get("httpGet.path"), "startup probe must wait for a loaded model");
    assertEquals(String.valueOf(apiPort()), startup.get("httpGet.port"));
    Map<String, String> liveness = pairs(option(deploy, "--liveness-probe"));
    assertTrue(
        Project.apiRoutes()
            .containsAll(List.of(startup.get("httpGet.path"), liveness.get("httpGet.path"))),
        "probe paths must be api routes " + Project.apiRoutes());
    for (String flag :
        List.of("--region", "--cpu", "--memory", "--concurrency", "--min-instances", "--image")) {
      option(deploy, flag);
    }
    assertTrue(deploy.contains("--cpu-boost"), "README deploy has no startup CPU boost");
    Set<String> unknown = new TreeSet<>(pairs(option(deploy, "--set-secrets")).keySet());
    unknown.removeAll(Project.apiEnv());
    assertEquals(Set.of(), unknown, "README passes secrets the api does not read");
    assertTrue(
        option(deploy, "--image").contains("/api:"), "the api service must run the api image");
  }

  @Test
  void readmeRunsTrainJobAsACloudRunJobWithVariablesItReads() {
    String job = command("gcloud run jobs deploy");
    Set<String> names = new TreeSet<>(pairs(option(job, "--set-env-vars")).keySet());
    names.addAll(pairs(option(job, "--set-secrets")).keySet());
    Set<String> unknown = new TreeSet<>(names);
    unknown.removeAll(Project.trainJobEnv());
    assertEquals(Set.of(), unknown, "README sets variables train-job does not read");
    assertTrue(
        option(job, "--image").contains("/train-job:"), "the job must run the train-job image");
    String jobName = job.split("\\s+")[4];
    assertTrue(
        commands().stream().anyMatch(c -> c.startsWith("gcloud run jobs execute " + jobName)),
        "README deploys job " + jobName + " but never executes it");
    for (String c : commands()) {
      if (c.startsWith("docker push ")) {
        String image = c.substring("docker push ".length()).strip();
        assertTrue(
            commands().stream()
                .anyMatch(b -> b.startsWith("docker build") && option(b, "-t").equals(image)),
            "README pushes " + image + " without building it");
      }
    }
  }

  @Test
  void readmeTellsWhatMlflowMustProvide() {
    String section = readmeSection();
    for (String must :
        List.of("--allowed-hosts", "--serve-artifacts", "MLFLOW_TRACKING_URI", "basic-auth")) {
      assertTrue(section.contains(must), "README deploy section does not mention " + must);
    }
  }

  @Test
  void deployDocNamesOnlyVariablesTheProgramsRead() {
    Set<String> known = new TreeSet<>(Project.apiEnv());
    known.addAll(Project.trainJobEnv());
    Set<String> unknown = new TreeSet<>();
    Matcher ticked =
        Pattern.compile("`((?:MLFLOW|MODEL|LOG|MAX|HTTP|API|TAG|PORT)[A-Z0-9_]*)`")
            .matcher(Project.read("docs/deploy.md"));
    while (ticked.find()) {
      if (!known.contains(ticked.group(1))) {
        unknown.add(ticked.group(1));
      }
    }
    assertEquals(Set.of(), unknown, "docs/deploy.md names variables no program reads");
  }

  @Test
  void deployDocListsExactlyTheComposeServices() {
    String doc = Project.read("docs/deploy.md");
    String table = doc.substring(doc.indexOf("## docker compose"));
    Set<String> documented = new TreeSet<>();
    Matcher row =
        Pattern.compile("(?m)^\\| `([\\w-]+)` \\|")
            .matcher(table.substring(0, table.indexOf("\n\n", table.indexOf("|"))));
    while (row.find()) {
      documented.add(row.group(1));
    }
    Set<String> services = new TreeSet<>();
    Project.yaml("docker-compose.yml")
        .path("services")
        .fieldNames()
        .forEachRemaining(services::add);
    assertEquals(services, documented, "docs/deploy.md compose table");
    assertTrue(
        doc.contains(
            "postgres:"
                + Project.yaml("docker-compose.yml")
                    .path("services")
                    .path("postgres")
                    .path("image")
                    .asText()
                    .split(":")[1]),
        "docs/deploy.md names another PostgreSQL image than compose");
    assertTrue(
        Arrays.stream(doc.split("\n")).anyMatch(l -> l.contains("ghcr.io/mlflow/mlflow:v")),
        "MLflow image");
  }
}
