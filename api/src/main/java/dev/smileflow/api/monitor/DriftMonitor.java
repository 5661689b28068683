package dev.smileflow.api.monitor;

import dev.smileflow.api.metrics.ApiMetrics;
import dev.smileflow.bundle.LoadedModel;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Serving drift: a window of the last {@code DRIFT_WINDOW} served rows, compared with the training
 * profile their model carries. Above {@value #MAX_ROWS_PER_SECOND} rows a second the window takes a
 * sample of them at that rate ({@link RowSampler}). Requests only {@link #served queue} a row
 * (never waiting: a full queue drops it, counted in {@code model_drift_rows_dropped_total}); one
 * thread adds the rows to the window and, at most once a second (and whenever traffic pauses),
 * recomputes the measures, exports them as the {@code model_drift_*} gauges and keeps them for
 * {@code /v1/model}. A row of another model (after a swap) starts a new window.
 */
public final class DriftMonitor implements AutoCloseable {
  /** How often the measures are recomputed under steady traffic. */
  private static final Duration EVERY = Duration.ofSeconds(1);

  static final int CAPACITY = 10_000;

  /**
   * The most rows a second the window takes (every row below it): the drift thread's work stays
   * bounded however busy the api is.
   */
  static final int MAX_ROWS_PER_SECOND = 1000;

  /** The measures of one model's window. */
  private record Snapshot(LoadedModel model, DriftReport report) {}

  private final int windowSize;
  private final ApiMetrics metrics;
  private final RowSampler sampler;
  private final Offloader<ServedRow> offloader;
  private volatile @Nullable Snapshot latest;

  /**
   * @param windowSize {@code DRIFT_WINDOW}
   */
  DriftMonitor(int windowSize, ApiMetrics metrics) {
    this.windowSize = windowSize;
    this.metrics = metrics;
    this.sampler = new RowSampler(MAX_ROWS_PER_SECOND, System::nanoTime);
    this.offloader =
        new Offloader<>("drift", CAPACITY, new Windows(), n -> metrics.driftRowDropped());
  }

  /** Queues {@code row} for the window unless the sampler leaves it out; never waits. */
  public void served(ServedRow row) {
    if (sampler.take()) {
      offloader.offer(row);
    }
  }

  /**
   * The latest measures for {@code model}: its window's, or an empty window's while no row of it
   * has been measured yet.
   */
  public DriftReport report(LoadedModel model) {
    Snapshot s = latest;
    if (s != null && s.model() == model) {
      return s.report();
    }
    return new DriftWindow(model.descriptor().trainingProfile(), windowSize).report();
  }

  @Override
  public void close() {
    offloader.close(Offloader.IDLE.multipliedBy(5));
  }

  /** The thread's side: the window and when it was last measured. */
  private final class Windows implements Offloader.Sink<ServedRow> {
    private @Nullable LoadedModel model;
    private @Nullable DriftWindow window;
    private boolean dirty;
    private long measuredAt = System.nanoTime();

    @Override
    public void accept(List<ServedRow> batch) {
      for (ServedRow row : batch) {
        if (row.model() != model || window == null) {
          model = row.model();
          window = new DriftWindow(model.descriptor().trainingProfile(), windowSize);
        }
        window.add(row.features());
      }
      dirty = true;
      if (System.nanoTime() - measuredAt >= EVERY.toNanos()) {
        measure();
      }
    }

    @Override
    public void idle() {
      if (dirty) {
        measure();
      }
    }

    private void measure() {
      LoadedModel m = Objects.requireNonNull(model);
      DriftReport report = Objects.requireNonNull(window).report();
      latest = new Snapshot(m, report);
      metrics.drift(report.windowRows(), report.features());
      dirty = false;
      measuredAt = System.nanoTime();
    }
  }
}
