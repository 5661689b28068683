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
 * decide again, at most {@code maxRounds} times.
 */
final class Promotion {
  private static final Logger log = LoggerFactory.getLogger(Promotion.class);

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
  }

  static Registrar.Outcome run(
      PromotionGate gate,
      double challengerScore,
      PromotionGate.Champion champion,
      int maxRounds,
      Production production) {
    Map<String, PromotionGate.Champion> scored = new HashMap<>();
    versionOf(champion).ifPresent(v -> scored.put(v, champion));
    List<String> moves = new ArrayList<>();
    PromotionGate.Champion against = champion;
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
        return new Registrar.Outcome(decision, against);
      }
      Optional<String> expected = versionOf(against);
      Optional<String> current = production.current(); // compare ...
      if (current.equals(expected)) {
        production.move(expected); // ... and set, one round trip later
        return new Registrar.Outcome(decision, against);
      }
      moves.add(label(expected) + " -> " + label(current));
      log.warn(
          "production moved from {} to {} while deciding; deciding again",
          label(expected),
          label(current));
      if (round >= maxRounds) {
        PromotionGate.Decision gaveUp =
            new PromotionGate.Decision(
                false,
                "production kept moving while deciding ("
                    + String.join(", ", moves)
                    + "); not promoted after "
                    + round
                    + " decisions");
        production.record(against, gaveUp);
        return new Registrar.Outcome(gaveUp, against);
      }
      against =
          current.isEmpty()
              ? new PromotionGate.NoChampion()
              : scored.computeIfAbsent(current.get(), production::score);
    }
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
