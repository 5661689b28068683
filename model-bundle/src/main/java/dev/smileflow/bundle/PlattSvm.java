package dev.smileflow.bundle;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.util.Objects;
import smile.classification.Classifier;
import smile.classification.PlattScaling;
import smile.classification.SVM;

/**
 * A two-class kernel SVM with Platt-scaled probabilities: Smile's binary {@link SVM} (labels ±1,
 * hard) and the {@link PlattScaling} fitted on its decision values, presented as a soft classifier
 * over labels {@code 0..1} (class 0 is the SVM's -1, class 1 its +1). Smile has no calibrated
 * binary SVM of its own: {@code OneVersusOne} refuses two classes, {@code OneVersusRest} would
 * train two mirror-image machines, and a hand-built one-pair {@code OneVersusOne} bends Platt's
 * probability through its iterative pairwise coupling (by up to 0.003 on a quick check).
 *
 * <p>The label is the more probable class, so {@link #predict(double[])} always agrees with {@link
 * #predict(double[], double[])}. Immutable and thread-safe. It is the one smileflow class on the
 * deserialization allow-list: it holds only the two Smile objects, and {@code readObject} refuses a
 * stream in which either is missing.
 */
public final class PlattSvm implements Classifier<double[]> {
  @Serial private static final long serialVersionUID = 1L;

  /** The kernel machine, trained on labels -1 (class 0) and +1 (class 1). */
  private final SVM<double[]> svm;

  /** Maps the decision value to P(class 1). */
  private final PlattScaling platt;

  /**
   * @param svm a binary SVM trained on labels -1 (class 0) and +1 (class 1)
   * @param platt the scaling of {@code svm}'s decision values to P(class 1)
   */
  public PlattSvm(SVM<double[]> svm, PlattScaling platt) {
    this.svm = Objects.requireNonNull(svm, "svm");
    this.platt = Objects.requireNonNull(platt, "platt");
  }

  @Override
  public int numClasses() {
    return 2;
  }

  @Override
  public int[] classes() {
    return new int[] {0, 1};
  }

  /** The SVM's decision value: positive leans to class 1. */
  @Override
  public double score(double[] x) {
    return svm.score(x);
  }

  @Override
  public boolean isSoft() {
    return true;
  }

  @Override
  public int predict(double[] x) {
    return predict(x, new double[2]);
  }

  @Override
  public int predict(double[] x, double[] posteriori) {
    double positive = platt.scale(svm.score(x));
    posteriori[0] = 1 - positive;
    posteriori[1] = positive;
    return positive > posteriori[0] ? 1 : 0;
  }

  @Serial
  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    if (svm == null || platt == null) {
      throw new InvalidObjectException("PlattSvm needs both its SVM and its Platt scaling");
    }
  }
}
