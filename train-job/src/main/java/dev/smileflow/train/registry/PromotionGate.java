package dev.smileflow.train.registry;

import dev.smileflow.train.search.Metric;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Decides whether a newly registered version replaces production. Pure: the same scores give the
 * same decision.
 *
 * <p>Promote when all hold: promotion is enabled; the challenger's hold-out score clears {@code
 * minScore} (at least it for accuracy and macro F1, at most it for log loss; no threshold when
 * null); and, if there is a production version whose score on the same hold-out rows is known, the
 * challenger is no worse by at least {@code margin}: {@code challenger - champion >= margin} (for
 * log loss {@code champion - challenger >= margin}). With the default margin 0 an equally good
 * model is promoted. A champion that exists but could not be scored blocks promotion.
 *
 * @param metric the hold-out metric both are compared on
 * @param minScore the quality bar, or null for none
 * @param margin required improvement over the champion (may be negative to tolerate a small loss)
 * @param enabled false for {@code --no-promote}
 */
public record PromotionGate(
    Metric metric, @Nullable Double minScore, double margin, boolean enabled) {
  public PromotionGate {
    if (minScore != null && !Double.isFinite(minScore)) {
      throw new IllegalArgumentException("min score must be finite, got " + minScore);
    }
    if (!Double.isFinite(margin)) {
      throw new IllegalArgumentException("promote margin must be finite, got " + margin);
    }
  }

  /** The current production version as seen by the gate. */
  public sealed interface Champion {}

  /** No production version exists. */
  public record NoChampion() implements Champion {}

  /** The production version and its score on the challenger's hold-out rows. */
  public record Scored(String version, double score) implements Champion {}

  /** A production version exists but could not be scored (e.g. trained on other columns). */
  public record Unscorable(String version, String reason) implements Champion {}

  /** The decision and its one-line reason. */
  public record Decision(boolean promote, String reason) {}

  /** Decides for a challenger with hold-out score {@code challenger}. */
  public Decision decide(double challenger, Champion champion) {
    String name = "hold-out " + metric.key();
    if (!enabled) {
      return new Decision(false, "promotion disabled (--no-promote)");
    }
    if (Double.isNaN(challenger)) {
      return new Decision(false, name + " is not a number");
    }
    if (minScore != null) {
      boolean clears = metric.higherIsBetter() ? challenger >= minScore : challenger <= minScore;
      if (!clears) {
        return new Decision(
            false,
            String.format(
                Locale.ROOT,
                "%s %s %s --min-score %s",
                name,
                fmt(challenger),
                metric.higherIsBetter() ? "<" : ">",
                fmt(minScore)));
      }
    }
    return switch (champion) {
      case NoChampion n ->
          new Decision(
              true, name + " " + fmt(challenger) + " clears the gate; no production version yet");
      case Unscorable u ->
          new Decision(
              false,
              "production version "
                  + u.version()
                  + " could not be scored on the same rows: "
                  + u.reason());
      case Scored s -> {
        double gain = metric.higherIsBetter() ? challenger - s.score() : s.score() - challenger;
        boolean promote = gain >= margin - 1e-12;
        yield new Decision(
            promote,
            String.format(
                Locale.ROOT,
                "%s %s vs production v%s %s (gain %s %s margin %s)",
                name,
                fmt(challenger),
                s.version(),
                fmt(s.score()),
                fmt(gain),
                promote ? ">=" : "<",
                fmt(margin)));
      }
    };
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }
}
