package dev.smileflow.train.data;

import dev.smileflow.train.data.ColumnDecision.Reason;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The rules that find columns which are not features, applied to one column's raw cells in file
 * order, in this order (the first that matches decides):
 *
 * <ol>
 *   <li>{@link Reason#CONSTANT}: one distinct non-missing value (or none);
 *   <li>{@link Reason#MOSTLY_MISSING}: more than half of the cells missing;
 *   <li>{@link Reason#DATE}: every value a date or date-time: ISO {@code 2007-11-11}, {@code
 *       2007-11-11T10:15[:30[.5]][Z|+01:00]} (or a space for the {@code T}), {@code dd/mm/yyyy} and
 *       {@code mm/dd/yyyy} (also with {@code .} or {@code -}), {@code yyyy/mm/dd}, each with an
 *       optional time;
 *   <li>only with at least {@value #MIN_ROWS} values (uniqueness means little in fewer rows):
 *       {@link Reason#IDENTIFIER} for integers that are all distinct, or for text (at most half of
 *       the values numbers) with at least half of its values distinct; {@link Reason#ROW_COUNTER}
 *       for integers where at least {@value #COUNTER_STEPS} of the steps from one value to the next
 *       are +1 (a sample number that restarts per batch is still a counter).
 * </ol>
 *
 * Numbers that are not integers are never identifiers or counters: measurements are often all
 * distinct.
 */
public final class ColumnScreen {
  /** Fewest non-missing values for the identifier and counter rules. */
  public static final int MIN_ROWS = 30;

  /** Share of +1 steps that makes an integer column a row counter. */
  public static final double COUNTER_STEPS = 0.9;

  private static final String TIME =
      "(?:[T ]\\d{1,2}:\\d{2}(?::\\d{2}(?:\\.\\d+)?)?(?:Z|[+-]\\d{2}:?\\d{2})?)?";

  /** Year first: {@code 2007-11-11}, {@code 2007/11/11}; groups year, month, day. */
  private static final Pattern YEAR_FIRST =
      Pattern.compile("(\\d{4})([-/])(\\d{1,2})\\2(\\d{1,2})" + TIME);

  /**
   * Year last: {@code 11/12/2007}, {@code 11.12.2007}, {@code 11-12-2007}; day/month either way.
   */
  private static final Pattern YEAR_LAST =
      Pattern.compile("(\\d{1,2})([-/.])(\\d{1,2})\\2(\\d{4})" + TIME);

  private ColumnScreen() {}

  /**
   * Decides about one column.
   *
   * @param values the column's cells in file order, null where missing
   * @param dialect how numbers are written
   */
  public static ColumnDecision screen(
      String column, List<@Nullable String> values, CsvDialect dialect) {
    int n = values.size();
    List<String> present = new ArrayList<>(n);
    for (String v : values) {
      if (v != null) {
        present.add(v);
      }
    }
    Set<String> distinct = new HashSet<>(present);
    if (distinct.size() <= 1) {
      return new ColumnDecision(
          column,
          Reason.CONSTANT,
          distinct.isEmpty()
              ? "every value is missing"
              : "the single value '" + distinct.iterator().next() + "'");
    }
    int missing = n - present.size();
    if (missing > n / 2.0) {
      return new ColumnDecision(
          column, Reason.MOSTLY_MISSING, missing + " of " + n + " values missing");
    }
    if (present.stream().allMatch(ColumnScreen::isDate)) {
      return new ColumnDecision(column, Reason.DATE, "values like '" + present.getFirst() + "'");
    }
    if (present.size() < MIN_ROWS) {
      return ColumnDecision.feature(column);
    }
    long[] integers = integers(present, dialect);
    if (integers != null) {
      if (distinct.size() == present.size()) {
        return new ColumnDecision(
            column,
            Reason.IDENTIFIER,
            "a distinct integer in each of the " + present.size() + " rows with a value");
      }
      int ones = 0;
      for (int i = 1; i < integers.length; i++) {
        if (integers[i] == integers[i - 1] + 1) {
          ones++;
        }
      }
      int steps = integers.length - 1;
      if (ones >= COUNTER_STEPS * steps) {
        return new ColumnDecision(
            column,
            Reason.ROW_COUNTER,
            ones + " of " + steps + " steps from one row to the next are +1");
      }
      return ColumnDecision.feature(column);
    }
    if (mostlyText(present, dialect) && distinct.size() * 2 >= present.size()) {
      return new ColumnDecision(
          column,
          Reason.IDENTIFIER,
          distinct.size() + " distinct values in " + present.size() + " rows with a value");
    }
    return ColumnDecision.feature(column);
  }

  /** Whether {@code value} is one of the date or date-time forms above. */
  public static boolean isDate(String value) {
    Matcher m = YEAR_FIRST.matcher(value);
    if (m.matches()) {
      return monthDay(Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)));
    }
    m = YEAR_LAST.matcher(value);
    if (m.matches()) {
      int a = Integer.parseInt(m.group(1));
      int b = Integer.parseInt(m.group(3));
      return monthDay(a, b) || monthDay(b, a);
    }
    return false;
  }

  private static boolean monthDay(int month, int day) {
    return month >= 1 && month <= 12 && day >= 1 && day <= 31;
  }

  /** The values as integers, or null unless every one is an integer. */
  private static long @Nullable [] integers(List<String> present, CsvDialect dialect) {
    long[] out = new long[present.size()];
    for (int i = 0; i < out.length; i++) {
      double x = dialect.parseNumber(present.get(i));
      if (!(Double.isFinite(x) && x == Math.rint(x) && Math.abs(x) < 1e15)) {
        return null;
      }
      out[i] = (long) x;
    }
    return out;
  }

  /** Whether at most half of the values are numbers (the loader types such a column as text). */
  private static boolean mostlyText(List<String> present, CsvDialect dialect) {
    long numbers = present.stream().filter(v -> !Double.isNaN(dialect.parseNumber(v))).count();
    return numbers <= present.size() - numbers;
  }
}
