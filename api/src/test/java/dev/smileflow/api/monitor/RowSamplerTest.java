package dev.smileflow.api.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RowSamplerTest {
  private final AtomicLong clock = new AtomicLong(5_000_000_000L);
  private final RowSampler sampler = new RowSampler(200, clock::get);

  private int taken(int rows, long nanosBetween) {
    int taken = 0;
    for (int i = 0; i < rows; i++) {
      if (sampler.take()) {
        taken++;
      }
      clock.addAndGet(nanosBetween);
    }
    return taken;
  }

  @Test
  void everyRowIsTakenWhileTrafficStaysUnderTheRate() {
    assertEquals(1000, taken(1000, 10_000_000L), "100 rows a second for 10 s");
  }

  @Test
  void aBurstOfOneSecondsWorthIsTakenAtOnceAndNoMore() {
    assertEquals(200, taken(10_000, 0), "10,000 rows at one instant");
    clock.addAndGet(1_000_000_000L);
    assertEquals(200, taken(10_000, 0), "one second later, a second's worth again");
  }

  @Test
  void underHeavyTrafficTheRateHoldsOverTime() {
    // 30,000 rows a second for 10 s: the first second's burst, then 200 a second
    int taken = taken(300_000, 33_333L);
    assertEquals(200 + 10 * 200, taken, 2.0);
  }

  @Test
  void aRateBelowOneIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new RowSampler(0, clock::get));
  }
}
