package dev.smileflow.train.registry;

import static java.util.Objects.requireNonNull;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smileflow.bundle.FieldError;
import dev.smileflow.bundle.InvalidInputException;
import dev.smileflow.train.search.Metric;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The compare-and-set promotion loop against a scripted registry (no server). */
class PromotionTest {
  private static final PromotionGate GATE = new PromotionGate(Metric.ACCURACY, null, 0, true);

  /** The version being promoted. */
  private static final String CHALLENGER = "9";

  /** A registry whose alias reads answer in order and whose versions score as given. */
  static final class Scripted implements Promotion.Production {
    final Deque<Optional<String>> reads;
    final Map<String, Double> scores;
    final List<String> scoredVersions = new ArrayList<>();
    final List<PromotionGate.Decision> recorded = new ArrayList<>();
    final List<PromotionGate.Champion> decidedAgainst = new ArrayList<>();
    final List<Optional<String>> moves = new ArrayList<>();

    Scripted(Map<String, Double> scores, List<Optional<String>> reads) {
      this.scores = scores;
      this.reads = new ArrayDeque<>(reads);
    }

    @Override
    public Optional<String> current() {
      return reads.removeFirst();
    }

    @Override
    public PromotionGate.Champion score(String version) {
      scoredVersions.add(version);
      return new PromotionGate.Scored(
          version, requireNonNull(scores.get(version), "the script scores " + version));
    }

    @Override
    public void record(PromotionGate.Champion against, PromotionGate.Decision decision) {
      recorded.add(decision);
      decidedAgainst.add(against);
    }

    @Override
    public void move(Optional<String> from) {
      moves.add(from);
    }

    /** The next scripted read, or the challenger itself when the script is done. */
    @Override
    public Optional<String> afterMove() {
      return reads.isEmpty() ? Optional.of(CHALLENGER) : reads.removeFirst();
    }
  }

  @Test
  void anUnchangedChampionIsReadOnceMoreAndTheAliasMovedFromIt() {
    Scripted registry = new Scripted(Map.of(), List.of(Optional.of("1")));
    PromotionGate.Decision decision =
        Promotion.run(GATE, CHALLENGER, 0.9, new PromotionGate.Scored("1", 0.8), registry);
    assertTrue(decision.promote());
    assertEquals(List.of(Optional.of("1")), registry.moves);
    assertTrue(registry.scoredVersions.isEmpty());
  }

  @Test
  void aBetterChampionPromotedMeanwhileIsScoredAndKeepsProduction() {
    Scripted registry = new Scripted(Map.of("2", 0.95), List.of(Optional.of("2")));
    PromotionGate.Decision decision =
        Promotion.run(GATE, CHALLENGER, 0.9, new PromotionGate.Scored("1", 0.8), registry);
    assertFalse(decision.promote());
    assertEquals(new PromotionGate.Scored("2", 0.95), registry.decidedAgainst.getLast());
    assertEquals(List.of("2"), registry.scoredVersions);
    assertTrue(registry.moves.isEmpty(), "the alias is not moved");
    assertEquals(
        "production moved while deciding (v1 -> v2), decided again: hold-out accuracy 0.9000 vs"
            + " production v2 0.9500 (gain -0.0500 < margin 0.0000)",
        registry.recorded.getLast().reason());
    assertTrue(registry.recorded.getFirst().promote(), "the first decision is overwritten");
  }

  @Test
  void aWorseChampionPromotedMeanwhileIsReplacedAfterASecondCompare() {
    Scripted registry = new Scripted(Map.of("2", 0.7), List.of(Optional.of("2"), Optional.of("2")));
    PromotionGate.Decision decision =
        Promotion.run(GATE, CHALLENGER, 0.9, new PromotionGate.NoChampion(), registry);
    assertTrue(decision.promote());
    assertEquals(List.of(Optional.of("2")), registry.moves);
    assertTrue(
        decision.reason().startsWith("production moved while deciding (none -> v2)"),
        decision.reason());
  }

  @Test
  void aChampionThatKeepsMovingStopsPromotionAfterTheLastRound() {
    Scripted registry =
        new Scripted(
            Map.of("2", 0.5, "3", 0.6),
            List.of(Optional.of("2"), Optional.of("3"), Optional.of("4")));
    PromotionGate.Decision decision =
        Promotion.run(GATE, CHALLENGER, 0.9, new PromotionGate.Scored("1", 0.4), registry);
    assertFalse(decision.promote());
    assertEquals(
        "production kept moving while deciding (v1 -> v2, v2 -> v3, v3 -> v4); not promoted after"
            + " 3 decisions",
        decision.reason());
    assertEquals(decision, registry.recorded.getLast());
    assertTrue(registry.moves.isEmpty());
  }

  @Test
  void aChampionSeenAgainIsNotScoredTwice() {
    Scripted registry =
        new Scripted(
            Map.of("2", 0.5), List.of(Optional.of("2"), Optional.of("1"), Optional.of("1")));
    PromotionGate.Decision decision =
        Promotion.run(GATE, CHALLENGER, 0.9, new PromotionGate.Scored("1", 0.4), registry);
    assertTrue(decision.promote());
    assertEquals(List.of("2"), registry.scoredVersions, "v1's score from before is reused");
    assertEquals(List.of(Optional.of("1")), registry.moves);
  }

  @Test
  void aWorseVersionMovedInRightAfterOursIsDecidedAgainstAndReplaced() {
    // read none, move, then find v2 (0.7) there: another job that also read none moved it after us
    Scripted registry =
        new Scripted(
            Map.of("2", 0.7), List.of(Optional.empty(), Optional.of("2"), Optional.of("2")));
    PromotionGate.Decision decision =
        Promotion.run(GATE, CHALLENGER, 0.9, new PromotionGate.NoChampion(), registry);
    assertTrue(decision.promote());
    assertEquals(List.of(Optional.empty(), Optional.of("2")), registry.moves);
    assertEquals(List.of("2"), registry.scoredVersions);
    assertTrue(
        decision.reason().startsWith("production moved while deciding (v9 -> v2)"),
        decision.reason());
  }

  @Test
  void aBetterOrEqualVersionMovedInRightAfterOursIsLeftThere() {
    for (double other : new double[] {0.9, 0.95}) {
      Scripted registry =
          new Scripted(Map.of("2", other), List.of(Optional.empty(), Optional.of("2")));
      PromotionGate.Decision decision =
          Promotion.run(GATE, CHALLENGER, 0.9, new PromotionGate.NoChampion(), registry);
      assertFalse(decision.promote(), "against " + other);
      assertEquals(List.of(Optional.empty()), registry.moves, "moved once, never back");
      assertEquals(decision, registry.recorded.getLast());
      assertTrue(decision.reason().contains("(v9 -> v2)"), decision.reason());
    }
  }

  @Test
  void rowsThatDoNotFitTheChampionAreSummarisedByDistinctProblem() {
    List<FieldError> errors = new ArrayList<>();
    for (int row = 0; row < 30; row++) {
      for (String field : List.of("a", "b", "c", "d", "e", "f", "g")) {
        errors.add(new FieldError("[" + row + "]." + field, "field required"));
      }
    }
    assertEquals(
        "a: field required; b: field required; c: field required; d: field required; e: field"
            + " required (and 2 more)",
        Registrar.summary(new InvalidInputException(errors)));
  }
}
