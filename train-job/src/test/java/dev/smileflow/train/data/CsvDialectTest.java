package dev.smileflow.train.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smileflow.train.data.CsvDialect.Decimal;
import java.util.List;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CsvDialectTest {
  private static CsvDialect sniff(String text) {
    return CsvDialect.sniff(text, null, null);
  }

  @Test
  void theDelimiterIsTheOneGivingTheSameFieldCountInEveryRow() {
    assertEquals(new CsvDialect(',', Decimal.POINT), sniff("a,b,y\n1.5,2,p\n3,4,q\n"));
    assertEquals(new CsvDialect(';', Decimal.POINT), sniff("a;b;y\n1.5;2;p\n3;4;q\n"));
    assertEquals(new CsvDialect('\t', Decimal.POINT), sniff("a\tb\ty\n1\t2\tp\n"));
    assertEquals(new CsvDialect('|', Decimal.POINT), sniff("a|b|y\n1|2|p\n"));
  }

  @Test
  void columnsAlignedByRunsOfBlanksAreReadAsBlankDelimited() throws Exception {
    String aligned =
        "  name       mcg   gvh  class \n"
            + "AAT_ECOLI   0.49  0.29  cp\n"
            + "\"ACEA ECOLI\"\t0.07 \t 0.40  cp   \n";
    CsvDialect d = sniff(aligned);
    assertEquals(new CsvDialect(CsvDialect.BLANKS, Decimal.POINT), d);
    assertEquals("delimiter space, decimal point", d.toString());
    assertEquals(
        List.of(
            List.of("name", "mcg", "gvh", "class"),
            List.of("AAT_ECOLI", "0.49", "0.29", "cp"),
            List.of("ACEA ECOLI", "0.07", "0.40", "cp")),
        d.records(aligned).stream().map(CSVRecord::toList).toList());
    // a single column stays a single column
    assertEquals(',', sniff("single\nvalue\n").delimiter());
  }

  @Test
  void commasInsideQuotedFieldsDoNotMakeItCommaSeparated() {
    assertEquals(';', sniff("name;y\n\"Smith, J\";p\n\"Doe, A\";q\n").delimiter());
  }

  @Test
  void decimalCommasInASemicolonFileMakeTheDecimalAComma() {
    CsvDialect d = sniff("a;b;y\n39,1;18;p\n39,5;NA;q\n40,3;18,7;p\n");
    assertEquals(new CsvDialect(';', Decimal.COMMA), d);
    assertEquals("delimiter ';', decimal comma", d.toString());
  }

  @Test
  void aSemicolonFileWithDecimalPointsKeepsThePoint() {
    assertEquals(Decimal.POINT, sniff("a;b;y\n39.1;1,5;p\n39.5;2.5;q\n").decimal());
  }

  @Test
  void aCommaFileNeverReadsDecimalCommas() {
    assertEquals(Decimal.POINT, sniff("a,b,y\n\"39,1\",1,p\n\"39,5\",2,q\n").decimal());
  }

  @Test
  void givenDelimiterAndDecimalWinOverDetection() {
    CsvDialect d = CsvDialect.sniff("a;b,y\n1;2,p\n", ',', Decimal.COMMA);
    assertEquals(new CsvDialect(',', Decimal.COMMA), d);
  }

  @Test
  void withoutAConsistentCandidateTheWidestHeaderWinsSoTheRaggedRowIsReported() {
    assertEquals(';', sniff("a;b;c\n1;2\n1;2;3;4\n").delimiter());
    assertEquals(',', sniff("single\nvalue\n").delimiter());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = ' ',
      value = {"',' 44", "';' 59", "'|' 124", "tab 9", "TAB 9", "'\\t' 9", "space 32", "' ' 32"})
  void delimiterOptionAcceptsTheFourCandidatesSpellingsOfTabAndSpace(String text, int expected) {
    assertEquals((char) expected, CsvDialect.parseDelimiter(text));
  }

  @Test
  void badDelimiterAndDecimalOptionsAreRejectedWithTheValue() {
    IllegalArgumentException d =
        assertThrows(IllegalArgumentException.class, () -> CsvDialect.parseDelimiter(":"));
    assertEquals("--delimiter must be one of , ; | tab space, got ':'", d.getMessage());
    IllegalArgumentException m =
        assertThrows(IllegalArgumentException.class, () -> Decimal.parse("x"));
    assertEquals("--decimal must be '.' or ',', got 'x'", m.getMessage());
    assertEquals(Decimal.COMMA, Decimal.parse(","));
    assertEquals(Decimal.POINT, Decimal.parse("."));
  }

  @Test
  void numbersAreReadInTheDialectsDecimalSeparator() {
    CsvDialect comma = new CsvDialect(';', Decimal.COMMA);
    assertEquals(39.1, comma.parseNumber("39,1"), 1e-12);
    assertEquals(-0.5, comma.parseNumber("-0,5"), 1e-12);
    assertEquals(181, comma.parseNumber("181"), 1e-12);
    assertTrue(Double.isNaN(comma.parseNumber("1.234,5")), "thousands separators are not read");
    CsvDialect point = new CsvDialect(',', Decimal.POINT);
    assertEquals(39.1, point.parseNumber("39.1"), 1e-12);
    assertEquals(1e-3, point.parseNumber("1e-3"), 1e-15);
    for (String notANumber : new String[] {"39,1", "1d", "1f", "Infinity", "NaN", "0x10", "-"}) {
      assertTrue(Double.isNaN(point.parseNumber(notANumber)), notANumber);
    }
  }
}
