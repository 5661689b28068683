package dev.smileflow.mlflow;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Delay before retry number {@code n} (1-based): {@code factor * 2^(n-1)} capped at {@link
 * MlflowConfig#MAX_BACKOFF}, then "equal jitter" (a random value between half and all of it),
 * unless the server sent {@code Retry-After}, which is honoured (capped at {@link
 * #MAX_RETRY_AFTER}).
 */
record Backoff(Duration factor, Duration cap, RandomGenerator random) {

  static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(2);

  Duration delay(int retry, @Nullable Duration retryAfter) {
    if (retryAfter != null) {
      return retryAfter.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : retryAfter;
    }
    long factorNanos = factor.toNanos();
    int shift = Math.min(Math.max(retry - 1, 0), 40);
    long exp = factorNanos > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : factorNanos << shift;
    long capped = Math.min(exp, cap.toNanos());
    long half = capped / 2;
    long jitter = half == 0 ? 0 : random.nextLong(half + 1);
    return Duration.ofNanos(capped - half + jitter);
  }

  /** Parses {@code Retry-After}: delta seconds or an HTTP date; empty when absent or unreadable. */
  static Optional<Duration> parseRetryAfter(@Nullable String value, Instant now) {
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    String v = value.strip();
    try {
      long seconds = Long.parseLong(v);
      return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration d = Duration.between(now, at);
        return Optional.of(d.isNegative() ? Duration.ZERO : d);
      } catch (DateTimeParseException notDate) {
        return Optional.empty();
      }
    }
  }
}
