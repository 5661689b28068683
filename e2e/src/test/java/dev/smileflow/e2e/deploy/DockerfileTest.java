package dev.smileflow.e2e.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The two Dockerfiles: multi-stage, Java 25, non-root, exec-form java, flags for 512 MiB, an AOT
 * cache that fits.
 */
class DockerfileTest {

  private static Dockerfile dockerfile(String name) {
    return Dockerfile.parse(Project.read(name));
  }

  @ParameterizedTest
  @CsvSource({"Dockerfile.api", "Dockerfile.train"})
  void buildsFromSourceWithJdk25AndRunsOnTemurin25(String name) {
    Dockerfile d = dockerfile(name);
    assertTrue(d.froms().size() >= 2, name + " is not multi-stage: " + d.froms());
    assertTrue(
        d.froms()
            .getFirst()
            .matches(
                "(eclipse-temurin:25(\\.[\\d.+_]+)?-jdk.*|maven:3\\.9[\\w.-]*-eclipse-temurin-25.*)"),
        name + " build stage is not a JDK 25 image: " + d.froms().getFirst());
    assertTrue(
        d.froms().getLast().matches("eclipse-temurin:25(\\.[\\d.+_]+)?-jre.*"),
        name + " runtime stage is not the Temurin 25 JRE: " + d.froms().getLast());
  }

  @ParameterizedTest
  @CsvSource({"Dockerfile.api, /app/api.jar", "Dockerfile.train, /app/train-job.jar"})
  void entryPointIsExecFormJavaRunningTheModuleJar(String name, String jar) {
    Dockerfile d = dockerfile(name);
    assertEquals(
        "java",
        d.entrypoint().getFirst(),
        name + " ENTRYPOINT must start with java (PID 1 gets SIGTERM)");
    assertEquals(jar, d.jar(), name + " runs the wrong jar");
    assertTrue(
        Project.read(name)
            .contains("COPY --from=build /" + jar.substring("/app/".length()) + " " + jar),
        name + " does not copy " + jar + " from the build stage");
  }

  @ParameterizedTest
  @CsvSource({"Dockerfile.api", "Dockerfile.train"})
  void runsAsANonRootUser(String name) {
    String user = dockerfile(name).user();
    assertFalse(user.isEmpty(), name + " has no USER in its runtime stage");
    String uid = user.split(":")[0];
    assertFalse(uid.equals("root") || uid.equals("0"), name + " runs as root: " + user);
  }

  @ParameterizedTest
  @CsvSource({"Dockerfile.api", "Dockerfile.train"})
  void aotCacheIsTrainedWithTheEntryPointsJdkFlagsAndJar(String name) {
    Dockerfile d = dockerfile(name);
    String cache =
        Dockerfile.option(d.jvmFlags(), "AOTCache")
            .orElseThrow(() -> new AssertionError(name + " ENTRYPOINT has no -XX:AOTCache"));
    String training =
        d.runtimeRuns().stream()
            .filter(r -> r.contains("-XX:AOTCacheOutput=") || r.contains("aot-train.sh"))
            .findFirst()
            .orElseThrow(() -> new AssertionError(name + " runtime stage has no AOT training RUN"));
    List<String> tokens = Arrays.asList(training.split("\\s+"));
    int java = tokens.indexOf("java");
    int jar = tokens.indexOf("-jar");
    assertTrue(
        java >= 0 && jar > java, name + " AOT training does not run java ... -jar: " + training);
    List<String> trainingFlags = new ArrayList<>(tokens.subList(java + 1, jar));
    String written =
        Dockerfile.option(trainingFlags, "AOTCacheOutput")
            .orElseGet(() ->
                tokens.get(
                    tokens.indexOf(
                            tokens.stream()
                                .filter(t -> t.endsWith("aot-train.sh"))
                                .findFirst()
                                .orElseThrow())
                        + 1));
    trainingFlags.removeIf(f -> f.startsWith("-XX:AOTCacheOutput="));
    List<String> runtimeFlags = new ArrayList<>(d.jvmFlags());
    runtimeFlags.removeIf(f -> f.startsWith("-XX:AOTCache="));

    assertEquals(cache, written, name + ": the cache the ENTRYPOINT loads is not the one trained");
    assertEquals(
        runtimeFlags,
        trainingFlags,
        name + ": the AOT cache must be trained with the ENTRYPOINT's flags");
    assertEquals(
        d.jar(),
        tokens.get(jar + 1),
        name + ": the AOT cache must be trained on the ENTRYPOINT's jar");
  }

  @ParameterizedTest
  @CsvSource({"Dockerfile.api", "Dockerfile.train"})
  void jvmAcceptsTheEntryPointFlagsAndFitsA512MiBInstanceWithSerialGc(String name)
      throws Exception {
    List<String> flags = new ArrayList<>(dockerfile(name).jvmFlags());
    flags.removeIf(f -> f.startsWith("-XX:AOTCache="));
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(flags);
    command.addAll(List.of("-XX:MaxRAM=512m", "-XX:+PrintFlagsFinal", "-version"));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "java -version did not finish");
    assertEquals(0, p.exitValue(), name + " flags rejected by the JVM:\n" + out);
    assertFalse(
        out.lines()
            .anyMatch(l ->
                l.contains("VM warning") || l.startsWith("Unrecognized") || l.startsWith("Error")),
        name + " flags made the JVM complain:\n" + out);

    Map<String, String> finalFlags = printedFlags(out);
    assertEquals("true", finalFlags.get("UseSerialGC"), name + ": one vCPU should run SerialGC");
    long maxHeap = Long.parseLong(finalFlags.get("MaxHeapSize"));
    assertTrue(
        maxHeap >= 256L << 20 && maxHeap <= 400L << 20,
        name
            + ": heap for a 512 MiB instance should be 256..400 MiB, is "
            + (maxHeap >> 20)
            + " MiB");
    assertEquals(
        "true",
        finalFlags.get("ExitOnOutOfMemoryError"),
        name + ": an instance out of heap must exit");
  }

  @Test
  void apiImageExposesTheApiDefaultPortAndChecksReadiness() {
    Dockerfile d = dockerfile("Dockerfile.api");
    assertEquals(List.of(8080), d.exposed(), "Dockerfile.api EXPOSE");
    assertTrue(
        Project.read("api/src/main/java/dev/smileflow/api/ApiConfig.java")
            .contains("number(\"PORT\", 8080"),
        "the api's default PORT is no longer 8080; update EXPOSE, compose, clouddeploy and README");
    Matcher m =
        Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)(/[\\w/.-]+)").matcher(d.healthcheck());
    assertTrue(m.find(), "Dockerfile.api HEALTHCHECK does not call the api: " + d.healthcheck());
    assertEquals("8080", m.group(1), "HEALTHCHECK port");
    assertEquals("/health/ready", m.group(2), "HEALTHCHECK route");
    assertTrue(Project.apiRoutes().contains(m.group(2)), "the api has no route " + m.group(2));
  }

  @ParameterizedTest
  @CsvSource({"Dockerfile.api", "Dockerfile.train"})
  void everyFileTheBuildCopiesExistsAndIsInTheBuildContext(String name) throws IOException {
    String text = Project.read(name);
    List<String> ignored = Files.readAllLines(Project.file(".dockerignore"));
    Matcher copy = Pattern.compile("(?m)^COPY (?!--from)(\\S+) ").matcher(text);
    Matcher cp = Pattern.compile("cp -r (\\S+) ").matcher(text);
    List<String> sources = new ArrayList<>();
    while (copy.find()) {
      sources.add(copy.group(1));
    }
    while (cp.find()) {
      sources.add(cp.group(1));
    }
    assertFalse(sources.isEmpty());
    for (String source : sources) {
      assertTrue(
          Files.exists(Project.file(source)),
          name + " copies " + source + ", which does not exist");
      String top = source.split("/")[0];
      boolean excluded = ignored.contains(top) && !ignored.contains("!" + source);
      assertFalse(
          excluded,
          name + " copies " + source + " but .dockerignore leaves it out of the build context");
    }
  }

  private static Map<String, String> printedFlags(String out) {
    Map<String, String> flags = new TreeMap<>();
    Pattern line = Pattern.compile("^\\s*\\S+\\s+(\\w+)\\s+:?=\\s+(\\S+)");
    for (String l : out.split("\n")) {
      Matcher m = line.matcher(l);
      if (m.find()) {
        flags.put(m.group(1), m.group(2));
      }
    }
    return flags;
  }
}
