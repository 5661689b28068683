package dev.smileflow.train.search;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smileflow.bundle.ModelBundle;
import dev.smileflow.train.data.CsvTables;
import dev.smileflow.train.data.Split;
import dev.smileflow.train.data.Table;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The check train-job runs on its own files before it uploads them. */
class ServedAsTrainedTest {
  private static Table train;
  private static Table holdout;

  @TempDir Path dir;

  @BeforeAll
  static void iris() {
    Table iris = CsvTables.iris();
    Split split = Split.holdout(iris.y(), 0.2, 7);
    train = iris.select(split.train());
    holdout = iris.select(split.test());
  }

  private static Path write(Path dir, FittedModel fitted) throws IOException {
    ModelBundle.write(
        dir,
        fitted.model(),
        fitted.descriptor(train, train, Map.of(), 7, Instant.EPOCH),
        fitted.inputExample(train),
        mlmodel -> mlmodel);
    return dir;
  }

  @Test
  void aBundleWrittenFromTheModelServesEveryHoldoutRowAsTrained() throws IOException {
    FittedModel fitted = FittedModel.fit(new ModelSpec.Logistic(0.1), train, 7);
    Path bundle = write(dir, fitted);
    assertDoesNotThrow(() -> fitted.checkServedAsTrained(bundle, holdout));
  }

  @Test
  void filesOfAnotherModelAreCaughtAtTheFirstDifferentRow() throws IOException {
    FittedModel written = FittedModel.fit(new ModelSpec.Logistic(100), train, 7);
    FittedModel trained = FittedModel.fit(new ModelSpec.Logistic(0.001), train, 7);
    Path bundle = write(dir, written);
    UnservableModelException e =
        assertThrows(
            UnservableModelException.class, () -> trained.checkServedAsTrained(bundle, holdout));
    assertTrue(e.getMessage().contains("hold-out row 1"), e.getMessage());
    assertTrue(e.getMessage().lines().count() == 1, "one line: " + e.getMessage());
  }

  @Test
  void filesTheServingLoaderRefusesStopTheJobWithTheLoadersCode() throws IOException {
    FittedModel fitted = FittedModel.fit(new ModelSpec.Knn(3), train, 7);
    Path bundle = write(dir, fitted);
    Path model = bundle.resolve(ModelBundle.MODEL_FILE);
    byte[] bytes = Files.readAllBytes(model);
    bytes[bytes.length - 1] ^= 1;
    Files.write(model, bytes);
    UnservableModelException e =
        assertThrows(
            UnservableModelException.class, () -> fitted.checkServedAsTrained(bundle, holdout));
    assertTrue(e.getMessage().contains("CHECKSUM_MISMATCH"), e.getMessage());
  }
}
