package dev.smileflow.api.monitor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes work off the request path: a bounded queue that {@link #offer} never waits on (a full queue
 * drops the item and says so through {@code dropped}), and one daemon thread that hands the queued
 * items, in batches, to a {@link Sink}. {@link #close} stops taking items and waits for the thread
 * to hand over everything already queued.
 */
final class Offloader<T> {
  private static final Logger LOG = LoggerFactory.getLogger(Offloader.class);

  /** How long the thread waits for an item before it calls {@link Sink#idle()}. */
  static final Duration IDLE = Duration.ofMillis(100);

  private static final int MAX_BATCH = 1024;

  /** What the thread does with the queued items. Called from that thread only. */
  interface Sink<T> {
    /** Handles some items, in the order they were offered. */
    void accept(List<T> batch);

    /** Called when no item came for {@link #IDLE}, and once before {@link #finish()}. */
    default void idle() {}

    /** Called once, after the last batch. */
    default void finish() {}
  }

  private final BlockingQueue<T> queue;
  private final Sink<T> sink;
  private final IntConsumer dropped;
  private final Thread thread;
  private volatile boolean closed;

  /**
   * @param dropped told of each item {@link #offer} refuses
   */
  Offloader(String name, int capacity, Sink<T> sink, IntConsumer dropped) {
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.sink = Objects.requireNonNull(sink);
    this.dropped = Objects.requireNonNull(dropped);
    this.thread = Thread.ofPlatform().name(name).daemon().unstarted(this::run);
    thread.start();
  }

  /** Queues {@code item} without waiting; counts it as dropped when full or closed. */
  void offer(T item) {
    if (closed || !queue.offer(item)) {
      dropped.accept(1);
    }
  }

  private void run() {
    List<T> batch = new ArrayList<>();
    while (true) {
      T first;
      try {
        first = queue.poll(IDLE.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        first = null;
      }
      if (first == null) {
        if (closed && queue.isEmpty()) {
          break;
        }
        safely(sink::idle);
        continue;
      }
      batch.add(first);
      queue.drainTo(batch, MAX_BATCH - 1);
      safely(() -> sink.accept(batch));
      batch.clear();
    }
    safely(sink::idle);
    safely(sink::finish);
  }

  private void safely(Runnable step) {
    try {
      step.run();
    } catch (RuntimeException e) {
      LOG.warn("{} failed: {}", thread.getName(), e.toString());
    }
  }

  /**
   * Stops taking items and waits up to {@code timeout} for the thread to finish the queued ones.
   *
   * @return true when everything queued was handed over in time
   */
  boolean close(Duration timeout) {
    closed = true;
    try {
      thread.join(timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return !thread.isAlive();
  }
}
