package dev.smileflow.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smileflow.bundle.testing.TestBundles;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import smile.classification.Classifier;
import smile.classification.DataFrameClassifier;

class PredictorTest {
  private static final List<String> NAMES = Features.encodedNames(TestBundles.irisFeatures());

  /** A hard classifier: class 1 when the first value is positive, else 0. */
  private static final class SignClassifier implements Classifier<double[]> {
    private final int[] classes;

    SignClassifier(int... classes) {
      this.classes = classes;
    }

    @Override
    public int numClasses() {
      return classes.length;
    }

    @Override
    public int[] classes() {
      return classes.clone();
    }

    @Override
    public int predict(double[] x) {
      return x[0] > 0 ? 1 : 0;
    }
  }

  @Test
  void vectorClassifierPredictsWithProbabilities() {
    Object model = TestBundles.trainIris("logistic");
    Predictor p = Predictor.of(model, NAMES);
    double[] posteriori = new double[3];
    int label =
        p.predict(Features.encode(TestBundles.irisFeatures(), TestBundles.virginica()), posteriori);
    assertEquals(2, label);
    assertEquals(1.0, posteriori[0] + posteriori[1] + posteriori[2], 1e-9);
    assertTrue(posteriori[2] > 0.5);
  }

  @Test
  void dataFrameClassifierIsFedTuplesNamedByEncodedColumns() {
    Object model = TestBundles.trainIris("random_forest");
    assertTrue(model instanceof DataFrameClassifier);
    Predictor p = Predictor.of(model, NAMES);
    double[][] x = TestBundles.encodedIris();
    int[] direct = ((DataFrameClassifier) model).predict(TestBundles.encodedIrisFrame());
    for (int i = 0; i < x.length; i++) {
      assertEquals(direct[i], p.predict(x[i]), "row " + i);
    }
  }

  @Test
  void hardClassifierFillsPosterioriOneHot() {
    Predictor p = Predictor.of(new SignClassifier(0, 1), List.of("x"));
    double[] posteriori = {0.3, 0.3};
    assertEquals(1, p.predict(new double[] {2.0}, posteriori));
    assertArrayEquals(new double[] {0.0, 1.0}, posteriori);
  }

  @Test
  void modelNotTrainedOnLabelIndicesIsRejected() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Predictor.of(new SignClassifier(0, 2), List.of("x")));
    assertEquals("model was not trained on labels 0..k-1 (class 1 is label 2)", e.getMessage());
  }

  @Test
  void nonClassifierIsRejectedWithItsClassName() {
    var e = assertThrows(IllegalArgumentException.class, () -> Predictor.of("model", NAMES));
    assertEquals("not a Smile classifier: java.lang.String", e.getMessage());
  }

  @Test
  void wrongVectorOrPosterioriLengthIsRejected() {
    Predictor p = Predictor.of(TestBundles.trainIris("logistic"), NAMES);
    assertThrows(IllegalArgumentException.class, () -> p.predict(new double[3], new double[3]));
    assertThrows(IllegalArgumentException.class, () -> p.predict(new double[4], new double[2]));
  }

  @Test
  void concurrentPredictionsMatchSequentialOnesForEveryFamily() throws Exception {
    double[][] x = TestBundles.encodedIris();
    try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
      for (String algorithm : TestBundles.ALGORITHMS) {
        Predictor p = Predictor.of(TestBundles.trainIris(algorithm), NAMES);
        double[][] expected = new double[x.length][3];
        int[] expectedLabels = new int[x.length];
        for (int i = 0; i < x.length; i++) {
          expectedLabels[i] = p.predict(x[i].clone(), expected[i]);
        }
        List<Future<Integer>> mismatches = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          mismatches.add(
              pool.submit(() -> {
                int bad = 0;
                for (int pass = 0; pass < 20; pass++) {
                  for (int i = 0; i < x.length; i++) {
                    double[] posteriori = new double[3];
                    int label = p.predict(x[i].clone(), posteriori);
                    if (label != expectedLabels[i] || !Arrays.equals(posteriori, expected[i])) {
                      bad++;
                    }
                  }
                }
                return bad;
              }));
        }
        for (Future<Integer> f : mismatches) {
          assertEquals(0, f.get(), algorithm);
        }
      }
    }
  }
}
