package dev.smileflow.api.monitor;

import dev.smileflow.bundle.TrainingProfile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The latest served rows of one model (at most {@code size}; the oldest goes first) and their drift
 * from that model's training profile. Not thread-safe: the {@link DriftMonitor} thread owns it.
 */
final class DriftWindow {
  private final @Nullable TrainingProfile profile;
  private final Map<String, ?>[] rows;
  private int next;
  private int count;

  @SuppressWarnings("unchecked")
  DriftWindow(@Nullable TrainingProfile profile, int size) {
    if (size < 1) {
      throw new IllegalArgumentException("window size must be >= 1, got " + size);
    }
    this.profile = profile;
    this.rows = (Map<String, ?>[]) new Map<?, ?>[size];
  }

  /** Adds a row by feature name (as received), pushing out the oldest when full. */
  void add(Map<String, ?> row) {
    rows[next] = row;
    next = (next + 1) % rows.length;
    count = Math.min(count + 1, rows.length);
  }

  /** The drift of the rows now in the window. */
  DriftReport report() {
    int minRows = Math.min(DriftReport.MIN_ROWS, rows.length);
    List<DriftReport.Feature> features = new ArrayList<>();
    if (profile != null) {
      profile
          .features()
          .forEach((name, p) ->
              features.add(
                  switch (p) {
                    case TrainingProfile.Numeric n -> numeric(name, n, minRows);
                    case TrainingProfile.Categorical c -> categorical(name, c, minRows);
                  }));
    }
    String status =
        profile == null
            ? DriftReport.NO_PROFILE
            : count < minRows ? DriftReport.COLLECTING : DriftReport.MEASURED;
    return new DriftReport(
        status, count, rows.length, minRows, DriftReport.PSI_THRESHOLD, features);
  }

  private DriftReport.Feature numeric(String name, TrainingProfile.Numeric profile, int minRows) {
    double[] values = new double[count];
    int n = 0;
    for (int i = 0; i < count; i++) {
      if (rows[i].get(name) instanceof Number v && Double.isFinite(v.doubleValue())) {
        values[n++] = v.doubleValue();
      }
    }
    if (n == 0) {
      return new DriftReport.Feature(name, "double", 0, null, null, null, null, false);
    }
    values = Arrays.copyOf(values, n);
    Arrays.sort(values);
    long[] actual = new long[profile.binCounts().size()];
    long outOfRange = 0;
    for (double v : values) {
      actual[profile.bin(v)]++;
      if (v < profile.min() || v > profile.max()) {
        outOfRange++;
      }
    }
    long[] expected = profile.binCounts().stream().mapToLong(Long::longValue).toArray();
    double psi = DriftStats.psi(expected, actual);
    double[] reference = profile.quantiles().stream().mapToDouble(Double::doubleValue).toArray();
    double ks = DriftStats.ks(reference, values);
    return new DriftReport.Feature(
        name, "double", n, psi, ks, outOfRange, null, flagged(psi, n, minRows));
  }

  private DriftReport.Feature categorical(
      String name, TrainingProfile.Categorical profile, int minRows) {
    // bins: one per training level, then one for every level training never saw
    List<String> levels = List.copyOf(profile.levels().keySet());
    Map<String, Integer> index = new HashMap<>();
    long[] expected = new long[levels.size() + 1];
    for (int l = 0; l < levels.size(); l++) {
      index.put(levels.get(l), l);
      expected[l] = profile.levels().get(levels.get(l));
    }
    long[] actual = new long[levels.size() + 1];
    long n = 0;
    for (int i = 0; i < count; i++) {
      Object v = rows[i].get(name);
      if (v != null) {
        actual[index.getOrDefault(v.toString(), levels.size())]++;
        n++;
      }
    }
    if (n == 0) {
      return new DriftReport.Feature(name, "string", 0, null, null, null, null, false);
    }
    double psi = DriftStats.psi(expected, actual);
    return new DriftReport.Feature(
        name, "string", n, psi, null, null, actual[levels.size()], flagged(psi, n, minRows));
  }

  private static boolean flagged(double psi, long rows, int minRows) {
    return rows >= minRows && psi > DriftReport.PSI_THRESHOLD;
  }
}
