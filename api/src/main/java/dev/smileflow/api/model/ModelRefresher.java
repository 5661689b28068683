package dev.smileflow.api.model;

import dev.smileflow.api.metrics.ApiMetrics;
import dev.smileflow.bundle.LoadedModel;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows promotions: polls the registry and, when the alias or stage points at another version,
 * fetches, verifies, loads and warms it up off the request path (its prediction path, on its input
 * example, within the {@link WarmupBudget}; the HTTP path around it is warm already), then swaps it
 * in. A refused version is recorded and not retried until the registry points elsewhere; the
 * current model keeps serving. {@link #close()} (at shutdown) abandons a version being loaded: it
 * is interrupted, never swapped in and not recorded as refused.
 */
public final class ModelRefresher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelRefresher.class);

  private final ModelFetcher fetcher;
  private final ModelHolder holder;
  private final ApiMetrics metrics;
  private final WarmupBudget warmup;
  private final ScheduledExecutorService executor;
  private volatile boolean closed;

  public ModelRefresher(
      ModelFetcher fetcher, ModelHolder holder, ApiMetrics metrics, WarmupBudget warmup) {
    this.fetcher = Objects.requireNonNull(fetcher);
    this.holder = Objects.requireNonNull(holder);
    this.metrics = Objects.requireNonNull(metrics);
    this.warmup = Objects.requireNonNull(warmup);
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("model-refresher").factory());
  }

  /** Polls every {@code interval} (after a first wait of one interval); nothing once closed. */
  public void start(Duration interval) {
    if (closed) {
      return; // SIGTERM arrived during start-up
    }
    if (interval.isZero() || !(fetcher.source() instanceof ModelSource.Registered)) {
      LOG.info("model refresh off");
      return;
    }
    // The future completes only by an Error, which checkQuietly has logged, or by close().
    var _ =
        executor.scheduleWithFixedDelay(
            this::checkQuietly, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    LOG.info("following {} every {} s", fetcher.source().uri(), interval.toSeconds());
  }

  private void checkQuietly() {
    try {
      checkOnce();
    } catch (RuntimeException e) {
      if (closed) {
        LOG.info("model refresh stopped by the shutdown: {}", e.toString());
      } else {
        LOG.error("model refresh failed unexpectedly", e);
      }
    } catch (Error e) {
      LOG.error("model refresh stopped: no more polls until a restart", e);
      throw e;
    }
  }

  /** One poll: resolve, and swap in the new version when it differs and loads. */
  public void checkOnce() {
    RegistryVersion version;
    try {
      version = fetcher.resolve();
    } catch (RegistryException e) {
      if (closed) {
        return; // the shutdown interrupted the check
      }
      metrics.refreshError(e.code());
      LOG.warn(
          "registry check failed ({}): {}; still serving {}",
          e.code(),
          e.getMessage(),
          holder.current().map(m -> "version " + m.version()).orElse("nothing"));
      return;
    }
    holder.checked();
    Optional<ServedModel> current = holder.current();
    if (current.isPresent() && current.get().version().equals(version.version())) {
      if (current.get().origin() == ServedModel.Origin.CACHE) {
        holder.confirmOrigin(current.get(), ServedModel.Origin.REGISTRY);
      }
      return;
    }
    var refused = holder.lastRefusal();
    if (refused.isPresent() && refused.get().version().equals(version.version())) {
      return;
    }
    LOG.info(
        "{} now points at version {} (serving {}): loading it",
        fetcher.source().uri(),
        version.version(),
        current.map(ServedModel::version).orElse("nothing"));
    try {
      ServedModel next = fetcher.fetch(version);
      warm(next);
      if (closed) {
        abandoned(version);
        return;
      }
      holder.swap(next);
    } catch (ModelRejectedException e) {
      if (closed) {
        abandoned(version); // the shutdown interrupted the load: nothing is wrong with the version
      } else {
        holder.refuse(version.version(), e.code(), e.getMessage());
      }
    } catch (RegistryException e) {
      if (closed) {
        abandoned(version); // the shutdown interrupted the download
      } else {
        metrics.refreshError(e.code());
        LOG.warn(
            "download of version {} failed ({}): {}; will retry",
            version.version(),
            e.code(),
            e.getMessage());
      }
    }
  }

  private void abandoned(RegistryVersion version) {
    LOG.info(
        "shutting down: stopped loading version {}; still serving {}",
        version.version(),
        holder.current().map(m -> "version " + m.version()).orElse("nothing"));
  }

  /**
   * Runs {@code model}'s prediction path (one row, and every tenth time a batch of ten) on its
   * input example until the warm-up budget is spent, so its first requests do not run interpreted.
   */
  private void warm(ServedModel model) {
    if (!warmup.enabled()) {
      return;
    }
    LoadedModel m = model.model();
    Map<String, Object> example = m.inputExample();
    List<Map<String, Object>> batch = Collections.nCopies(10, example);
    long start = System.nanoTime();
    long deadline = start + warmup.time().toNanos();
    int n = 0;
    while (n < warmup.requests() && System.nanoTime() - deadline < 0 && !closed) {
      if (++n % 10 == 0) {
        m.predictAll(batch);
      } else {
        m.predict(example);
      }
    }
    LOG.info(
        "warmed up version {}: {} predictions in {} ms",
        model.version(),
        n,
        (System.nanoTime() - start) / 1_000_000);
  }

  /**
   * Stops polling and interrupts a check in progress; a version it was loading is abandoned (see
   * the class comment). Returns at once: the refresher thread is a daemon and ends on its own.
   */
  @Override
  public void close() {
    closed = true;
    executor.shutdownNow();
  }
}
