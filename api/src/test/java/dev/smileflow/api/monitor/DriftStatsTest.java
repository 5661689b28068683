package dev.smileflow.api.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DriftStatsTest {

  @Test
  void psiIsZeroForTheSameSharesWhateverTheCounts() {
    assertEquals(0.0, DriftStats.psi(new long[] {10, 20, 70}, new long[] {1, 2, 7}), 1e-12);
  }

  @Test
  void psiMatchesTheFormulaByHand() {
    // shares 0.5/0.5 against 0.9/0.1: (0.9-0.5)ln(0.9/0.5) + (0.1-0.5)ln(0.1/0.5)
    double expected = 0.4 * Math.log(1.8) + (-0.4) * Math.log(0.2);
    assertEquals(expected, DriftStats.psi(new long[] {50, 50}, new long[] {9, 1}), 1e-12);
  }

  @Test
  void anEmptyTrainingBinIsRareNotImpossible() {
    // every window row in a bin training never filled: finite, and far above 0.2
    double psi = DriftStats.psi(new long[] {50, 50, 0}, new long[] {0, 0, 10});
    assertTrue(Double.isFinite(psi) && psi > 10, Double.toString(psi));
    assertEquals(0.0, DriftStats.psi(new long[] {5, 0}, new long[] {0, 0}));
    assertThrows(IllegalArgumentException.class, () -> DriftStats.psi(new long[2], new long[3]));
  }

  @Test
  void ksIsTheLargestGapBetweenTheDistributionFunctions() {
    assertEquals(0.0, DriftStats.ks(new double[] {1, 2, 3, 4}, new double[] {1, 2, 3, 4}));
    assertEquals(1.0, DriftStats.ks(new double[] {1, 2}, new double[] {5, 6}));
    // at x=2: F_ref = 2/4, F_now = 0/2 -> 0.5; at x=3: 3/4 vs 1/2 -> 0.25
    assertEquals(0.5, DriftStats.ks(new double[] {1, 2, 3, 4}, new double[] {3, 4}), 1e-12);
    assertEquals(0.0, DriftStats.ks(new double[] {1}, new double[] {}));
  }

  @Test
  void ksHandlesTies() {
    assertEquals(0.0, DriftStats.ks(new double[] {1, 1, 2, 2}, new double[] {1, 2}), 1e-12);
  }
}
