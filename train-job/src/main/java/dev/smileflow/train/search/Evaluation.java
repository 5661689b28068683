package dev.smileflow.train.search;

import dev.smileflow.train.data.Split;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Predictions of one model on labelled rows, and the metrics computed from them. Macro F1 is the
 * unweighted mean of per-class F1 (a class never predicted has precision 0, as scikit-learn's
 * {@code zero_division=0}); log loss is the multiclass cross-entropy with probabilities clipped to
 * [1e-15, 1].
 */
public final class Evaluation {
  private static final double EPS = 1e-15;

  private final int classes;
  private final int[] truth;
  private final int[] predicted;
  private final double[][] probabilities;

  /** Wraps predictions; the arrays are copied. */
  public Evaluation(int classes, int[] truth, int[] predicted, double[][] probabilities) {
    if (truth.length != predicted.length || truth.length != probabilities.length) {
      throw new IllegalArgumentException("truth, predictions and probabilities differ in length");
    }
    if (truth.length == 0) {
      throw new IllegalArgumentException("nothing to evaluate");
    }
    this.classes = classes;
    this.truth = truth.clone();
    this.predicted = predicted.clone();
    this.probabilities = Arrays.stream(probabilities).map(double[]::clone).toArray(double[][]::new);
  }

  /** Number of classes. */
  public int classes() {
    return classes;
  }

  /** Number of rows. */
  public int size() {
    return truth.length;
  }

  /** Probability of class {@code c} for every row. */
  public double[] probabilities(int c) {
    double[] out = new double[probabilities.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = probabilities[i][c];
    }
    return out;
  }

  /** The evaluation of the given rows only (indices into this one's rows, in that order). */
  public Evaluation select(int[] rows) {
    double[][] prob = Arrays.stream(rows).mapToObj(i -> probabilities[i]).toArray(double[][]::new);
    return new Evaluation(classes, Split.pick(truth, rows), Split.pick(predicted, rows), prob);
  }

  /** Fraction of rows predicted correctly. */
  public double accuracy() {
    long correct = IntStream.range(0, truth.length).filter(i -> truth[i] == predicted[i]).count();
    return (double) correct / truth.length;
  }

  /** Counts: {@code [truth][predicted]}. */
  public int[][] confusion() {
    int[][] m = new int[classes][classes];
    for (int i = 0; i < truth.length; i++) {
      m[truth[i]][predicted[i]]++;
    }
    return m;
  }

  /** Precision, recall, F1, support and predicted count of every class, in class order. */
  public List<ClassScore> perClass() {
    int[][] m = confusion();
    List<ClassScore> out = new ArrayList<>(classes);
    for (int c = 0; c < classes; c++) {
      int tp = m[c][c];
      int support = 0;
      int predictedAs = 0;
      for (int j = 0; j < classes; j++) {
        support += m[c][j];
        predictedAs += m[j][c];
      }
      double precision = predictedAs == 0 ? 0 : (double) tp / predictedAs;
      double recall = support == 0 ? 0 : (double) tp / support;
      double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
      out.add(new ClassScore(c, precision, recall, f1, support, predictedAs));
    }
    return out;
  }

  /** Unweighted mean of per-class F1 over the classes present in the truth or the predictions. */
  public double f1Macro() {
    double sum = 0;
    int counted = 0;
    for (ClassScore s : perClass()) {
      if (s.support() > 0 || s.predicted() > 0) {
        sum += s.f1();
        counted++;
      }
    }
    return counted == 0 ? 0 : sum / counted;
  }

  /** Multiclass cross-entropy, probabilities clipped to [1e-15, 1]. */
  public double logLoss() {
    double sum = 0;
    for (int i = 0; i < truth.length; i++) {
      double p = probabilities[i][truth[i]];
      sum -= Math.log(Math.min(1, Math.max(EPS, Double.isNaN(p) ? 0 : p)));
    }
    return sum / truth.length;
  }

  /**
   * One-vs-rest ROC curve of class {@code c}: points {@code (fpr, tpr)} from (0,0) to (1,1), and
   * its AUC.
   */
  public RocCurve roc(int c) {
    double[] score = probabilities(c);
    Integer[] order =
        IntStream.range(0, score.length)
            .boxed()
            .sorted((a, b) -> Double.compare(score[b], score[a]))
            .toArray(Integer[]::new);
    int positives = (int) Arrays.stream(truth).filter(t -> t == c).count();
    int negatives = truth.length - positives;
    List<double[]> points = new ArrayList<>();
    points.add(new double[] {0, 0});
    int tp = 0;
    int fp = 0;
    double auc = 0;
    double lastFpr = 0;
    double lastTpr = 0;
    for (int i = 0; i < order.length; i++) {
      if (truth[order[i]] == c) {
        tp++;
      } else {
        fp++;
      }
      boolean lastOfTie = i == order.length - 1 || score[order[i + 1]] != score[order[i]];
      if (lastOfTie) {
        double fpr = negatives == 0 ? 0 : (double) fp / negatives;
        double tpr = positives == 0 ? 0 : (double) tp / positives;
        auc += (fpr - lastFpr) * (tpr + lastTpr) / 2;
        points.add(new double[] {fpr, tpr});
        lastFpr = fpr;
        lastTpr = tpr;
      }
    }
    return new RocCurve(c, points, positives == 0 || negatives == 0 ? Double.NaN : auc);
  }

  /**
   * Per-class scores; {@code support} counts the rows of the class, {@code predicted} those
   * predicted as it.
   */
  public record ClassScore(
      int classIndex, double precision, double recall, double f1, int support, int predicted) {}

  /** A one-vs-rest ROC curve. */
  public record RocCurve(int classIndex, List<double[]> points, double auc) {
    public RocCurve {
      points = List.copyOf(points);
    }
  }
}
