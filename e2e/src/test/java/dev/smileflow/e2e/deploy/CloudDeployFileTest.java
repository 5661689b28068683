package dev.smileflow.e2e.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * clouddeploy.yml, the file gcloud run deploy --env-vars-file reads: a flat map of quoted strings
 * the api reads.
 */
class CloudDeployFileTest {
  private static final String TEXT = Project.read("clouddeploy.yml");
  private static final JsonNode YAML = Project.yaml("clouddeploy.yml");

  private static Set<String> keys() {
    Set<String> keys = new TreeSet<>();
    YAML.fieldNames().forEachRemaining(keys::add);
    return keys;
  }

  @Test
  void isAFlatMapOfQuotedStrings() {
    assertTrue(YAML.isObject() && !YAML.isEmpty(), "clouddeploy.yml is not a map");
    List<String> bad = new ArrayList<>();
    for (String line : TEXT.split("\n")) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      if (!line.matches("[A-Z][A-Z0-9_]*: \"[^\"\\\\]*\"")) {
        bad.add(line);
      }
    }
    assertEquals(
        List.of(),
        bad,
        "every line must be KEY: \"value\" (unquoted numbers and booleans are not strings)");
    YAML.properties()
        .forEach(e -> assertTrue(e.getValue().isTextual(), e.getKey() + " is not a string"));
  }

  @Test
  void leavesPortToCloudRun() {
    assertFalse(YAML.has("PORT"), "Cloud Run sets PORT; --env-vars-file must not");
  }

  @Test
  void everyVariableIsReadByTheApi() {
    Set<String> unknown = new TreeSet<>(keys());
    unknown.removeAll(Project.apiEnv());
    assertEquals(Set.of(), unknown, "clouddeploy.yml sets variables the api does not read");
  }

  @Test
  void holdsNoSecrets() {
    List<String> secrets =
        keys().stream()
            .filter(k ->
                k.contains("PASSWORD")
                    || k.contains("TOKEN")
                    || k.equals("API_KEY")
                    || k.contains("SECRET"))
            .toList();
    assertEquals(List.of(), secrets, "secrets belong in --set-secrets, not in a plain env file");
  }

  @Test
  void namesTheModelTheTrainingPromotes() {
    JsonNode train =
        Project.yaml("docker-compose.yml").path("services").path("train").path("environment");
    assertEquals(train.path("MODEL_NAME").asText(), YAML.path("MODEL_NAME").asText());
    assertEquals(train.path("MODEL_ALIAS").asText(), YAML.path("MODEL_ALIAS").asText());
  }
}
