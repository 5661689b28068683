package dev.smileflow.train.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smileflow.train.data.ColumnDecision.Reason;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ColumnScreenTest {
  private static final CsvDialect POINT = new CsvDialect(',', CsvDialect.Decimal.POINT);

  private static List<@Nullable String> column(int rows, IntFunction<@Nullable String> value) {
    List<@Nullable String> out = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      out.add(value.apply(i));
    }
    return out;
  }

  private static ColumnDecision screen(List<@Nullable String> values) {
    return ColumnScreen.screen("c", values, POINT);
  }

  @Test
  void aSingleDistinctValueIsConstantEvenWithMissingCells() {
    ColumnDecision d = screen(column(40, i -> i % 3 == 0 ? null : "Anvers"));
    assertEquals(Reason.CONSTANT, d.reason());
    assertEquals("constant (the single value 'Anvers')", d.explanation());
    assertEquals(Reason.CONSTANT, screen(Arrays.asList(null, null, null)).reason());
  }

  @Test
  void moreThanHalfMissingIsMostlyMissingButHalfIsNot() {
    ColumnDecision d = screen(column(10, i -> i < 6 ? null : "note " + i % 2));
    assertEquals(Reason.MOSTLY_MISSING, d.reason());
    assertEquals("6 of 10 values missing", d.detail());
    assertEquals(Reason.FEATURE, screen(column(10, i -> i < 5 ? null : "x" + i % 2)).reason());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2007-11-11",
        "2007-11-11T10:15",
        "2007-11-11 10:15:30",
        "2007-11-11T10:15:30.250Z",
        "2007-11-11T10:15:30+01:00",
        "11/12/2007",
        "31/12/2007",
        "12/31/2007",
        "31.12.2007",
        "31-12-2007 23:59",
        "2007/12/31",
        "2007/1/5"
      })
  void commonDateAndDateTimeFormsAreDates(String value) {
    assertTrue(ColumnScreen.isDate(value), value);
  }

  @ParameterizedTest
  @ValueSource(strings = {"2007", "13/13/2007", "2007-13-01", "2007-11-32", "11/12/07", "N1A1"})
  void yearsImpossibleDatesAndCodesAreNotDates(String value) {
    assertFalse(ColumnScreen.isDate(value), value);
  }

  @Test
  void aColumnOfDatesIsExcludedAsDateWithAnExample() {
    ColumnDecision d = screen(column(5, i -> "2007-11-1" + i % 3));
    assertEquals(Reason.DATE, d.reason());
    assertEquals("values like '2007-11-10'", d.detail());
    assertEquals(
        Reason.FEATURE, screen(column(5, i -> i == 4 ? "soon" : "2007-11-1" + i)).reason());
  }

  @Test
  void distinctIntegersInEveryRowAreAnIdentifierEvenWhenShuffled() {
    ColumnDecision d = screen(column(40, i -> Integer.toString((i * 17) % 40 + 1000)));
    assertEquals(Reason.IDENTIFIER, d.reason());
    assertEquals("a distinct integer in each of the 40 rows with a value", d.detail());
  }

  @Test
  void distinctCodesOrMostlyDistinctTextAreAnIdentifier() {
    assertEquals(Reason.IDENTIFIER, screen(column(40, i -> "N" + i + "A1")).reason());
    // 20 distinct codes in 40 rows: each individual seen twice, as penguins' Individual ID
    ColumnDecision d = screen(column(40, i -> "N" + i / 2 + "A" + i % 2 / 2));
    assertEquals(Reason.IDENTIFIER, d.reason());
    assertEquals("20 distinct values in 40 rows with a value", d.detail());
    assertEquals(Reason.FEATURE, screen(column(40, i -> "level" + i % 19)).reason());
  }

  @Test
  void aCounterThatRestartsPerBatchIsARowCounter() {
    // 1..25, 1..15: one step in 39 is not +1
    ColumnDecision d = screen(column(40, i -> Integer.toString(i < 25 ? i + 1 : i - 24)));
    assertEquals(Reason.ROW_COUNTER, d.reason());
    assertEquals("38 of 39 steps from one row to the next are +1", d.detail());
  }

  @Test
  void integersThatRepeatWithoutCountingAreFeatures() {
    assertEquals(Reason.FEATURE, screen(column(40, i -> Integer.toString(i % 7))).reason());
    assertEquals(Reason.FEATURE, screen(column(40, i -> Integer.toString(2007 + i / 14))).reason());
  }

  @Test
  void distinctDecimalMeasurementsAreFeatures() {
    assertEquals(Reason.FEATURE, screen(column(40, i -> i + "." + i % 10 + "5")).reason());
  }

  @Test
  void identifierRulesNeedThirtyValues() {
    assertEquals(
        Reason.FEATURE,
        screen(column(ColumnScreen.MIN_ROWS - 1, i -> Integer.toString(i))).reason());
    assertEquals(
        Reason.IDENTIFIER,
        screen(column(ColumnScreen.MIN_ROWS, i -> Integer.toString(i))).reason());
  }

  @Test
  void aMostlyNumericColumnWithATypoIsLeftForTheTypingError() {
    ColumnDecision d = screen(column(40, i -> i == 7 ? "oops" : i + ".5"));
    assertEquals(Reason.FEATURE, d.reason());
  }

  @Test
  void integersWithDecimalCommasAreReadInTheFilesDialect() {
    CsvDialect comma = new CsvDialect(';', CsvDialect.Decimal.COMMA);
    assertEquals(
        Reason.FEATURE,
        ColumnScreen.screen("c", column(40, i -> i + ",5"), comma).reason(),
        "decimals are not identifiers");
    assertEquals(
        Reason.IDENTIFIER,
        ColumnScreen.screen("c", column(40, i -> Integer.toString(i * 3)), comma).reason());
  }
}
