package dev.smileflow.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

/**
 * Overlapping Gaussian classes as a CSV (numeric columns {@code a, b, ...}, label {@code y} with
 * values {@code k0, k1, k2}): large enough that the search takes a while, for tests that need a job
 * still running.
 */
final class SyntheticCsv {
  private SyntheticCsv() {}

  static Path write(Path file, int rows, int features, double separation, long seed)
      throws IOException {
    StringBuilder csv = new StringBuilder();
    for (int j = 0; j < features; j++) {
      csv.append((char) ('a' + j)).append(',');
    }
    csv.append("y\n");
    Random r = new Random(seed);
    for (int i = 0; i < rows; i++) {
      int c = r.nextInt(3);
      for (int j = 0; j < features; j++) {
        csv.append(String.format(Locale.ROOT, "%.3f,", c * separation + r.nextGaussian()));
      }
      csv.append("k").append(c).append('\n');
    }
    return Files.writeString(file, csv);
  }
}
