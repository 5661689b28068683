package dev.smileflow.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smileflow.bundle.Feature;
import dev.smileflow.bundle.Features;
import dev.smileflow.bundle.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PreprocessingTest {
  private static final Path PENGUINS = Path.of("..", "testdata", "penguins.csv");

  private static Table table(String csv, MissingPolicy missing) {
    return CsvTables.parse(
        "t.csv", csv.getBytes(StandardCharsets.UTF_8), new LoadOptions("y", missing, Set.of()));
  }

  private static int[] all(Table t) {
    return IntStream.range(0, t.rows()).toArray();
  }

  private static Feature feature(Preprocessing p, String name) {
    return p.features().stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
  }

  /** A CSV with column {@code c}: each level repeated as often as given, labels alternating. */
  private static Table levels(Map<String, Integer> repeats) {
    StringBuilder csv = new StringBuilder("c,y\n");
    int i = 0;
    for (var e : repeats.entrySet()) {
      for (int k = 0; k < e.getValue(); k++) {
        csv.append(e.getKey()).append(',').append(i++ % 2 == 0 ? "a" : "b").append('\n');
      }
    }
    return table(csv.toString(), MissingPolicy.REJECT);
  }

  /** {@code levels} in the given order: level, count, level, count, ... */
  private static Table levels(Object... levelThenCount) {
    Map<String, Integer> repeats = new LinkedHashMap<>();
    for (int i = 0; i < levelThenCount.length; i += 2) {
      repeats.put((String) levelThenCount[i], (Integer) levelThenCount[i + 1]);
    }
    return levels(repeats);
  }

  @Test
  void statisticsComeOnlyFromTheRowsItIsFittedOnSoFoldsDoNotLeak() {
    // rows 0-3 are the fold's training rows; row 4 (held out) is an outlier that must not move
    // mean, std, range or the fill
    Table t = table("x,y\n1,a\n2,b\n3,a\n4,b\n1000,a\n", MissingPolicy.IMPUTE);
    Preprocessing p = Preprocessing.fit(t, new int[] {0, 1, 2, 3});
    Feature.Numeric x = (Feature.Numeric) p.features().getFirst();
    assertEquals(2.5, x.mean(), 1e-12);
    assertEquals(Math.sqrt(1.25), x.std(), 1e-12);
    assertEquals(1, x.min());
    assertEquals(4, x.max());
    assertEquals(2.5, x.fill());
    double[][] encoded = p.encode(t, new int[] {4});
    assertEquals((1000 - 2.5) / Math.sqrt(1.25), encoded[0][0], 1e-9);
    assertEquals(3.5, Preprocessing.fit(t, new int[] {1, 2, 3, 4}).features().getFirst().fill());
  }

  @Test
  void numericFillIsTheMedianNotTheMean() {
    Table t = table("x,y\n1,a\n2,b\n3,a\n100,b\nNA,a\n", MissingPolicy.IMPUTE);
    Preprocessing p = Preprocessing.fit(t, all(t));
    Feature.Numeric x = (Feature.Numeric) p.features().getFirst();
    assertEquals(26.5, x.mean(), 1e-12);
    assertEquals(2.5, x.fill());
    assertEquals((2.5 - 26.5) / x.std(), p.encode(t, new int[] {4})[0][0], 1e-12);
  }

  @Test
  void categoricalIsOneHotInLevelOrderAndAMissingValueTakesTheMostFrequentOne() {
    Table t =
        table(
            "c,y\n" + "red,a\n".repeat(6) + "blue,b\n".repeat(5) + "NA,a\n", MissingPolicy.IMPUTE);
    Preprocessing p = Preprocessing.fit(t, all(t));
    assertEquals(List.of("c=blue", "c=red"), p.encodedNames());
    assertEquals("red", feature(p, "c").fill());
    assertArrayEquals(new double[] {0, 1}, p.encode(t, new int[] {11})[0], 1e-12);
  }

  @Test
  void withoutImputeNoFeatureHasAFillAndEveryFieldStaysRequired() {
    Table t = table("x,c,y\n1,red,a\n2,blue,b\n3,red,a\n4,blue,b\n5,red,a\n", MissingPolicy.REJECT);
    Preprocessing p = Preprocessing.fit(t, all(t));
    assertTrue(p.features().stream().allMatch(Feature::required));
    var e =
        assertThrows(
            InvalidInputException.class, () -> Features.encode(p.features(), Map.of("x", 1.0)));
    assertEquals("c: field required", e.getMessage());
    assertEquals(Map.of("x", 1.0, "c", "red"), p.completeRow(t, 0));
  }

  @Test
  void levelsSeenFewerThanTheMinimumCountFoldIntoTheOtherBucket() {
    Table t = levels("red", 5, "blue", 5, "green", 4);
    Preprocessing p = Preprocessing.fit(t, all(t));
    var c = (Feature.Categorical) feature(p, "c");
    assertEquals(List.of("blue", "red"), c.levels());
    assertTrue(c.otherBucket());
    assertEquals(List.of("c=blue", "c=red", "c=__other__"), p.encodedNames());
    int green = 10;
    assertEquals("green", t.row(green).get("c"));
    assertArrayEquals(new double[] {0, 0, 1}, p.encode(t, new int[] {green})[0]);
  }

  @Test
  void aLevelAbsentFromTheFoldsTrainingRowsGoesToTheOtherBucketNotToAnError() {
    Table t = levels("red", 5, "blue", 5, "green", 5);
    int[] withoutGreen = IntStream.range(0, 10).toArray();
    Preprocessing p = Preprocessing.fit(t, withoutGreen);
    assertEquals(List.of("c=blue", "c=red", "c=__other__"), p.encodedNames());
    assertArrayEquals(new double[] {0, 0, 1}, p.encode(t, new int[] {12})[0]);
    assertFalse(
        ((Feature.Categorical) Preprocessing.fit(t, all(t)).features().getFirst()).otherBucket());
  }

  @Test
  void onlyTheMostFrequentLevelsKeepAColumn() {
    Map<String, Integer> repeats = new LinkedHashMap<>();
    for (int i = 0; i < Preprocessing.MAX_LEVELS + 5; i++) {
      repeats.put(String.format("L%02d", i), 30 - i);
    }
    Table t = levels(repeats);
    Preprocessing p = Preprocessing.fit(t, all(t));
    var c = (Feature.Categorical) feature(p, "c");
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < Preprocessing.MAX_LEVELS; i++) {
      expected.add(String.format("L%02d", i));
    }
    assertEquals(expected, c.levels());
    assertEquals(Preprocessing.MAX_LEVELS + 1, Features.width(p.features()));
  }

  @Test
  void aRealLevelNamedOtherKeepsItsOwnColumnBesideTheBucket() {
    Table t = levels("other", 6, "red", 6, "rare", 1);
    Preprocessing p = Preprocessing.fit(t, all(t));
    assertEquals(List.of("c=other", "c=red", "c=__other__"), p.encodedNames());
    assertArrayEquals(new double[] {1, 0, 0}, p.encode(t, new int[] {0})[0]);
    assertArrayEquals(new double[] {0, 0, 1}, p.encode(t, new int[] {12})[0]);
  }

  @Test
  void penguinsFillsAreTheMediansAndModesAndAHoleEncodesAsItsFillWrittenIn() {
    Table t = CsvTables.read(PENGUINS, new LoadOptions("species", MissingPolicy.IMPUTE, Set.of()));
    Preprocessing p = Preprocessing.fit(t, all(t));
    assertEquals("Biscoe", feature(p, "island").fill());
    assertEquals(44.45, feature(p, "bill_length_mm").fill());
    assertEquals(17.3, feature(p, "bill_depth_mm").fill());
    assertEquals(197.0, feature(p, "flipper_length_mm").fill());
    assertEquals(4050.0, feature(p, "body_mass_g").fill());
    assertEquals("male", feature(p, "sex").fill());
    assertEquals(2008.0, feature(p, "year").fill());
    assertFalse(((Feature.Categorical) feature(p, "island")).otherBucket());

    // the fourth penguin has only island and year
    int holes = 3;
    assertEquals(Map.of("island", "Torgersen", "year", 2007.0), t.row(holes));
    Map<String, Object> written = new LinkedHashMap<>();
    written.put("island", "Torgersen");
    written.put("bill_length_mm", 44.45);
    written.put("bill_depth_mm", 17.3);
    written.put("flipper_length_mm", 197.0);
    written.put("body_mass_g", 4050.0);
    written.put("sex", "male");
    written.put("year", 2007.0);
    assertEquals(written, p.completeRow(t, holes));
    assertArrayEquals(
        Features.encode(p.features(), written), p.encode(t, new int[] {holes})[0], 0.0);
    Map<String, Object> nulls = new LinkedHashMap<>(written);
    nulls.replaceAll((name, value) -> name.equals("island") || name.equals("year") ? value : null);
    assertArrayEquals(
        Features.encode(p.features(), written), Features.encode(p.features(), nulls), 0.0);
  }
}
