package dev.smileflow.train.search;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A candidate's cross-validation outcome: its per-fold scores, or the reason it failed.
 *
 * @param index position in the candidate list (stable, used to break ties)
 * @param spec the algorithm and hyperparameters
 * @param folds one score per fold (empty when failed)
 * @param modelSizeBytes serialized size of the first fold's model
 * @param failure why fitting failed, or null
 */
public record CandidateResult(
    int index,
    ModelSpec spec,
    List<FoldScore> folds,
    long modelSizeBytes,
    @Nullable String failure) {
  public CandidateResult {
    folds = List.copyOf(folds);
    if (failure == null && folds.isEmpty()) {
      throw new IllegalArgumentException("a successful candidate has fold scores");
    }
  }

  /** Whether every fold was fitted and scored. */
  public boolean succeeded() {
    return failure == null;
  }

  /** Mean of {@code metric} over the folds. */
  public double mean(Metric metric) {
    return folds.stream().mapToDouble(f -> f.get(metric)).average().orElse(Double.NaN);
  }

  /** Sample standard deviation (n - 1) of {@code metric} over the folds. */
  public double std(Metric metric) {
    int n = folds.size();
    if (n < 2) {
      return 0;
    }
    double mean = mean(metric);
    double sum = 0;
    for (FoldScore f : folds) {
      sum += (f.get(metric) - mean) * (f.get(metric) - mean);
    }
    return Math.sqrt(sum / (n - 1));
  }

  /** Total fit time over the folds, in milliseconds. */
  public long fitMillis() {
    return folds.stream().mapToLong(FoldScore::fitMillis).sum();
  }

  /** Total score time over the folds, in milliseconds. */
  public long scoreMillis() {
    return folds.stream().mapToLong(FoldScore::scoreMillis).sum();
  }
}
