package dev.smileflow.e2e.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The checked-out project as the drift tests see it: its files, and what its programs read
 * (environment variables, routes, the pinned MLflow version), taken from their sources so the tests
 * follow renames.
 */
public final class Project {
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final Pattern LITERAL = Pattern.compile("\"([A-Z][A-Z0-9_]*)\"");
  private static final Pattern PICOCLI_ENV = Pattern.compile("\\$\\{env:([A-Z][A-Z0-9_]*)");
  private static final Pattern MLFLOW_LITERAL = Pattern.compile("\"(MLFLOW_[A-Z0-9_]+)\"");
  private static final Pattern ROUTE =
      Pattern.compile("new Route\\(\\s*HandlerType\\.[A-Z]+,\\s*\"(/[^\"]*)\"");

  private Project() {}

  /**
   * The project root: the first directory up from the working directory holding mvnw, pom.xml and
   * e2e/.
   */
  public static Path root() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("mvnw"))
          && Files.isRegularFile(p.resolve("pom.xml"))
          && Files.isDirectory(p.resolve("e2e"))) {
        return p;
      }
    }
    throw new IllegalStateException("project root not found above " + Path.of("").toAbsolutePath());
  }

  public static Path file(String relative) {
    return root().resolve(relative);
  }

  public static String read(String relative) {
    try {
      return Files.readString(file(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonNode yaml(String relative) {
    try {
      return YAML.readTree(file(relative).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code <mlflow.version>} of the parent pom: the MLflow version every test runs against. */
  static String mlflowVersion() {
    Matcher m =
        Pattern.compile("<mlflow\\.version>([^<]+)</mlflow\\.version>").matcher(read("pom.xml"));
    if (!m.find()) {
      throw new IllegalStateException("no <mlflow.version> in pom.xml");
    }
    return m.group(1).strip();
  }

  /**
   * The MLflow client variables the shared client reads ({@code MLFLOW_*} literals in mlflow-rest).
   */
  static Set<String> mlflowClientEnv() {
    return matches("mlflow-rest/src/main/java", MLFLOW_LITERAL);
  }

  /** Every variable the api reads: the names in its one config reader, plus the MLflow client's. */
  static Set<String> apiEnv() {
    Set<String> names = new TreeSet<>();
    try (Stream<Path> files = Files.walk(file("api/src/main/java"))) {
      files
          .filter(p -> p.getFileName().toString().equals("ApiConfig.java"))
          .forEach(p -> names.addAll(matches(p, LITERAL)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (names.isEmpty()) {
      throw new IllegalStateException(
          "no ApiConfig.java with variable names under api/src/main/java");
    }
    names.addAll(mlflowClientEnv());
    return names;
  }

  /**
   * Every variable train-job reads: its picocli {@code ${env:NAME}} defaults and literals, plus the
   * MLflow client's.
   */
  static Set<String> trainJobEnv() {
    Set<String> names = new TreeSet<>(matches("train-job/src/main/java", PICOCLI_ENV));
    names.addAll(matches("train-job/src/main/java", MLFLOW_LITERAL));
    names.addAll(mlflowClientEnv());
    return names;
  }

  /**
   * The api's routes, as its route table lists them ({@code new Route(HandlerType.GET, "/path"}).
   */
  static Set<String> apiRoutes() {
    Set<String> routes = matches("api/src/main/java", ROUTE);
    if (routes.isEmpty()) {
      throw new IllegalStateException("no routes found under api/src/main/java");
    }
    return routes;
  }

  private static Set<String> matches(String dir, Pattern pattern) {
    Set<String> out = new TreeSet<>();
    try (Stream<Path> files = Files.walk(file(dir))) {
      files
          .filter(p -> p.toString().endsWith(".java"))
          .forEach(p -> out.addAll(matches(p, pattern)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static Set<String> matches(Path source, Pattern pattern) {
    Set<String> out = new TreeSet<>();
    try {
      Matcher m = pattern.matcher(Files.readString(source));
      while (m.find()) {
        out.add(m.group(1));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
