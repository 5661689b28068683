package dev.smileflow.api.monitor;

import java.util.Arrays;

/**
 * The drift measures, on plain arrays. Population stability index over bins: {@code PSI = Σ (a_i -
 * e_i) · ln(a_i / e_i)}, where {@code e_i} and {@code a_i} are the training and window shares of
 * bin i, each floored at {@value #MIN_SHARE} so an empty bin counts as rare rather than impossible.
 * Two-sample Kolmogorov-Smirnov statistic: the largest gap between two empirical distribution
 * functions.
 */
final class DriftStats {
  /** The share an empty bin is given. */
  static final double MIN_SHARE = 1e-4;

  private DriftStats() {}

  /**
   * The PSI of {@code actual} counts against {@code expected} counts over the same bins; 0 when
   * either side has no rows.
   */
  static double psi(long[] expected, long[] actual) {
    if (expected.length != actual.length) {
      throw new IllegalArgumentException(
          expected.length + " expected bins but " + actual.length + " actual ones");
    }
    long e = Arrays.stream(expected).sum();
    long a = Arrays.stream(actual).sum();
    if (e == 0 || a == 0) {
      return 0;
    }
    double psi = 0;
    for (int i = 0; i < expected.length; i++) {
      double es = Math.max((double) expected[i] / e, MIN_SHARE);
      double as = Math.max((double) actual[i] / a, MIN_SHARE);
      psi += (as - es) * Math.log(as / es);
    }
    return psi;
  }

  /**
   * The two-sample KS statistic {@code sup_x |F_ref(x) - F_now(x)|} of two sorted samples; 0 when
   * either is empty.
   */
  static double ks(double[] referenceSorted, double[] nowSorted) {
    int n = referenceSorted.length;
    int m = nowSorted.length;
    if (n == 0 || m == 0) {
      return 0;
    }
    int i = 0;
    int j = 0;
    double d = 0;
    while (i < n && j < m) {
      double x = Math.min(referenceSorted[i], nowSorted[j]);
      while (i < n && referenceSorted[i] <= x) {
        i++;
      }
      while (j < m && nowSorted[j] <= x) {
        j++;
      }
      d = Math.max(d, Math.abs((double) i / n - (double) j / m));
    }
    return d;
  }
}
