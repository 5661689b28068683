package dev.smileflow.train.search;

import java.util.Arrays;
import java.util.Locale;

/** A selection metric, with its MLflow key stem and direction. */
public enum Metric {
  ACCURACY("accuracy", true),
  F1_MACRO("f1_macro", true),
  LOG_LOSS("log_loss", false);

  private final String key;
  private final boolean higherIsBetter;

  Metric(String key, boolean higherIsBetter) {
    this.key = key;
    this.higherIsBetter = higherIsBetter;
  }

  /** The name used on the command line and in MLflow metric keys. */
  public String key() {
    return key;
  }

  /** Whether larger values are better. */
  public boolean higherIsBetter() {
    return higherIsBetter;
  }

  /** The value of this metric in an evaluation. */
  public double of(Evaluation evaluation) {
    return switch (this) {
      case ACCURACY -> evaluation.accuracy();
      case F1_MACRO -> evaluation.f1Macro();
      case LOG_LOSS -> evaluation.logLoss();
    };
  }

  /**
   * Parses {@code accuracy|f1_macro|log_loss} (also {@code macro_f1}, {@code f1}, {@code logloss}).
   */
  public static Metric parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT).replace('-', '_');
    return switch (t) {
      case "accuracy", "acc" -> ACCURACY;
      case "f1_macro", "macro_f1", "f1" -> F1_MACRO;
      case "log_loss", "logloss", "cross_entropy" -> LOG_LOSS;
      default ->
          throw new IllegalArgumentException(
              "unknown metric '"
                  + text
                  + "' (expected one of "
                  + String.join(", ", Arrays.stream(values()).map(Metric::key).toList())
                  + ")");
    };
  }

  @Override
  public String toString() {
    return key;
  }
}
