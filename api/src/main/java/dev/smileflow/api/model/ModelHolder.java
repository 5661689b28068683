package dev.smileflow.api.model;

import dev.smileflow.api.metrics.ApiMetrics;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the {@link ServedModel} being served and swaps it atomically. A request reads {@link
 * #current()} once and uses that value to the end, so a swap never changes a model under a running
 * request and never fails one. The first model can be {@linkplain #stage staged}: served to warm-up
 * traffic while the service still reports not ready. Also keeps the last refused version and the
 * last registry check.
 */
public final class ModelHolder {
  private static final Logger LOG = LoggerFactory.getLogger(ModelHolder.class);

  /**
   * The last version that was refused.
   *
   * @param version the refused version
   * @param code machine-readable reason
   * @param message human-readable reason (no secrets)
   * @param at when
   */
  public record Refusal(String version, String code, String message, Instant at) {
    public Refusal {
      Objects.requireNonNull(version);
      Objects.requireNonNull(code);
      Objects.requireNonNull(message);
      Objects.requireNonNull(at);
    }
  }

  private final AtomicReference<@Nullable ServedModel> current = new AtomicReference<>();
  private final AtomicReference<@Nullable Refusal> lastRefusal = new AtomicReference<>();
  private final AtomicReference<@Nullable Instant> lastCheck = new AtomicReference<>();
  private final ApiMetrics metrics;
  private final Clock clock;
  private volatile boolean ready;

  public ModelHolder(ApiMetrics metrics, Clock clock) {
    this.metrics = Objects.requireNonNull(metrics);
    this.clock = Objects.requireNonNull(clock);
  }

  /** The served model, or empty while none is loaded. */
  public Optional<ServedModel> current() {
    return Optional.ofNullable(current.get());
  }

  /** True once a model is loaded and swapped in (a staged model is not ready yet). */
  public boolean ready() {
    return ready;
  }

  /**
   * Serves the first {@code model} to whoever asks (the warm-up) while {@link #ready()} stays
   * false; {@link #swap} with the same model then makes it ready.
   *
   * @throws IllegalStateException once the service is ready: a new version is warmed before its
   *     swap instead
   */
  public void stage(ServedModel model) {
    if (ready) {
      throw new IllegalStateException("a model is already being served; swap() replaces it");
    }
    current.set(Objects.requireNonNull(model));
  }

  /**
   * Serves {@code model} from now on and reports ready; requests already running finish on the
   * previous one.
   */
  public void swap(ServedModel model) {
    ServedModel previous = current.getAndSet(Objects.requireNonNull(model));
    ServedModel replaced = ready ? previous : null;
    ready = true;
    metrics.modelLoaded(
        model.name(),
        model.version(),
        model.origin().name().toLowerCase(Locale.ROOT),
        replaced != null);
    if (replaced != null) {
      LOG.info(
          "model swapped: {} version {} -> {} ({}), sha256 {}",
          model.name(),
          replaced.version(),
          model.version(),
          model.origin(),
          model.model().descriptor().modelSha256());
    } else {
      LOG.info(
          "model loaded: {} version {} from {} ({}), algorithm {}, sha256 {}",
          model.name(),
          model.version(),
          model.location(),
          model.origin(),
          model.model().descriptor().algorithm(),
          model.model().descriptor().modelSha256());
    }
  }

  /** Marks the served model as matching the registry again (after a start from the cache). */
  void confirmOrigin(ServedModel model, ServedModel.Origin origin) {
    if (current.compareAndSet(model, model.withOrigin(origin))) {
      LOG.info(
          "registry reachable again: cached model {} version {} is the current version",
          model.name(),
          model.version());
    }
  }

  /** Records that {@code version} was refused; the served model is unchanged. */
  public void refuse(String version, String code, String message) {
    lastRefusal.set(new Refusal(version, code, message, clock.instant()));
    metrics.modelRefused(code);
    LOG.warn(
        "model version {} refused ({}): {}; still serving {}",
        version,
        code,
        message,
        current().map(m -> "version " + m.version()).orElse("nothing"));
  }

  /** The last refusal, if any. */
  public Optional<Refusal> lastRefusal() {
    return Optional.ofNullable(lastRefusal.get());
  }

  void checked() {
    lastCheck.set(clock.instant());
  }

  /** When the registry was last checked successfully, if ever. */
  public Optional<Instant> lastCheck() {
    return Optional.ofNullable(lastCheck.get());
  }
}
