package dev.smileflow.train.search;

/** The scores of one candidate on one CV fold, with its fit and score wall times. */
public record FoldScore(
    int fold, double accuracy, double f1Macro, double logLoss, long fitMillis, long scoreMillis) {
  /** The value of {@code metric}. */
  public double get(Metric metric) {
    return switch (metric) {
      case ACCURACY -> accuracy;
      case F1_MACRO -> f1Macro;
      case LOG_LOSS -> logLoss;
    };
  }
}
