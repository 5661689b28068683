package dev.smileflow.api.monitor;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.smileflow.api.metrics.ApiMetrics;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Drift of the latest served rows from the training data, as {@code /v1/model} shows it under
 * {@code drift}.
 *
 * @param status {@code no training profile} (a bundle written before profiles: nothing is
 *     measured), {@code collecting} (fewer than {@code minRows} rows: measured, never flagged) or
 *     {@code measured}
 * @param windowRows the served rows the measures are taken on
 * @param windowSize {@code DRIFT_WINDOW}, the most rows the window holds
 * @param minRows the rows needed before a feature can be flagged
 * @param psiThreshold a feature is flagged when its PSI is above this
 * @param features one entry per profiled feature (none without a training profile)
 */
public record DriftReport(
    String status,
    int windowRows,
    int windowSize,
    int minRows,
    double psiThreshold,
    List<Feature> features) {

  /**
   * PSI above this is a shift worth acting on (the usual rule of thumb: 0.1 to 0.2 is moderate).
   */
  public static final double PSI_THRESHOLD = 0.2;

  /** The fewest rows a flag needs (or the whole window when it is smaller). */
  public static final int MIN_ROWS = 100;

  static final String NO_PROFILE = "no training profile";
  static final String COLLECTING = "collecting";
  static final String MEASURED = "measured";

  public DriftReport {
    features = List.copyOf(features);
  }

  /**
   * One feature's measures, null while the window has no value for it.
   *
   * @param ksStatistic numeric features only
   * @param outOfRangeRows numeric features: window rows below the training minimum or above the
   *     maximum
   * @param unseenLevelRows categorical features: window rows with a level training never saw
   * @param flagged PSI above {@link #PSI_THRESHOLD} with at least {@code minRows} rows in the
   *     window
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Feature(
      String name,
      String type,
      long rows,
      @Nullable Double psi,
      @Nullable Double ksStatistic,
      @Nullable Long outOfRangeRows,
      @Nullable Long unseenLevelRows,
      boolean flagged)
      implements ApiMetrics.FeatureDrift {}
}
