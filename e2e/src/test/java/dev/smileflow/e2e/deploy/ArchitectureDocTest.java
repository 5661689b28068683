package dev.smileflow.e2e.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/architecture.md walks a CSV row to a {@code /v1/classify} answer by naming the project's
 * types and methods in backticks: every such name must exist in the main sources, so a rename or a
 * deletion that leaves the page behind fails the build.
 */
class ArchitectureDocTest {
  /**
   * {@code `Type`} or {@code `Type.member`}: a capitalised word with a lower-case second letter.
   */
  private static final Pattern NAME =
      Pattern.compile("`([A-Z][a-z][A-Za-z0-9]*)(?:\\.([a-z][A-Za-z0-9]*))?(?:\\(\\))?`");

  private static final Pattern DECLARATION =
      Pattern.compile("\\b(?:class|record|interface|enum)\\s+([A-Z][A-Za-z0-9]*)");

  /** Names on the page that are not ours: JDK and Smile types, MLflow's stage name. */
  private static final Set<String> OTHERS =
      Set.of("String", "Number", "Production", "StructType", "DataFrameClassifier");

  @Test
  void everyTypeAndMemberThePageNamesExistsInTheMainSources() throws IOException {
    Map<String, List<String>> declaredIn = new HashMap<>();
    for (Path file : mainSources()) {
      String text = Files.readString(file);
      Matcher m = DECLARATION.matcher(text);
      while (m.find()) {
        declaredIn.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(text);
      }
    }
    String page = Project.read("docs/architecture.md");
    List<String> missing = new ArrayList<>();
    int named = 0;
    Matcher m = NAME.matcher(page);
    while (m.find()) {
      String type = m.group(1);
      String member = m.group(2);
      if (OTHERS.contains(type)) {
        continue;
      }
      named++;
      List<String> sources = declaredIn.get(type);
      if (sources == null) {
        missing.add(m.group() + " (no such type)");
      } else if (member != null
          && sources.stream()
              .noneMatch(s -> Pattern.compile("\\b" + member + "\\s*\\(").matcher(s).find())) {
        missing.add(m.group() + " (no such method)");
      }
    }
    assertTrue(named >= 10, "the page names only " + named + " of the project's types");
    assertTrue(missing.isEmpty(), "docs/architecture.md names what the code lacks: " + missing);
  }

  private static List<Path> mainSources() {
    List<Path> out = new ArrayList<>();
    for (String module : List.of("mlflow-rest", "model-bundle", "train-job", "api")) {
      Path main = Project.file(module + "/src/main/java");
      try (Stream<Path> walk = Files.walk(main)) {
        walk.filter(p -> p.toString().endsWith(".java")).forEach(out::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }
}
