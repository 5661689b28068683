package dev.smileflow.api.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OffloaderTest {

  /** A sink that holds its thread in the first batch until released. */
  private static final class Held implements Offloader.Sink<Integer> {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final List<Integer> seen = new CopyOnWriteArrayList<>();
    final AtomicInteger finished = new AtomicInteger();

    @Override
    public void accept(List<Integer> batch) {
      entered.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      seen.addAll(batch);
    }

    @Override
    public void finish() {
      finished.incrementAndGet();
    }
  }

  @Test
  void aFullQueueDropsAndCountsWithoutWaitingAndCloseHandsOverTheRest() throws Exception {
    var sink = new Held();
    var dropped = new AtomicInteger();
    var offloader = new Offloader<Integer>("test-offloader", 3, sink, dropped::addAndGet);
    offloader.offer(0);
    assertTrue(sink.entered.await(10, TimeUnit.SECONDS), "the thread took the first item");
    // the thread is stuck in the sink: three fit in the queue, the next seven are dropped, and
    // not one offer waits for the stuck thread
    for (int i = 1; i <= 10; i++) {
      offloader.offer(i);
    }
    assertEquals(7, dropped.get());
    sink.release.countDown();
    assertTrue(offloader.close(Duration.ofSeconds(10)));
    assertEquals(List.of(0, 1, 2, 3), sink.seen);
    assertEquals(1, sink.finished.get());
    offloader.offer(99);
    assertEquals(8, dropped.get(), "closed");
  }
}
