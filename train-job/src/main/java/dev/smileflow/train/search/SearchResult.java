package dev.smileflow.train.search;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Every candidate's outcome and the winner. The winner is chosen among the successful candidates by
 * these rules, each applied only to the candidates still tied after the one before:
 *
 * <ol>
 *   <li>the best CV mean of the selection metric;
 *   <li>the best CV mean of the tie-break metric ({@link #tieBreak}: log loss, lower wins; accuracy
 *       when the selection metric is log loss);
 *   <li>the simpler algorithm ({@link Algorithm#simplicity()});
 *   <li>the simpler hyperparameters of that algorithm ({@link ModelSpec#complexity()});
 *   <li>the earlier candidate, only when two candidates are the same model.
 * </ol>
 *
 * <p>Two means tie when they differ by at most {@link #TIE_TOLERANCE}. Each tie set is taken
 * against the best value of the step, so the outcome never depends on the order of the candidates.
 */
public record SearchResult(List<CandidateResult> candidates, Metric metric, int folds) {
  /** Means closer than this tie: far below any real difference of a CV mean. */
  public static final double TIE_TOLERANCE = 1e-9;

  public SearchResult {
    candidates = List.copyOf(candidates);
    if (candidates.stream().noneMatch(CandidateResult::succeeded)) {
      throw new IllegalArgumentException("no candidate succeeded");
    }
  }

  /**
   * The result of a search whose candidates are {@code results}; throws {@link SearchException}
   * with the first reason when every candidate failed.
   */
  public static SearchResult of(List<CandidateResult> results, Metric metric, int folds) {
    if (results.stream().noneMatch(CandidateResult::succeeded)) {
      throw new SearchException(
          "every candidate failed; first reason: "
              + (results.isEmpty() ? "no candidates" : results.getFirst().failure()));
    }
    return new SearchResult(results, metric, folds);
  }

  /** The metric that ranks candidates tied on {@code metric}. */
  public static Metric tieBreak(Metric metric) {
    return metric == Metric.LOG_LOSS ? Metric.ACCURACY : Metric.LOG_LOSS;
  }

  /** The chosen candidate. */
  public CandidateResult winner() {
    List<CandidateResult> tied = candidates.stream().filter(CandidateResult::succeeded).toList();
    tied = best(tied, metric);
    tied = best(tied, tieBreak(metric));
    return tied.stream()
        .min(
            Comparator.comparingInt((CandidateResult c) -> c.spec().algorithm().simplicity())
                .thenComparing(c -> c.spec().complexity(), Arrays::compare)
                .thenComparingInt(CandidateResult::index))
        .orElseThrow();
  }

  /** The candidates within {@link #TIE_TOLERANCE} of the best mean of {@code m}. */
  private static List<CandidateResult> best(List<CandidateResult> candidates, Metric m) {
    // Oriented so that larger is better; a NaN mean ranks last.
    ToDoubleFunction<CandidateResult> score =
        c -> {
          double mean = m.higherIsBetter() ? c.mean(m) : -c.mean(m);
          return Double.isNaN(mean) ? Double.NEGATIVE_INFINITY : mean;
        };
    double best = candidates.stream().mapToDouble(score).max().orElseThrow();
    return candidates.stream().filter(c -> score.applyAsDouble(c) >= best - TIE_TOLERANCE).toList();
  }
}
