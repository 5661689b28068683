package dev.smileflow.train.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Promotion as a compare-and-set on the alias, apart from MLflow: decide against the champion that
 * was scored; before moving the alias, read it again; if it moved, score the new champion and
 * decide again, at most {@link #MAX_ROUNDS} times. MLflow has no conditional alias update, so a job
 * that read the same champion can still move the alias one round trip after us: once that round
 * trip has surely passed, the alias is read once more, and a version found there in our place is
 * decided against like any champion. It is replaced only by a strictly better score, so two jobs
 * never hand the alias back and forth, and the better of them ends holding it.
 */
final class Promotion {
  private static final Logger log = LoggerFactory.getLogger(Promotion.class);

  /**
   * How many times the gate decides before a promotion gives up on a champion that keeps moving.
   */
  static final int MAX_ROUNDS = 3;

  private Promotion() {}

  /** The registry as the loop sees it. */
  interface Production {
    /** The version the alias points at now, empty when none. */
    Optional<String> current();

    /** Scores {@code version} on the challenger's hold-out rows. */
    PromotionGate.Champion score(String version);

    /** Records a decision (as version tags). */
    void record(PromotionGate.Champion against, PromotionGate.Decision decision);

    /** Moves the alias (and stage) to the challenger; {@code from} is where it pointed. */
    void move(Optional<String> from);

    /**
     * The version the alias points at once a concurrent move sent right after ours would have
     * landed.
     */
    Optional<String> afterMove();
  }

  /** The final decision on promoting {@code challenger}, hold-out score {@code challengerScore}. */
  static PromotionGate.Decision run(
      PromotionGate gate,
      String challenger,
      double challengerScore,
      PromotionGate.Champion champion,
      Production production) {
    Map<String, PromotionGate.Champion> scored = new HashMap<>();
    versionOf(champion).ifPresent(v -> scored.put(v, champion));
    List<String> moves = new ArrayList<>();
    PromotionGate.Champion against = champion;
    boolean displaced = false; // another job moved the alias after this one did
    for (int round = 1; ; round++) {
      PromotionGate.Decision decision = gate.decide(challengerScore, against);
      if (!moves.isEmpty()) {
        decision =
            new PromotionGate.Decision(
                decision.promote(),
                "production moved while deciding ("
                    + String.join(", ", moves)
                    + "), decided again: "
                    + decision.reason());
      }
      production.record(against, decision);
      if (!decision.promote()) {
        return decision;
      }
      if (displaced && !strictlyBetter(gate, challengerScore, against)) {
        PromotionGate.Decision kept =
            new PromotionGate.Decision(
                false,
                "production moved after this version was promoted ("
                    + String.join(", ", moves)
                    + ") to one that scores as well or better: left there");
        production.record(against, kept);
        return kept;
      }
      Optional<String> expected = versionOf(against);
      Optional<String> current = production.current(); // compare ...
      Optional<String> self = Optional.of(challenger);
      if (current.equals(expected)) {
        production.move(expected); // ... and set, one round trip later
        current = production.afterMove();
        if (current.equals(self)) {
          return decision;
        }
        displaced = true;
        expected = self;
      }
      moves.add(label(expected) + " -> " + label(current));
      log.warn(
          "production moved from {} to {} while deciding; deciding again",
          label(expected),
          label(current));
      if (round >= MAX_ROUNDS) {
        PromotionGate.Decision gaveUp =
            new PromotionGate.Decision(
                false,
                "production kept moving while deciding ("
                    + String.join(", ", moves)
                    + "); not promoted after "
                    + round
                    + " decisions");
        production.record(against, gaveUp);
        return gaveUp;
      }
      against =
          current.isEmpty()
              ? new PromotionGate.NoChampion()
              : scored.computeIfAbsent(current.get(), production::score);
    }
  }

  /** Whether the challenger beats a champion that displaced it by a strictly better score. */
  private static boolean strictlyBetter(
      PromotionGate gate, double challenger, PromotionGate.Champion champion) {
    return switch (champion) {
      case PromotionGate.NoChampion n -> true;
      case PromotionGate.Unscorable u -> false;
      case PromotionGate.Scored s ->
          gate.metric().higherIsBetter() ? challenger > s.score() : challenger < s.score();
    };
  }

  private static String label(Optional<String> version) {
    return version.map(v -> "v" + v).orElse("none");
  }

  static Optional<String> versionOf(PromotionGate.Champion champion) {
    return switch (champion) {
      case PromotionGate.Scored s -> Optional.of(s.version());
      case PromotionGate.Unscorable u -> Optional.of(u.version());
      case PromotionGate.NoChampion n -> Optional.empty();
    };
  }
}
