package dev.smileflow.mlflow;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Independent MLflow calls overlapped, at most {@link #REQUESTS} at a time: a job's round trips are
 * mostly waiting on the server, and several small requests in flight finish sooner than the same
 * requests in a row. Each call keeps its own retry rules, so running them side by side changes
 * nothing about what reaches the server. Used for the files of one upload or download, the nested
 * runs of one search and the tags of one model version.
 */
public final class Concurrently {
  /** Requests in flight at once: MLflow servers commonly run 2 to 4 workers. */
  public static final int REQUESTS = 4;

  private Concurrently() {}

  /**
   * {@code call} applied to every item, results in the items' order. Every call runs to its end
   * before this returns; the first failure (in the items' order) is then thrown with the others
   * suppressed. An interrupt while waiting interrupts the calls and throws an {@link
   * MlflowException} of kind {@code UNAVAILABLE} with the interrupt flag set, as one call would.
   */
  public static <T, R> List<R> map(List<T> items, Function<? super T, ? extends R> call) {
    if (items.size() <= 1) {
      return items.stream().<R>map(call).toList();
    }
    Semaphore slots = new Semaphore(REQUESTS);
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<R>> futures = new ArrayList<>(items.size());
      for (T item : items) {
        futures.add(
            threads.submit(() -> {
              slots.acquire();
              try {
                return call.apply(item);
              } finally {
                slots.release();
              }
            }));
      }
      List<R> results = new ArrayList<>(items.size());
      RuntimeException failure = null;
      for (Future<R> f : futures) {
        try {
          results.add(f.get());
        } catch (ExecutionException e) {
          RuntimeException cause =
              e.getCause() instanceof RuntimeException r
                  ? r
                  : new IllegalStateException(e.getCause());
          if (failure == null) {
            failure = cause;
          } else {
            failure.addSuppressed(cause);
          }
        } catch (InterruptedException e) {
          futures.forEach(x -> x.cancel(true));
          Thread.currentThread().interrupt();
          throw new MlflowException(
              MlflowException.Kind.UNAVAILABLE,
              0,
              null,
              "interrupted while waiting for " + items.size() + " MLflow calls",
              e);
        }
      }
      if (failure != null) {
        throw failure;
      }
      return results;
    }
  }

  /** {@code call} on every item, as {@link #map} runs it. */
  public static <T> void forEach(List<T> items, Consumer<? super T> call) {
    map(
        items,
        item -> {
          call.accept(item);
          return Boolean.TRUE;
        });
  }
}
