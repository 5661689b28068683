package dev.smileflow.train.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smileflow.train.data.Column;
import dev.smileflow.train.data.CsvTables;
import dev.smileflow.train.data.LoadOptions;
import dev.smileflow.train.data.MissingPolicy;
import dev.smileflow.train.data.Table;
import dev.smileflow.train.search.Evaluation;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SlicesTest {
  /**
   * 24 rows: row i has size i+1 and label yes when i is odd. Island A is rows 0-11, B rows 12-21, C
   * row 22, row 23 has no island. The model is wrong on rows 12, 13, 14, 15, 22 and 23: 18 of 24
   * right (0.75), and macro F1 0.75 (each class 9 of 12 found, 9 of 12 predictions right).
   */
  private static final int[] WRONG = {12, 13, 14, 15, 22, 23};

  private static Table table() {
    StringBuilder csv = new StringBuilder("island,size,y\n");
    for (int i = 0; i < 24; i++) {
      String island = i < 12 ? "A" : i < 22 ? "B" : i == 22 ? "C" : "";
      csv.append(island).append(',').append(i + 1).append(',').append(i % 2 == 1 ? "yes" : "no");
      csv.append('\n');
    }
    return CsvTables.parse(
        "t.csv",
        csv.toString().getBytes(StandardCharsets.UTF_8),
        new LoadOptions("y", MissingPolicy.IMPUTE, Set.of()));
  }

  private static Evaluation evaluation(Table t) {
    int[] truth = t.y();
    int[] predicted = truth.clone();
    for (int w : WRONG) {
      predicted[w] = 1 - truth[w];
    }
    double[][] p = new double[truth.length][];
    for (int i = 0; i < truth.length; i++) {
      p[i] = predicted[i] == 0 ? new double[] {0.8, 0.2} : new double[] {0.2, 0.8};
    }
    return new Evaluation(2, truth, predicted, p);
  }

  private static final Slices SLICES = Slices.of(table(), evaluation(table()));

  private static Slices.Slice slice(String description) {
    return SLICES.slices().stream()
        .filter(s -> s.description().equals(description))
        .findFirst()
        .orElseThrow(() -> new AssertionError(description + " not in " + SLICES.slices()));
  }

  @Test
  void everyLevelQuartileBinAndMissingGroupIsASliceWithItsOwnScores() {
    assertEquals(
        List.of(
            "island = A",
            "island = B",
            "island = C",
            "island is missing",
            "size in [1, 6.75]",
            "size in (6.75, 12.5]",
            "size in (12.5, 18.25]",
            "size in (18.25, 24]"),
        SLICES.slices().stream().map(Slices.Slice::description).toList());
    assertEquals(0.75, SLICES.accuracy(), 1e-12);
    assertEquals(0.75, SLICES.f1Macro(), 1e-12);
    assertEquals(24, SLICES.rows());

    assertEquals(
        new Slices.Slice("island", "island = A", 12, 12, 1.0, 1.0, false), slice("island = A"));
    // B: no is rows 12,14,16,18,20 (12, 14 wrong), yes is 13,15,17,19,21 (13, 15 wrong): per class
    // precision 3/5 and recall 3/5, so F1 0.6 each.
    Slices.Slice b = slice("island = B");
    assertEquals(10, b.rows());
    assertEquals(6, b.correct());
    assertEquals(0.6, b.accuracy(), 1e-12);
    assertEquals(0.6, b.f1Macro(), 1e-12);
    // C: one 'no' row predicted 'yes': both classes count, both with F1 0.
    assertEquals(
        new Slices.Slice("island", "island = C", 1, 0, 0.0, 0.0, false), slice("island = C"));
    assertEquals(1, slice("island is missing").rows());

    // quartiles of 1..24 by linear interpolation: 6.75, 12.5, 18.25
    assertEquals(6, slice("size in [1, 6.75]").rows());
    assertEquals(6, slice("size in (6.75, 12.5]").correct());
    Slices.Slice third = slice("size in (12.5, 18.25]");
    assertEquals(6, third.rows());
    assertEquals(2, third.correct());
    // rows 12-17, wrong 12-15: per class 1 of 3 found and 1 of 3 predictions right
    assertEquals(1.0 / 3, third.f1Macro(), 1e-12);
  }

  @Test
  void aSliceIsFlaggedOnlyWhenItsAccuracyIsMoreThanTheMarginBelowAndItHasEnoughRows() {
    // B: 0.60 vs 0.75 with 10 rows. C (0 of 1) and the third size bin (2 of 6) are worse but small.
    assertEquals(List.of(slice("island = B")), SLICES.flagged());
    assertEquals(
        "island = B: accuracy 0.60 vs 0.75 overall (n=10)", SLICES.why(slice("island = B")));
  }

  /** 40 rows, X the first 20 and Y the rest, labels alternating; wrong on {@code wrong}. */
  private static Slices twoGroups(int... wrong) {
    StringBuilder csv = new StringBuilder("g,y\n");
    for (int i = 0; i < 40; i++) {
      csv.append(i < 20 ? "X" : "Y").append(',').append(i % 2 == 0 ? "a" : "b").append('\n');
    }
    Table t =
        CsvTables.parse(
            "g.csv",
            csv.toString().getBytes(StandardCharsets.UTF_8),
            new LoadOptions("y", MissingPolicy.REJECT, Set.of()));
    int[] truth = t.y();
    int[] predicted = truth.clone();
    for (int w : wrong) {
      predicted[w] = 1 - truth[w];
    }
    double[][] p = new double[40][];
    Arrays.setAll(p, i -> new double[] {0.5, 0.5});
    return Slices.of(t, new Evaluation(2, truth, predicted, p));
  }

  @Test
  void aGapOfExactlyTheMarginIsNotFlaggedAndALargerOneIs() {
    // overall 36/40 = 0.90, X 17/20 = 0.85: 0.05 below, not more
    Slices exact = twoGroups(0, 1, 2, 20);
    assertEquals(0.85, exact.slices().get(0).accuracy(), 1e-12);
    assertEquals(List.of(), exact.flagged());
    // overall 35/40 = 0.875, X 16/20 = 0.80: 0.075 below
    Slices worse = twoGroups(0, 1, 2, 3, 20);
    assertEquals(
        List.of("g = X"), worse.flagged().stream().map(Slices.Slice::description).toList());
  }

  @Test
  void quartileEdgesDropRepeatsSoADiscreteColumnHasFewerBins() {
    StringBuilder csv = new StringBuilder("year,y\n");
    int[] years = {2007, 2007, 2007, 2008, 2009, 2009, 2009, 2009};
    for (int i = 0; i < years.length; i++) {
      csv.append(years[i]).append(',').append(i % 2 == 0 ? "a" : "b").append('\n');
    }
    Table t =
        CsvTables.parse(
            "y.csv",
            csv.toString().getBytes(StandardCharsets.UTF_8),
            new LoadOptions("y", MissingPolicy.REJECT, Set.of()));
    Column.Numeric year = (Column.Numeric) t.columns().get(0);
    // positions 0, 1.75, 3.5, 5.25, 7 of the sorted values: 2007, 2007, 2008.5, 2009, 2009
    assertArrayEquals(new double[] {2007, 2008.5, 2009}, Slices.edges(year), 1e-12);
    double[][] p = new double[8][];
    Arrays.setAll(p, i -> new double[] {0.5, 0.5});
    Slices s = Slices.of(t, new Evaluation(2, t.y(), t.y(), p));
    assertEquals(
        List.of("year in [2007, 2008.5]", "year in (2008.5, 2009]"),
        s.slices().stream().map(Slices.Slice::description).toList());
    assertEquals(List.of(4, 4), s.slices().stream().map(Slices.Slice::rows).toList());
  }

  @Test
  void edgesKeepTheirIntegerDigitsAndThreeMore() {
    assertEquals("2008.5", Slices.number(2008.5));
    assertEquals("3750", Slices.number(3750));
    assertEquals("42.175", Slices.number(42.175));
    assertEquals("0.3333", Slices.number(1.0 / 3));
    assertEquals("-1.5", Slices.number(-1.5));
  }

  @Test
  void theTableIsMlflowsSplitLayoutWithTheWholeFirst() throws Exception {
    JsonNode table = new ObjectMapper().readTree(SLICES.table());
    assertEquals(
        "[\"feature\",\"slice\",\"rows\",\"correct\",\"accuracy\",\"f1_macro\",\"accuracy_gap\",\"flagged\"]",
        table.get("columns").toString());
    assertEquals(9, table.get("data").size());
    assertEquals(
        "[\"*\",\"all hold-out rows\",24,18,0.75,0.75,0.0,false]",
        table.get("data").get(0).toString());
    assertEquals(
        "[\"island\",\"island = B\",10,6,0.6,0.6,0.15,true]", table.get("data").get(2).toString());
  }

  @Test
  void rowsAndEvaluationOfDifferentSizesAreRefused() {
    Table t = table();
    Evaluation e = evaluation(t).select(new int[] {0, 1});
    assertThrows(IllegalArgumentException.class, () -> Slices.of(t, e));
  }
}
