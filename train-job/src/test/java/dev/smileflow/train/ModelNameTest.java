package dev.smileflow.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The registered model's name when --model-name is not given. */
class ModelNameTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "breast-cancer.csv|breast-cancer-classifier",
        "Penguins Raw (2020).csv|penguins-raw-2020-classifier",
        "données_été.CSV|donnees-ete-classifier",
        "wine|wine-classifier",
        "iris.csv|iris-classifier",
        "spam-classifier.csv|spam-classifier",
        "__.csv|classifier",
        ".hidden|hidden-classifier"
      })
  void derivedFromTheDataFilesName(String file, String expected) {
    String name = JobConfig.defaultModelName(Path.of(file));
    assertEquals(expected, name);
    assertTrue(name.matches("[a-z0-9]+(-[a-z0-9]+)*"), "a valid MLflow registered-model name");
  }

  @Test
  void theBundledIrisKeepsItsNameAndAPathGivesItsFileName() {
    assertEquals("iris-classifier", JobConfig.defaultModelName(null));
    assertEquals(
        "breast-cancer-classifier",
        JobConfig.defaultModelName(Path.of("..", "testdata", "breast-cancer.csv")));
  }

  private static JobConfig config(String... args) {
    TrainCommand command = new TrainCommand(c -> 0, Map.of(), Map.of());
    new picocli.CommandLine(command).parseArgs(args);
    return command.config();
  }

  @Test
  void longFileNamesAreCutToAHundredCharactersBeforeTheSuffix() {
    String name = JobConfig.defaultModelName(Path.of("a".repeat(99) + "-b" + ".csv"));
    assertEquals("a".repeat(99) + "-classifier", name);
  }

  @Test
  void theCommandLineDerivesTheNameUnlessGivenByOptionOrEnvironment() {
    assertEquals("wine-classifier", config("--data", "../testdata/wine.csv").modelName());
    assertEquals("iris-classifier", config().modelName());
    assertEquals("mine", config("--data", "x.csv", "--model-name", "mine").modelName());
  }
}
