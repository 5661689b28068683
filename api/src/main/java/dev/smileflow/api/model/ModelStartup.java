package dev.smileflow.api.model;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the first model. A local directory is loaded directly. A registered model is resolved and
 * fetched, retrying with capped exponential backoff and jitter while the registry is unreachable
 * for up to the retry window; after that (or when the current version is refused) the
 * last-known-good cache is the fallback. Wrong credentials and unknown models fail at once:
 * retrying cannot fix them.
 */
public final class ModelStartup {
  private static final Logger LOG = LoggerFactory.getLogger(ModelStartup.class);
  private static final Duration FIRST_DELAY = Duration.ofMillis(500);
  private static final Duration MAX_DELAY = Duration.ofSeconds(10);

  /** Sleeps; replaceable in tests. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  private final ModelFetcher fetcher;
  private final Duration retryWindow;
  private final Sleeper sleeper;

  public ModelStartup(ModelFetcher fetcher, Duration retryWindow, Sleeper sleeper) {
    this.fetcher = Objects.requireNonNull(fetcher);
    this.retryWindow = Objects.requireNonNull(retryWindow);
    this.sleeper = Objects.requireNonNull(sleeper);
  }

  /**
   * The model to start serving.
   *
   * @throws StartupFailedException with the reason when there is none
   */
  public ServedModel load() {
    return switch (fetcher.source()) {
      case ModelSource.LocalDirectory local -> {
        try {
          yield fetcher.loadLocal();
        } catch (ModelRejectedException e) {
          throw new StartupFailedException(
              e.code(), "model directory " + local.dir() + " refused: " + e.getMessage(), e);
        }
      }
      case ModelSource.Registered registered -> loadRegistered(registered);
    };
  }

  private ServedModel loadRegistered(ModelSource.Registered source) {
    long deadline = System.nanoTime() + retryWindow.toNanos();
    Duration delay = FIRST_DELAY;
    int attempt = 0;
    while (true) {
      attempt++;
      RegistryVersion version = null;
      try {
        version = fetcher.resolve();
        LOG.info(
            "{} resolves to version {} (source {})",
            source.uri(),
            version.version(),
            version.source());
        return fetcher.fetch(version);
      } catch (RegistryException e) {
        if (!e.retryable()) {
          throw new StartupFailedException(
              e.code(), "cannot load " + source.uri() + ": " + e.getMessage(), e);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return fromCache(
              source,
              e.code(),
              "MLflow unreachable after "
                  + attempt
                  + " attempts in "
                  + retryWindow.toSeconds()
                  + " s: "
                  + e.getMessage(),
              e);
        }
        Duration wait = jitter(delay, Duration.ofNanos(left));
        LOG.warn(
            "MLflow unreachable (attempt {}): {}; retrying in {} ms",
            attempt,
            e.getMessage(),
            wait.toMillis());
        try {
          sleeper.sleep(wait);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new StartupFailedException(
              "INTERRUPTED", "interrupted while waiting for MLflow", ie);
        }
        delay = delay.multipliedBy(2).compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay.multipliedBy(2);
      } catch (ModelRejectedException e) {
        return fromCache(
            source,
            e.code(),
            source.uri()
                + " version "
                + (version == null ? "?" : version.version())
                + " refused: "
                + e.getMessage(),
            e);
      }
    }
  }

  private ServedModel fromCache(
      ModelSource.Registered source, String code, String reason, RuntimeException cause) {
    Optional<ServedModel> cached = fetcher.loadCached();
    if (cached.isEmpty()) {
      throw new StartupFailedException(
          code, reason + "; no verified last-known-good copy in MODEL_CACHE_DIR", cause);
    }
    ServedModel m = cached.get();
    LOG.warn(
        "{}; starting with the last-known-good cached copy of {} version {} (checksums verified)",
        reason,
        source.name(),
        m.version());
    return m;
  }

  private static Duration jitter(Duration delay, Duration cap) {
    long ms = delay.toMillis();
    long jittered = ms / 2 + ThreadLocalRandom.current().nextLong(ms / 2 + 1);
    return Duration.ofMillis(Math.max(1, Math.min(jittered, cap.toMillis())));
  }
}
