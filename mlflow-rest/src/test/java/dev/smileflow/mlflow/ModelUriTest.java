package dev.smileflow.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;
import dev.smileflow.mlflow.testing.ModelUriParsing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ModelUriTest {

  @Test
  void parsesEachForm() {
    assertEquals(
        new ModelUri.Alias("iris", "production"), ModelUri.parse("models:/iris@production"));
    assertEquals(new ModelUri.Version("iris", "3"), ModelUri.parse("models:/iris/3"));
    assertEquals(
        new ModelUri.Stage("iris", "Production"), ModelUri.parse("models:/iris/Production"));
    assertEquals(new ModelUri.Stage("iris", "latest"), ModelUri.parse("models:/iris/latest"));
    assertEquals(new ModelUri.Logged("m-0123abcd"), ModelUri.parse("models:/m-0123abcd"));
    assertEquals(
        new ModelUri.Alias("my-model_2", "champ-1"), ModelUri.parse("MODELS:/my-model_2@champ-1"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "models:/iris@production",
        "models:/iris/3",
        "models:/iris/Staging",
        "models:/m-0123abcd",
        "models:/team%2Firis@prod",
        "models:/a%40b/7",
        "models:/100%25 sure/None",
        "models:/a b@x"
      })
  void printsWhatItParses(String uri) {
    assertEquals(uri, ModelUri.parse(uri).uri());
  }

  @Test
  void percentDecodesTheName() {
    assertEquals(
        new ModelUri.Alias("team/iris", "prod"), ModelUri.parse("models:/team%2Firis@prod"));
    assertEquals(
        new ModelUri.Alias("team/iris", "prod"), ModelUri.parse("models:/team%2firis@prod"));
    assertEquals(new ModelUri.Version("a@b", "7"), ModelUri.parse("models:/a%40b/7"));
    assertEquals(new ModelUri.Version("a+b", "7"), ModelUri.parse("models:/a+b/7"));
    assertEquals(new ModelUri.Version("café", "1"), ModelUri.parse("models:/caf%C3%A9/1"));
    assertEquals("models:/team%2Firis@prod", new ModelUri.Alias("team/iris", "prod").uri());
    assertEquals("models:/50%25%40x/2", new ModelUri.Version("50%@x", "2").uri());
  }

  @Test
  void aNumberIsAVersionAnythingElseAStage() {
    assertTrue(ModelUri.parse("models:/iris/12") instanceof ModelUri.Version);
    assertTrue(ModelUri.parse("models:/iris/v12") instanceof ModelUri.Stage);
    assertEquals("iris", ((ModelUri.Registered) ModelUri.parse("models:/iris/None")).name());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "models:                 | expected models:/<name>@<alias>, models:/<name>/<version> or models:/<name>/<stage> (or models:/m-<id>), got 'models:'",
        "models:/                | got 'models:/'",
        "models:iris@prod        | got 'models:iris@prod'",
        "models://iris@prod      | got 'models://iris@prod'",
        "models:/@prod           | got 'models:/@prod'",
        "models:/iris/3/x        | got 'models:/iris/3/x'",
        "models:/iris/           | got 'models:/iris/'",
        "models:/iris/3/         | got 'models:/iris/3/'",
        "models:/iris@prod/3     | got 'models:/iris@prod/3'",
        "models:/iris/3@prod     | got 'models:/iris/3@prod'",
        "models:/a/b/c@prod      | got 'models:/a/b/c@prod'",
        "runs:/abc/model         | got 'runs:/abc/model'",
        "models:/iris@           | invalid alias: '' (letters, digits, _ and -)",
        "models:/iris@prod@x     | invalid alias: 'prod@x'",
        "models:/iris@pr od      | invalid alias: 'pr od'",
        "models:/iris/0          | invalid version number: '0'",
        "models:/iris/0123       | invalid version number: '0123'",
        "models:/%20/3           | invalid registered model name: ' '",
        "models:/%2/3            | bad percent-encoding in 'models:/%2/3'",
        "models:/a%zz@prod       | bad percent-encoding in 'models:/a%zz@prod'"
      })
  void refusesMalformedUrisSayingWhy(String uri, String message) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ModelUri.parse(uri));
    assertTrue(String.valueOf(e.getMessage()).contains(message), e.getMessage());
  }

  @Test
  void checksPartsBuiltInCode() {
    assertThrows(IllegalArgumentException.class, () -> new ModelUri.Alias(" ", "prod"));
    assertThrows(IllegalArgumentException.class, () -> new ModelUri.Alias("iris", "x".repeat(256)));
    assertThrows(IllegalArgumentException.class, () -> new ModelUri.Stage("iris", "Prod/x"));
    assertThrows(IllegalArgumentException.class, () -> new ModelUri.Version("iris", "3a"));
    assertThrows(IllegalArgumentException.class, () -> new ModelUri.Logged("m-1/x"));
  }

  @Test
  void tellsItsSchemeApart() {
    assertTrue(ModelUri.isModelUri("models:/iris@prod"));
    assertTrue(ModelUri.isModelUri("Models:/iris@prod"));
    assertFalse(ModelUri.isModelUri("runs:/abc"));
    assertFalse(ModelUri.isModelUri("/tmp/models:/x"));
    assertFalse(ModelUri.isModelUri("model"));
  }

  /**
   * The ArchUnit condition the api and train-job apply does catch a class that spells the scheme.
   */
  @Test
  void theParsingConditionFlagsAClassThatSpellsTheScheme() {
    var classes =
        new ClassFileImporter().importClasses(ModelUri.class, ModelUri.Alias.class, Run.class);
    assertThrows(
        AssertionError.class,
        () ->
            ArchRuleDefinition.classes()
                .that()
                .belongToAnyOf(ModelUri.class)
                .should(ModelUriParsing.LEFT_TO_MODEL_URI)
                .check(classes));
    ArchRuleDefinition.classes()
        .that()
        .belongToAnyOf(Run.class)
        .should(ModelUriParsing.LEFT_TO_MODEL_URI)
        .check(classes);
  }
}
