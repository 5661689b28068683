package dev.smileflow.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.smileflow.bundle.Feature;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PreprocessingTest {
  private static Table table(String csv, MissingPolicy missing) {
    return CsvTables.parse(
        "t.csv", csv.getBytes(StandardCharsets.UTF_8), new LoadOptions("y", missing, Set.of()));
  }

  @Test
  void statisticsComeOnlyFromTheRowsItIsFittedOnSoFoldsDoNotLeak() {
    // rows 0-3 are the fold's training rows; row 4 (held out) is an outlier that must not move
    // mean, std or range
    Table t = table("x,y\n1,a\n2,b\n3,a\n4,b\n1000,a\n", MissingPolicy.REJECT);
    Preprocessing p = Preprocessing.fit(t, new int[] {0, 1, 2, 3});
    Feature.Numeric x = (Feature.Numeric) p.features().getFirst();
    assertEquals(2.5, x.mean(), 1e-12);
    assertEquals(Math.sqrt(1.25), x.std(), 1e-12);
    assertEquals(1, x.min());
    assertEquals(4, x.max());
    double[][] encoded = p.encode(t, new int[] {4});
    assertEquals((1000 - 2.5) / Math.sqrt(1.25), encoded[0][0], 1e-9);
  }

  @Test
  void categoricalIsOneHotInLevelOrderAndMissingValuesTakeTheTrainingMeanOrMode() {
    Table t = table("c,x,y\nred,1,a\nblue,3,b\nred,NA,a\n?,5,b\n", MissingPolicy.IMPUTE);
    Preprocessing p = Preprocessing.fit(t, new int[] {0, 1, 2, 3});
    assertEquals(java.util.List.of("c=blue", "c=red", "x"), p.encodedNames());
    double[][] encoded = p.encode(t, new int[] {2, 3});
    assertArrayEquals(new double[] {0, 1, 0}, encoded[0], 1e-12); // x imputed with its mean -> 0
    assertEquals(1, encoded[1][1], 1e-12); // c imputed with the most frequent level, red
  }
}
