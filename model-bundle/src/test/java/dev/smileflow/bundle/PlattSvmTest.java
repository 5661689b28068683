package dev.smileflow.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import smile.classification.PlattScaling;
import smile.classification.SVM;
import smile.math.MathEx;
import smile.math.kernel.GaussianKernel;

class PlattSvmTest {
  /** One feature: class 1 (label +1) right of zero, class 0 (label -1) left of it. */
  private static PlattSvm model() {
    double[][] x = new double[40][];
    int[] y = new int[40];
    for (int i = 0; i < 40; i++) {
      x[i] = new double[] {(i % 2 == 0 ? 1 : -1) * (0.5 + 0.05 * i)};
      y[i] = i % 2 == 0 ? 1 : -1;
    }
    MathEx.setSeed(1);
    SVM<double[]> svm = SVM.fit(x, y, new GaussianKernel(1.0), new SVM.Options(1));
    return new PlattSvm(svm, PlattScaling.fit(svm, x, y));
  }

  @Test
  void probabilitiesArePlattsScaledDecisionValueAndSumToOne() {
    PlattSvm model = model();
    for (double v = -3; v <= 3; v += 0.25) {
      double[] row = {v};
      double[] p = new double[2];
      int label = model.predict(row, p);
      assertEquals(1.0, p[0] + p[1], 1e-15);
      assertEquals(p[1] > p[0] ? 1 : 0, label, "label is the more probable class at " + v);
      assertEquals(label, model.predict(row), "hard and soft predictions agree at " + v);
    }
    double[] right = new double[2];
    double[] left = new double[2];
    assertEquals(1, model.predict(new double[] {2}, right));
    assertEquals(0, model.predict(new double[] {-2}, left));
    assertTrue(right[1] > 0.8 && left[0] > 0.8, List.of(right[1], left[0]).toString());
    assertTrue(model.score(new double[] {2}) > 0);
  }

  @Test
  void isASoftClassifierOfLabelsZeroAndOneThatThePredictorAccepts() {
    Predictor predictor = Predictor.of(model(), List.of("x"));
    double[] posteriori = new double[2];
    assertEquals(1, predictor.predict(new double[] {2}, posteriori));
    assertTrue(posteriori[1] > 0.5 && posteriori[1] < 1, Double.toString(posteriori[1]));
    assertEquals(2, predictor.numClasses());
    assertArrayEquals(new int[] {0, 1}, model().classes());
  }

  @Test
  @SuppressWarnings("NullAway") // passes null on purpose: the constructor must refuse it
  void needsBothParts() {
    assertThrows(NullPointerException.class, () -> new PlattSvm(null, new PlattScaling(1, 0)));
  }
}
