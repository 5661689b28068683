package dev.smileflow.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ConcurrentlyTest {

  @Test
  void resultsKeepTheItemsOrderAndAtMostFourCallsOverlap() {
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    CountDownLatch fourIn = new CountDownLatch(Concurrently.REQUESTS);
    List<Integer> items = IntStream.range(0, 40).boxed().toList();
    List<String> out =
        Concurrently.map(
            items,
            i -> {
              int now = inFlight.incrementAndGet();
              peak.accumulateAndGet(now, Math::max);
              fourIn.countDown();
              try {
                // the first calls wait until four are in flight together, proving overlap
                assertTrue(fourIn.await(10, TimeUnit.SECONDS));
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              } finally {
                inFlight.decrementAndGet();
              }
              return "r" + i;
            });
    assertEquals(items.stream().map(i -> "r" + i).toList(), out);
    assertEquals(Concurrently.REQUESTS, peak.get());
  }

  @Test
  void everyCallRunsAndTheFirstFailureInItemOrderIsThrownWithTheOthersSuppressed() {
    AtomicInteger ran = new AtomicInteger();
    var e =
        assertThrows(
            MlflowException.class,
            () ->
                Concurrently.forEach(
                    List.of(0, 1, 2, 3, 4, 5),
                    i -> {
                      ran.incrementAndGet();
                      if (i == 2 || i == 4) {
                        throw new MlflowException(
                            MlflowException.Kind.UNAVAILABLE, 500, null, "call " + i + " failed");
                      }
                    }));
    assertEquals(6, ran.get());
    assertEquals("call 2 failed", e.getMessage());
    assertEquals(1, e.getSuppressed().length);
    assertEquals("call 4 failed", e.getSuppressed()[0].getMessage());
  }

  @Test
  void anInterruptWhileWaitingStopsTheCallsAndSaysSo() throws Exception {
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    CountDownLatch started = new CountDownLatch(1);
    Thread caller =
        Thread.ofPlatform()
            .start(() -> {
              try {
                Concurrently.forEach(
                    List.of(1, 2),
                    i -> {
                      started.countDown();
                      try {
                        Thread.sleep(60_000);
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                    });
              } catch (RuntimeException e) {
                thrown.set(e);
                assertTrue(Thread.currentThread().isInterrupted());
              }
            });
    assertTrue(started.await(10, TimeUnit.SECONDS));
    caller.interrupt();
    caller.join(10_000);
    assertTrue(thrown.get() instanceof MlflowException, String.valueOf(thrown.get()));
    assertEquals(MlflowException.Kind.UNAVAILABLE, ((MlflowException) thrown.get()).kind());
  }
}
