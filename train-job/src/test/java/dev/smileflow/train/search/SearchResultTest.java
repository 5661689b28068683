package dev.smileflow.train.search;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The winner and its tie-break rules, on constructed results: each case is checked in both
 * candidate orders, so table order can never be what decides.
 */
class SearchResultTest {
  /** A candidate's CV outcome: the same scores on each of 3 folds. */
  private record Outcome(ModelSpec spec, double accuracy, double logLoss) {}

  private static Outcome outcome(ModelSpec spec, double accuracy, double logLoss) {
    return new Outcome(spec, accuracy, logLoss);
  }

  private static SearchResult result(Metric metric, List<Outcome> outcomes) {
    List<CandidateResult> results = new ArrayList<>();
    for (int i = 0; i < outcomes.size(); i++) {
      Outcome o = outcomes.get(i);
      List<FoldScore> folds = new ArrayList<>();
      for (int f = 0; f < 3; f++) {
        folds.add(new FoldScore(f, o.accuracy(), o.accuracy(), o.logLoss(), 1, 1));
      }
      results.add(new CandidateResult(i, o.spec(), folds, 100, null));
    }
    return new SearchResult(results, metric, 3);
  }

  /** The winner's spec, after checking that both candidate orders choose it. */
  private static ModelSpec winner(Metric metric, Outcome... outcomes) {
    ModelSpec forward = result(metric, List.of(outcomes)).winner().spec();
    ModelSpec backward = result(metric, List.of(outcomes).reversed()).winner().spec();
    assertEquals(forward, backward, "the winner depends on the candidate order");
    return forward;
  }

  @Test
  void theBestMetricWinsEvenOverASimplerModelWithLowerLogLoss() {
    var boosting = new ModelSpec.GradientBoosting(50, 8, 0.1);
    var bayes = new ModelSpec.NaiveBayesSpec(1e-9);
    assertEquals(
        boosting,
        winner(Metric.ACCURACY, outcome(bayes, 0.95, 0.1), outcome(boosting, 0.951, 0.3)));
  }

  @Test
  void aTieOnTheMetricGoesToTheLowerLogLoss() {
    var knn = new ModelSpec.Knn(3);
    var forest = new ModelSpec.RandomForestSpec(100, 0, 4);
    assertEquals(
        forest, winner(Metric.ACCURACY, outcome(knn, 0.96, 0.40), outcome(forest, 0.96, 0.12)));
  }

  @Test
  void meansWithinTheToleranceTie() {
    var knn = new ModelSpec.Knn(3);
    var forest = new ModelSpec.RandomForestSpec(100, 0, 4);
    double tiny = SearchResult.TIE_TOLERANCE / 10;
    assertEquals(
        forest,
        winner(Metric.F1_MACRO, outcome(knn, 0.9 + tiny, 0.40), outcome(forest, 0.9, 0.12)));
  }

  @Test
  void whenLogLossSelectsATieGoesToTheHigherAccuracy() {
    var logistic = new ModelSpec.Logistic(0.1);
    var svm = new ModelSpec.Svm(1, 1);
    assertEquals(
        svm, winner(Metric.LOG_LOSS, outcome(logistic, 0.90, 0.2), outcome(svm, 0.93, 0.2)));
  }

  @Test
  void aTieOnBothMetricsGoesToTheSimplerAlgorithm() {
    var boosting = new ModelSpec.GradientBoosting(50, 4, 0.1);
    var tree = new ModelSpec.DecisionTreeSpec(3, 3);
    var bayes = new ModelSpec.NaiveBayesSpec(1e-9);
    assertEquals(
        bayes,
        winner(
            Metric.ACCURACY,
            outcome(boosting, 1.0, 0.05),
            outcome(tree, 1.0, 0.05),
            outcome(bayes, 1.0, 0.05)));
    assertEquals(
        tree, winner(Metric.ACCURACY, outcome(boosting, 1.0, 0.05), outcome(tree, 1.0, 0.05)));
  }

  @Test
  void aTieWithinOneAlgorithmGoesToTheSimplerHyperparameters() {
    assertEquals(
        new ModelSpec.Knn(15),
        winner(
            Metric.ACCURACY,
            outcome(new ModelSpec.Knn(3), 0.9, 0.3),
            outcome(new ModelSpec.Knn(15), 0.9, 0.3),
            outcome(new ModelSpec.Knn(7), 0.9, 0.3)));
    assertEquals(
        new ModelSpec.RandomForestSpec(100, 0, 4),
        winner(
            Metric.ACCURACY,
            outcome(new ModelSpec.RandomForestSpec(100, 0, 12), 0.9, 0.3),
            outcome(new ModelSpec.RandomForestSpec(100, 0, 4), 0.9, 0.3)));
    assertEquals(
        new ModelSpec.Svm(1, 2),
        winner(
            Metric.ACCURACY,
            outcome(new ModelSpec.Svm(10, 2), 0.9, 0.3),
            outcome(new ModelSpec.Svm(1, 0.5), 0.9, 0.3),
            outcome(new ModelSpec.Svm(1, 2), 0.9, 0.3)));
    assertEquals(
        new ModelSpec.Logistic(1),
        winner(
            Metric.ACCURACY,
            outcome(new ModelSpec.Logistic(0.01), 0.9, 0.3),
            outcome(new ModelSpec.Logistic(1), 0.9, 0.3)));
  }

  @Test
  void theSameModelTwiceFallsBackToTheEarlierCandidate() {
    var knn = new ModelSpec.Knn(5);
    SearchResult result =
        result(Metric.ACCURACY, List.of(outcome(knn, 0.9, 0.3), outcome(knn, 0.9, 0.3)));
    assertEquals(0, result.winner().index());
  }

  @Test
  void failedCandidatesNeverWinAndANanMeanRanksLast() {
    var knn = new ModelSpec.Knn(5);
    var bayes = new ModelSpec.NaiveBayesSpec(1e-9);
    var failed = new CandidateResult(0, bayes, List.of(), 0, "IllegalArgumentException: boom");
    var nan =
        new CandidateResult(
            1, bayes, List.of(new FoldScore(0, Double.NaN, Double.NaN, 0.1, 1, 1)), 10, null);
    var scored =
        new CandidateResult(2, knn, List.of(new FoldScore(0, 0.5, 0.5, 0.9, 1, 1)), 10, null);
    assertEquals(
        knn, new SearchResult(List.of(failed, nan, scored), Metric.ACCURACY, 1).winner().spec());
  }
}
