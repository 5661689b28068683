package dev.smileflow.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SplitTest {
  private static final int[] Y = labels(50, 30, 20);

  private static int[] labels(int... counts) {
    int n = Arrays.stream(counts).sum();
    int[] y = new int[n];
    int at = 0;
    for (int c = 0; c < counts.length; c++) {
      for (int i = 0; i < counts[c]; i++) {
        y[at++] = c;
      }
    }
    return y;
  }

  private static int count(int[] rows, int label) {
    return (int) Arrays.stream(rows).filter(i -> Y[i] == label).count();
  }

  @Test
  void holdoutKeepsEveryClassProportionAndPartitionsTheRows() {
    Split s = Split.holdout(Y, 0.2, 42);
    assertEquals(10, count(s.test(), 0));
    assertEquals(6, count(s.test(), 1));
    assertEquals(4, count(s.test(), 2));
    Set<Integer> seen = new HashSet<>();
    Arrays.stream(s.train()).forEach(seen::add);
    Arrays.stream(s.test())
        .forEach(i -> assertFalse(seen.contains(i), "row " + i + " is in both parts"));
    assertEquals(Y.length, s.train().length + s.test().length);
  }

  @Test
  void sameSeedGivesTheSameSplitAndAnotherSeedAnother() {
    assertArrayEquals(Split.holdout(Y, 0.2, 7).test(), Split.holdout(Y, 0.2, 7).test());
    assertFalse(Arrays.equals(Split.holdout(Y, 0.2, 7).test(), Split.holdout(Y, 0.2, 8).test()));
  }

  @Test
  void foldsAreDisjointCoverEveryRowAndStratified() {
    int[][] folds = Split.folds(Y, 5, 1);
    Set<Integer> all = new HashSet<>();
    for (int[] fold : folds) {
      for (int i : fold) {
        assertFalse(!all.add(i), "row " + i + " is in two folds");
      }
      assertEquals(10, Arrays.stream(fold).filter(i -> Y[i] == 0).count());
      assertEquals(6, Arrays.stream(fold).filter(i -> Y[i] == 1).count());
      assertEquals(4, Arrays.stream(fold).filter(i -> Y[i] == 2).count());
    }
    assertEquals(Y.length, all.size());
  }

  @Test
  void complementIsEverythingElseInOrder() {
    assertArrayEquals(new int[] {0, 2, 4}, Split.complement(5, new int[] {1, 3}));
  }
}
