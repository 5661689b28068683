package dev.smileflow.train.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smileflow.train.data.CsvTables;
import dev.smileflow.train.data.Table;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CrossValidatorTest {
  private static final Table IRIS = CsvTables.iris();

  private static List<ModelSpec> everyPureJavaAlgorithm() {
    return SearchSpace.defaults(
            Arrays.stream(Algorithm.values()).filter(a -> !a.needsBlas()).toList())
        .grid();
  }

  @Test
  void everyAlgorithmFitsIrisWellUnderStratifiedCv() throws InterruptedException {
    List<ModelSpec> candidates = everyPureJavaAlgorithm();
    SearchResult result =
        new CrossValidator(5, 42, 2).run(IRIS, candidates, Metric.ACCURACY, (d, t, w) -> {});
    for (CandidateResult c : result.candidates()) {
      assertTrue(c.succeeded(), c.spec().label() + ": " + c.failure());
      assertEquals(5, c.folds().size());
      assertTrue(
          c.mean(Metric.ACCURACY) > 0.85,
          c.spec().label() + " accuracy " + c.mean(Metric.ACCURACY));
    }
    assertTrue(result.winner().mean(Metric.ACCURACY) >= 0.95);
  }

  @Test
  void sameSeedGivesTheSameScoresForEveryCandidate() throws InterruptedException {
    List<ModelSpec> candidates = everyPureJavaAlgorithm();
    SearchResult first =
        new CrossValidator(5, 7, 2).run(IRIS, candidates, Metric.F1_MACRO, (d, t, w) -> {});
    SearchResult second =
        new CrossValidator(5, 7, 1).run(IRIS, candidates, Metric.F1_MACRO, (d, t, w) -> {});
    for (int i = 0; i < candidates.size(); i++) {
      List<FoldScore> a = first.candidates().get(i).folds();
      List<FoldScore> b = second.candidates().get(i).folds();
      for (int f = 0; f < a.size(); f++) {
        assertEquals(a.get(f).accuracy(), b.get(f).accuracy(), candidates.get(i).label());
        assertEquals(a.get(f).logLoss(), b.get(f).logLoss(), candidates.get(i).label());
      }
    }
    assertEquals(first.winner().spec(), second.winner().spec());
  }
}
