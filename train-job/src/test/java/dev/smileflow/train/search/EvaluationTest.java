package dev.smileflow.train.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class EvaluationTest {
  // truth:     0 0 0 1 1 2
  // predicted: 0 0 1 1 2 2
  private static final Evaluation E =
      new Evaluation(
          3,
          new int[] {0, 0, 0, 1, 1, 2},
          new int[] {0, 0, 1, 1, 2, 2},
          new double[][] {
            {0.8, 0.1, 0.1},
            {0.6, 0.3, 0.1},
            {0.3, 0.6, 0.1},
            {0.2, 0.7, 0.1},
            {0.1, 0.3, 0.6},
            {0.0, 0.2, 0.8}
          });

  @Test
  void accuracyAndConfusionCountRowsByTruthThenPrediction() {
    assertEquals(4.0 / 6, E.accuracy(), 1e-12);
    assertArrayEquals(new int[] {2, 1, 0}, E.confusion()[0]);
    assertArrayEquals(new int[] {0, 1, 1}, E.confusion()[1]);
    assertArrayEquals(new int[] {0, 0, 1}, E.confusion()[2]);
  }

  @Test
  void aSelectionIsScoredOnItsOwnRows() {
    Evaluation rows = E.select(new int[] {2, 3, 5});
    assertEquals(3, rows.size());
    // truth 0 1 2, predicted 1 1 2
    assertArrayEquals(new int[][] {{0, 1, 0}, {0, 1, 0}, {0, 0, 1}}, rows.confusion());
    assertEquals(2.0 / 3, rows.accuracy(), 1e-12);
    assertArrayEquals(new double[] {0.6, 0.7, 0.2}, rows.probabilities(1), 1e-12);
  }

  @Test
  void macroF1IsTheUnweightedMeanOfPerClassF1() {
    double f0 = 2 * 1.0 * (2.0 / 3) / (1.0 + 2.0 / 3);
    double f1 = 0.5;
    double f2 = 2 * 0.5 * 1.0 / 1.5;
    assertEquals((f0 + f1 + f2) / 3, E.f1Macro(), 1e-12);
  }

  @Test
  void logLossIsTheMeanNegativeLogOfTheTrueClassProbability() {
    double expected =
        -(Math.log(0.8)
                + Math.log(0.6)
                + Math.log(0.3)
                + Math.log(0.7)
                + Math.log(0.3)
                + Math.log(0.8))
            / 6;
    assertEquals(expected, E.logLoss(), 1e-12);
  }

  @Test
  void oneVsRestAucOfAPerfectRankingIsOneAndOfAReversedRankingIsZero() {
    assertEquals(1.0, E.roc(2).auc(), 1e-12);
    Evaluation reversed =
        new Evaluation(
            2, new int[] {0, 1}, new int[] {1, 0}, new double[][] {{0.1, 0.9}, {0.9, 0.1}});
    assertEquals(0.0, reversed.roc(1).auc(), 1e-12);
  }
}
