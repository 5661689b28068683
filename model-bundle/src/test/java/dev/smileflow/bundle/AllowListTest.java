package dev.smileflow.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.smileflow.bundle.BundleException.Code;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serial;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import smile.classification.KNN;
import smile.classification.PlattScaling;
import smile.classification.SVM;
import smile.math.MathEx;
import smile.math.kernel.GaussianKernel;

/**
 * The entries of the allow-list outside the Smile packages: each test fails when its entry is
 * removed, and the last two show that the entries do not open a way around the filter.
 */
class AllowListTest {
  private static final Path FILE = Path.of("model.ser");

  /** Two Gaussian blobs in {@code p} dimensions, labels -1 and +1. */
  private static double[][] blobs(int n, int p, int[] labels) {
    Random random = new Random(3);
    double[][] x = new double[n][p];
    for (int i = 0; i < n; i++) {
      labels[i] = i % 2 == 0 ? 1 : -1;
      for (int j = 0; j < p; j++) {
        x[i][j] = random.nextGaussian() + labels[i] * 0.8;
      }
    }
    return x;
  }

  private static byte[] serialize(Object object) throws IOException {
    var bytes = new ByteArrayOutputStream();
    try (var out = new ObjectOutputStream(bytes)) {
      out.writeObject(object);
    }
    return bytes.toByteArray();
  }

  private static Object read(Object object) throws IOException, BundleException {
    return ModelDeserializer.read(serialize(object), FILE, ModelDeserializer.Limits.DEFAULT);
  }

  private static BundleException refused(Object object) {
    return assertThrows(
        BundleException.class,
        () -> ModelDeserializer.read(serialize(object), FILE, ModelDeserializer.Limits.DEFAULT));
  }

  @Test
  void binarySvmWithPlattScalingComesBackAndPredictsTheSame() throws Exception {
    int[] y = new int[80];
    double[][] x = blobs(80, 3, y);
    MathEx.setSeed(5);
    SVM<double[]> svm = SVM.fit(x, y, new GaussianKernel(1.0), new SVM.Options(1));
    var model = new PlattSvm(svm, PlattScaling.fit(svm, x, y));

    var loaded = assertInstanceOf(PlattSvm.class, read(model));
    for (double[] row : x) {
      double[] expected = new double[2];
      double[] actual = new double[2];
      assertEquals(model.predict(row, expected), loaded.predict(row, actual));
      assertArrayEquals(expected, actual);
    }
  }

  @Test
  void knnOnTenOrMoreFeaturesComesBackAndPredictsTheSame() throws Exception {
    // Smile's KNN switches from a KDTree to a CoverTree at 10 features; the CoverTree holds
    // Arrays.asList views and the method reference MathEx::distance (a SerializedLambda).
    int[] y = new int[60];
    double[][] x = blobs(60, 12, y);
    int[] labels = Arrays.stream(y).map(v -> v > 0 ? 1 : 0).toArray();
    KNN<double[]> model = KNN.fit(x, labels, 3);

    KNN<double[]> loaded = knn(read(model));
    double[] query = x[7].clone();
    double[] expected = new double[2];
    double[] actual = new double[2];
    assertEquals(model.predict(query, expected), loaded.predict(query, actual));
    assertArrayEquals(expected, actual);
  }

  @SuppressWarnings("unchecked") // KNN's type parameter is erased; the test built a KNN<double[]>
  private static KNN<double[]> knn(Object object) {
    return (KNN<double[]>) assertInstanceOf(KNN.class, object);
  }

  /** Stands in for a gadget class that is not on the allow-list. */
  static final class Outsider implements Serializable {
    @Serial private static final long serialVersionUID = 1L;
  }

  @Test
  void lambdaCapturedInAClassOutsideTheAllowListIsRefused() {
    Runnable lambda = (Runnable & Serializable) () -> {};
    var e = refused(lambda);
    assertEquals(Code.FORBIDDEN_CLASS, e.code());
    assertEquals(
        FILE
            + ": class "
            + AllowListTest.class.getName()
            + " is not on the deserialization"
            + " allow-list",
        e.getMessage());
  }

  @Test
  void arraysAsListStillChecksEveryElement() {
    var e = refused(Arrays.asList(new Object[] {"harmless", new Outsider()}));
    assertEquals(Code.FORBIDDEN_CLASS, e.code());
    assertEquals(
        FILE + ": class " + Outsider.class.getName() + " is not on the deserialization allow-list",
        e.getMessage());
  }
}
