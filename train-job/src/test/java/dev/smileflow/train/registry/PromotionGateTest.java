package dev.smileflow.train.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smileflow.train.search.Metric;
import org.junit.jupiter.api.Test;

class PromotionGateTest {
  private static final PromotionGate DEFAULT = new PromotionGate(Metric.ACCURACY, null, 0, true);

  @Test
  void firstVersionIsPromotedWhenThereIsNoChampion() {
    PromotionGate.Decision d = DEFAULT.decide(0.9, new PromotionGate.NoChampion());
    assertTrue(d.promote());
    assertEquals("hold-out accuracy 0.9000 clears the gate; no production version yet", d.reason());
  }

  @Test
  void equallyGoodChallengerIsPromotedWithTheDefaultMarginOfZero() {
    assertTrue(DEFAULT.decide(0.9667, new PromotionGate.Scored("1", 0.9667)).promote());
  }

  @Test
  void worseChallengerOrOneBelowTheMarginIsNotPromoted() {
    PromotionGate.Decision worse = DEFAULT.decide(0.90, new PromotionGate.Scored("3", 0.95));
    assertFalse(worse.promote());
    assertEquals(
        "hold-out accuracy 0.9000 vs production v3 0.9500 (gain -0.0500 < margin 0.0000)",
        worse.reason());
    PromotionGate margin = new PromotionGate(Metric.ACCURACY, null, 0.02, true);
    assertFalse(margin.decide(0.96, new PromotionGate.Scored("3", 0.95)).promote());
    assertTrue(margin.decide(0.97, new PromotionGate.Scored("3", 0.95)).promote());
  }

  @Test
  void minScoreBlocksEvenWithoutAChampion() {
    PromotionGate gate = new PromotionGate(Metric.ACCURACY, 0.99, 0, true);
    PromotionGate.Decision d = gate.decide(0.98, new PromotionGate.NoChampion());
    assertFalse(d.promote());
    assertEquals("hold-out accuracy 0.9800 < --min-score 0.9900", d.reason());
  }

  @Test
  void logLossIsLowerIsBetterForBothTheBarAndTheChampion() {
    PromotionGate gate = new PromotionGate(Metric.LOG_LOSS, 0.2, 0, true);
    assertFalse(gate.decide(0.3, new PromotionGate.NoChampion()).promote());
    assertTrue(gate.decide(0.1, new PromotionGate.Scored("1", 0.15)).promote());
    assertFalse(gate.decide(0.18, new PromotionGate.Scored("1", 0.15)).promote());
  }

  @Test
  void noPromoteAndAnUnscorableChampionNeverPromote() {
    assertFalse(
        new PromotionGate(Metric.ACCURACY, null, 0, false)
            .decide(1.0, new PromotionGate.NoChampion())
            .promote());
    PromotionGate.Decision d =
        DEFAULT.decide(1.0, new PromotionGate.Unscorable("2", "no column 'x'"));
    assertFalse(d.promote());
    assertEquals(
        "production version 2 could not be scored on the same rows: no column 'x'", d.reason());
  }
}
