package dev.smileflow.train.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** A stratified partition of row indices into a training part and a held-out part. */
public final class Split {
  private final int[] train;
  private final int[] test;

  private Split(int[] train, int[] test) {
    this.train = train;
    this.test = test;
  }

  /** Training row indices, ascending (a copy). */
  public int[] train() {
    return train.clone();
  }

  /** Held-out row indices, ascending (a copy). */
  public int[] test() {
    return test.clone();
  }

  /**
   * Holds out {@code round(fraction * n_c)} rows of every class {@code c} (at least one when the
   * class has two or more rows), chosen by a shuffle seeded with {@code seed}.
   */
  public static Split holdout(int[] y, double fraction, long seed) {
    if (!(fraction > 0 && fraction < 1)) {
      throw new IllegalArgumentException("hold-out fraction must be in (0, 1), got " + fraction);
    }
    List<int[]> byClass = shuffledByClass(y, seed);
    List<Integer> train = new ArrayList<>();
    List<Integer> test = new ArrayList<>();
    for (int[] members : byClass) {
      int held = (int) Math.round(fraction * members.length);
      if (held == 0 && members.length >= 2) {
        held = 1;
      }
      if (held == members.length) {
        held = members.length - 1;
      }
      for (int i = 0; i < members.length; i++) {
        (i < held ? test : train).add(members[i]);
      }
    }
    return new Split(sorted(train), sorted(test));
  }

  /**
   * Stratified k-fold assignment: every class's rows are shuffled (seeded) and dealt round-robin,
   * so fold sizes per class differ by at most one. Returns the held-out rows of each fold,
   * ascending.
   */
  public static int[][] folds(int[] y, int k, long seed) {
    if (k < 2) {
      throw new IllegalArgumentException("folds must be at least 2, got " + k);
    }
    List<List<Integer>> folds = new ArrayList<>();
    for (int f = 0; f < k; f++) {
      folds.add(new ArrayList<>());
    }
    int next = 0;
    for (int[] members : shuffledByClass(y, seed)) {
      for (int member : members) {
        folds.get(next).add(member);
        next = (next + 1) % k;
      }
    }
    return folds.stream().map(Split::sorted).toArray(int[][]::new);
  }

  /** The complement of {@code held} in {@code 0..n-1}, ascending. */
  public static int[] complement(int n, int[] held) {
    boolean[] out = new boolean[n];
    for (int i : held) {
      out[i] = true;
    }
    int[] rest = new int[n - held.length];
    int r = 0;
    for (int i = 0; i < n; i++) {
      if (!out[i]) {
        rest[r++] = i;
      }
    }
    return rest;
  }

  /** {@code values} at {@code rows}, in the order of {@code rows}. */
  public static int[] pick(int[] values, int[] rows) {
    return Arrays.stream(rows).map(i -> values[i]).toArray();
  }

  private static List<int[]> shuffledByClass(int[] y, long seed) {
    int classes = Arrays.stream(y).max().orElse(-1) + 1;
    List<List<Integer>> members = new ArrayList<>();
    for (int c = 0; c < classes; c++) {
      members.add(new ArrayList<>());
    }
    for (int i = 0; i < y.length; i++) {
      members.get(y[i]).add(i);
    }
    SplittableRandom random = new SplittableRandom(seed);
    List<int[]> out = new ArrayList<>();
    for (List<Integer> list : members) {
      int[] a = list.stream().mapToInt(Integer::intValue).toArray();
      for (int i = a.length - 1; i > 0; i--) {
        int j = random.nextInt(i + 1);
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
      }
      out.add(a);
    }
    return out;
  }

  private static int[] sorted(List<Integer> list) {
    return list.stream().mapToInt(Integer::intValue).sorted().toArray();
  }
}
