package dev.smileflow.train.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SearchSpaceTest {
  @TempDir Path dir;

  @Test
  void defaultGridEnumeratesEveryCombinationPerAlgorithm() {
    List<ModelSpec> grid = SearchSpace.defaults(List.of(Algorithm.LOGISTIC, Algorithm.SVM)).grid();
    assertEquals(3 + 6, grid.size());
    assertEquals(new ModelSpec.Logistic(0.01), grid.getFirst());
    assertTrue(grid.contains(new ModelSpec.Svm(10, 2)));
  }

  @Test
  void commandLineOverrideReplacesOneHyperparameter() {
    List<ModelSpec> grid =
        SearchSpace.defaults(List.of(Algorithm.SVM)).with("svm.c=0.5,5,50").grid();
    assertEquals(9, grid.size());
    assertTrue(grid.contains(new ModelSpec.Svm(50, 1)));
  }

  @Test
  void unknownHyperparameterIsRejectedWithItsNameAndTheKnownOnes() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SearchSpace.defaults(List.of(Algorithm.SVM)).with("svm.gamma=1"));
    assertEquals("unknown hyperparameter svm.gamma (known: c, sigma_scale)", e.getMessage());
  }

  @Test
  void randomSearchIsSeededAndDrawsFromRanges() {
    SearchSpace space =
        SearchSpace.defaults(List.of(Algorithm.SVM)).with("svm.sigma_scale=0.1:10:log");
    List<ModelSpec> a = space.random(5, 3);
    assertEquals(a, space.random(5, 3));
    for (ModelSpec s : a) {
      double sigma = ((ModelSpec.Svm) s).sigmaScale();
      assertTrue(sigma >= 0.1 && sigma <= 10, "sigma " + sigma);
    }
    assertThrows(IllegalArgumentException.class, space::grid);
  }

  @Test
  void yamlSearchFileOverridesListedHyperparametersOnly() throws IOException {
    Path file = Files.writeString(dir.resolve("space.yaml"), "knn:\n  k: [1, 2]\nsvm:\n  c: 100\n");
    SearchSpace space = SearchSpace.defaults(List.of(Algorithm.KNN, Algorithm.SVM)).withFile(file);
    List<ModelSpec> grid = space.grid();
    assertEquals(
        List.of(
            new ModelSpec.Knn(1),
            new ModelSpec.Knn(2),
            new ModelSpec.Svm(100, 0.5),
            new ModelSpec.Svm(100, 1),
            new ModelSpec.Svm(100, 2)),
        grid);
  }

  @Test
  void invalidHyperparameterValueFailsInTheRecord() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SearchSpace.defaults(List.of(Algorithm.KNN)).with("knn.k=0").grid());
    assertEquals("knn.k must be in [1, 1000], got 0", e.getMessage());
  }
}
