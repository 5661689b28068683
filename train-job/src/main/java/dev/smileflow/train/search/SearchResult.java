package dev.smileflow.train.search;

import java.util.List;

/**
 * Every candidate's outcome and the winner: the best mean of the selection metric over the CV
 * folds, ties broken by the smaller standard deviation, then by candidate order.
 */
public record SearchResult(List<CandidateResult> candidates, Metric metric, int folds) {
  public SearchResult {
    candidates = List.copyOf(candidates);
    if (candidates.stream().noneMatch(CandidateResult::succeeded)) {
      throw new IllegalArgumentException("no candidate succeeded");
    }
  }

  /** The chosen candidate. */
  public CandidateResult winner() {
    CandidateResult best = null;
    for (CandidateResult c : candidates) {
      if (!c.succeeded()) {
        continue;
      }
      if (best == null
          || metric.better(c.mean(metric), best.mean(metric))
          || (c.mean(metric) == best.mean(metric) && c.std(metric) < best.std(metric))) {
        best = c;
      }
    }
    return java.util.Objects.requireNonNull(best);
  }
}
