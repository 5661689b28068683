package dev.smileflow.train.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smileflow.bundle.PlattSvm;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import smile.classification.LDA;

class ModelSpecTest {
  private static final List<String> NAMES = List.of("a", "b", "c");

  /** Rows of 3 standard normal features; labels drawn independently of them. */
  private static double[][] noise(int n, Random random) {
    double[][] x = new double[n][3];
    for (double[] row : x) {
      for (int j = 0; j < 3; j++) {
        row[j] = random.nextGaussian();
      }
    }
    return x;
  }

  @Test
  void binarySvmIsPlattScaledOnHeldOutDecisionValues() {
    // Labels unrelated to the features: a narrow kernel with a large C memorises them, so Platt
    // scaling fitted on the training decision values would be near certain. Held-out decision
    // values carry no information, so the calibrated probabilities stay near the base rate.
    Random random = new Random(9);
    double[][] x = noise(120, random);
    int[] y = random.ints(120, 0, 2).toArray();
    var model = assertInstanceOf(PlattSvm.class, new ModelSpec.Svm(1000, 0.1).fit(x, y, NAMES, 1));
    double confidence = 0;
    for (double[] row : x) {
      double[] p = new double[2];
      model.predict(row, p);
      confidence += Math.max(p[0], p[1]) / x.length;
    }
    assertTrue(confidence < 0.7, "mean confidence on its own training rows: " + confidence);
  }

  @Test
  void binarySvmWithATinyClassStillFitsAndGivesProbabilities() {
    Random random = new Random(4);
    double[][] x = noise(30, random);
    int[] y = new int[30];
    y[3] = 1;
    y[17] = 1;
    x[3] = new double[] {3, 3, 3};
    x[17] = new double[] {3.2, 2.9, 3.1};
    var model = assertInstanceOf(PlattSvm.class, new ModelSpec.Svm(10, 1).fit(x, y, NAMES, 1));
    double[] p = new double[2];
    model.predict(new double[] {3.1, 3, 3}, p);
    assertEquals(1.0, p[0] + p[1], 1e-12);
    assertTrue(p[1] > 0.5, "P(tiny class) next to its rows: " + p[1]);
  }

  @Test
  void binarySvmIsTheSameModelForTheSameSeed() {
    Random random = new Random(2);
    double[][] x = noise(60, random);
    int[] y = new int[60];
    for (int i = 0; i < 60; i++) {
      y[i] = x[i][0] + 0.3 * random.nextGaussian() > 0 ? 1 : 0;
    }
    var spec = new ModelSpec.Svm(1, 1);
    var first = (PlattSvm) spec.fit(x, y, NAMES, 5);
    var second = (PlattSvm) spec.fit(x, y, NAMES, 5);
    for (double[] row : x) {
      double[] a = new double[2];
      double[] b = new double[2];
      first.predict(row, a);
      second.predict(row, b);
      assertEquals(a[1], b[1]);
    }
  }

  @Test
  void ldaFitsOneHotColumnsWhoseCovarianceIsSingular() {
    // Two dummy columns of one categorical feature always sum to one, and a third is constant:
    // Smile's LDA.fit refuses that covariance, the ridge makes it usable.
    Random random = new Random(6);
    double[][] x = new double[90][];
    int[] y = new int[90];
    for (int i = 0; i < 90; i++) {
      y[i] = i % 3;
      boolean first = random.nextDouble() < (y[i] == 0 ? 0.9 : 0.2);
      x[i] = new double[] {first ? 1 : 0, first ? 0 : 1, 0, y[i] + 0.5 * random.nextGaussian()};
    }
    var model =
        assertInstanceOf(
            LDA.class, new ModelSpec.Lda(1e-4).fit(x, y, List.of("c=a", "c=b", "k", "v"), 1));
    int right = 0;
    for (int i = 0; i < 90; i++) {
      right += model.predict(x[i]) == y[i] ? 1 : 0;
    }
    assertTrue(right > 60, right + " of 90 training rows right");
  }
}
