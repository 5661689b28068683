package dev.smileflow.api;

import java.time.Duration;
import java.util.Objects;

/**
 * How a SIGTERM is spent: first {@code drain}, serving as usual while {@code /health/ready} answers
 * 503 so load balancers stop sending traffic, then up to {@code timeout} for the requests still in
 * flight. The sum is the longest a SIGTERM takes to exit; keep it under the platform's grace period
 * (10 s on Cloud Run and in compose).
 *
 * @param drain {@code SHUTDOWN_DRAIN_SECONDS}
 * @param timeout {@code SHUTDOWN_TIMEOUT_SECONDS}; zero stops at once, cutting off what is in
 *     flight
 */
public record ShutdownBudget(Duration drain, Duration timeout) {
  public ShutdownBudget {
    Objects.requireNonNull(drain, "drain");
    Objects.requireNonNull(timeout, "timeout");
    if (drain.isNegative() || timeout.isNegative()) {
      throw new IllegalArgumentException("shutdown budget must not be negative");
    }
  }
}
