package dev.smileflow.e2e.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The instructions of a Dockerfile that the drift tests check: the stages' base images, the runtime
 * stage's RUN commands, USER, EXPOSE and HEALTHCHECK, and the exec-form ENTRYPOINT split into its
 * JVM flags and jar.
 *
 * @param froms the image of every {@code FROM}, in order
 * @param runtimeRuns the {@code RUN} commands of the last stage, continuation lines joined
 * @param user the last stage's {@code USER}, or empty
 * @param exposed the last stage's {@code EXPOSE}d ports
 * @param healthcheck the {@code HEALTHCHECK} line, or empty
 * @param entrypoint the exec-form {@code ENTRYPOINT} array
 */
record Dockerfile(
    List<String> froms,
    List<String> runtimeRuns,
    String user,
    List<Integer> exposed,
    String healthcheck,
    List<String> entrypoint) {
  private static final ObjectMapper JSON = new ObjectMapper();

  Dockerfile {
    froms = List.copyOf(froms);
    runtimeRuns = List.copyOf(runtimeRuns);
    Objects.requireNonNull(user);
    exposed = List.copyOf(exposed);
    Objects.requireNonNull(healthcheck);
    entrypoint = List.copyOf(entrypoint);
  }

  static Dockerfile parse(String text) {
    List<String> froms = new ArrayList<>();
    List<String> runs = new ArrayList<>();
    List<Integer> exposed = new ArrayList<>();
    String user = "";
    String healthcheck = "";
    List<String> entrypoint = List.of();
    for (String instruction : instructions(text)) {
      String[] parts = instruction.split("\\s+", 2);
      String keyword = parts[0].toUpperCase(Locale.ROOT);
      String args = parts.length > 1 ? parts[1].strip() : "";
      switch (keyword) {
        case "FROM" -> {
          froms.add(args.split("\\s+")[0]);
          runs.clear();
          exposed.clear();
          user = "";
        }
        case "RUN" -> runs.add(args);
        case "USER" -> user = args;
        case "EXPOSE" ->
            Arrays.stream(args.split("\\s+"))
                .map(p -> Integer.parseInt(p.replace("/tcp", "")))
                .forEach(exposed::add);
        case "HEALTHCHECK" -> healthcheck = args;
        case "ENTRYPOINT" -> entrypoint = execForm(args);
        default -> {}
      }
    }
    return new Dockerfile(froms, runs, user, exposed, healthcheck, entrypoint);
  }

  /** The JVM options of the ENTRYPOINT: everything between {@code java} and {@code -jar}. */
  List<String> jvmFlags() {
    int java = entrypoint.indexOf("java");
    int jar = entrypoint.indexOf("-jar");
    if (java != 0 || jar < 0) {
      throw new AssertionError(
          "ENTRYPOINT is not [\"java\", flags..., \"-jar\", jar]: " + entrypoint);
    }
    return entrypoint.subList(java + 1, jar);
  }

  /** The jar the ENTRYPOINT runs. */
  String jar() {
    int jar = entrypoint.indexOf("-jar");
    if (jar < 0 || jar + 1 >= entrypoint.size()) {
      throw new AssertionError("ENTRYPOINT has no -jar JAR: " + entrypoint);
    }
    return entrypoint.get(jar + 1);
  }

  /** The value of the first {@code -XX:NAME=value} option among {@code flags}. */
  static Optional<String> option(List<String> flags, String name) {
    String prefix = "-XX:" + name + "=";
    return flags.stream()
        .filter(f -> f.startsWith(prefix))
        .map(f -> f.substring(prefix.length()))
        .findFirst();
  }

  private static List<String> execForm(String args) {
    if (!args.startsWith("[")) {
      throw new AssertionError(
          "ENTRYPOINT is not in exec form (a JSON array), so java would not be PID 1: " + args);
    }
    try {
      return Arrays.asList(JSON.readValue(args, String[].class));
    } catch (JsonProcessingException e) {
      throw new AssertionError("ENTRYPOINT is not a JSON array of strings: " + args, e);
    }
  }

  /** Instructions with comments dropped and backslash continuation lines joined. */
  private static List<String> instructions(String text) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      String trimmed = line.strip();
      if (current.isEmpty() && (trimmed.isEmpty() || trimmed.startsWith("#"))) {
        continue;
      }
      if (trimmed.startsWith("#")) {
        continue;
      }
      if (trimmed.endsWith("\\")) {
        current.append(trimmed, 0, trimmed.length() - 1).append(' ');
      } else {
        current.append(trimmed);
        out.add(current.toString().strip());
        current.setLength(0);
      }
    }
    if (!current.isEmpty()) {
      out.add(current.toString().strip());
    }
    return out;
  }
}
