package dev.smileflow.api.model;

import java.time.Duration;
import java.util.Objects;

/**
 * How much warm-up traffic a model gets before it serves: at most {@code requests} requests, for at
 * most {@code time}, whichever ends first. Zero in either turns the warm-up off.
 *
 * @param time {@code WARMUP_SECONDS}: the longest the warm-up may delay readiness
 * @param requests {@code WARMUP_REQUESTS}: how many requests the warm-up sends at most
 */
public record WarmupBudget(Duration time, int requests) {
  public WarmupBudget {
    Objects.requireNonNull(time, "time");
    if (time.isNegative() || requests < 0) {
      throw new IllegalArgumentException("warm-up budget must not be negative");
    }
  }

  /** True when the warm-up runs at all. */
  public boolean enabled() {
    return !time.isZero() && requests > 0;
  }
}
