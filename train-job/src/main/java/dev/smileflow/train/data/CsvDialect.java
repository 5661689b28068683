package dev.smileflow.train.data;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.jspecify.annotations.Nullable;

/**
 * How a CSV file is written: its field delimiter and its decimal separator.
 *
 * <p>Detection ({@link #sniff}): the delimiter is the first of {@code , ; tab |} that splits the
 * header and the first {@value #SNIFF_RECORDS} data rows into the same number of fields, more than
 * one (the candidate with the most fields wins when several are consistent); when none is
 * consistent, blanks ({@link #BLANKS}) when runs of spaces and tabs split every row into the same
 * number of fields, more than one; else the one that splits the header into the most fields (comma
 * on a tie). The decimal separator is a comma when the delimiter is not a comma and the data has
 * more cells like {@code 39,1} than like {@code 39.1}; otherwise a point.
 *
 * @param delimiter the field delimiter
 * @param decimal the decimal separator of numbers
 */
public record CsvDialect(char delimiter, Decimal decimal) {
  /** Delimiters tried by {@link #sniff}, in order of preference. */
  public static final List<Character> CANDIDATES = List.of(',', ';', '\t', '|');

  /**
   * The delimiter of whitespace-aligned files ({@code --delimiter space}): each run of spaces and
   * tabs outside double quotes separates two fields, and blanks at a line's start or end are
   * ignored.
   */
  public static final char BLANKS = ' ';

  /** Data rows (after the header) that {@link #sniff} looks at. */
  static final int SNIFF_RECORDS = 50;

  private static final Pattern COMMA_DECIMAL = Pattern.compile("[-+]?\\d*,\\d+([eE][-+]?\\d+)?");
  private static final Pattern POINT_DECIMAL = Pattern.compile("[-+]?\\d*\\.\\d+([eE][-+]?\\d+)?");

  /** The decimal separator of numbers. */
  public enum Decimal {
    /** {@code 39.1} */
    POINT,
    /** {@code 39,1} (a point then makes a cell non-numeric: thousands separators are not read) */
    COMMA;

    /** Parses {@code .} or {@code ,}. */
    public static Decimal parse(String text) {
      return switch (text.trim()) {
        case "." -> POINT;
        case "," -> COMMA;
        default ->
            throw new IllegalArgumentException("--decimal must be '.' or ',', got '" + text + "'");
      };
    }
  }

  public CsvDialect {
    if (!supported(delimiter)) {
      throw new IllegalArgumentException("unsupported delimiter " + describe(delimiter));
    }
  }

  /** Whether {@code delimiter} is one this reader knows: a candidate or {@link #BLANKS}. */
  public static boolean supported(char delimiter) {
    return CANDIDATES.contains(delimiter) || delimiter == BLANKS;
  }

  /** Parses {@code , ; | tab \t space} (the word or the escape for a tab; space for blanks). */
  public static char parseDelimiter(String text) {
    return switch (text) {
      case "," -> ',';
      case ";" -> ';';
      case "|" -> '|';
      case "\t", "\\t", "tab", "TAB" -> '\t';
      case " ", "space", "SPACE" -> BLANKS;
      default ->
          throw new IllegalArgumentException(
              "--delimiter must be one of , ; | tab space, got '" + text + "'");
    };
  }

  /**
   * Detects the dialect of {@code text} (already decoded, without a BOM); a non-null {@code
   * delimiter} or {@code decimal} is taken as given instead.
   */
  public static CsvDialect sniff(
      String text, @Nullable Character delimiter, @Nullable Decimal decimal) {
    char d = delimiter != null ? delimiter : sniffDelimiter(text);
    Decimal sep = decimal != null ? decimal : sniffDecimal(text, d);
    return new CsvDialect(d, sep);
  }

  /** The records of {@code text} in this dialect, the header (if any) first. */
  List<CSVRecord> records(String text) throws IOException {
    try (CSVParser parser = parser(text, delimiter)) {
      return parser.getRecords();
    }
  }

  /**
   * {@code value} as a finite number in this dialect, or NaN when it is not one (Java-only
   * spellings such as {@code Infinity}, {@code NaN} or hex are not numbers).
   */
  public double parseNumber(String value) {
    if (value.isEmpty()) {
      return Double.NaN;
    }
    char first = value.charAt(0);
    if (!(Character.isDigit(first) || "-+.,".indexOf(first) >= 0)) {
      return Double.NaN;
    }
    char last = value.charAt(value.length() - 1);
    if (!(Character.isDigit(last) || last == '.')) {
      return Double.NaN; // Java's 1d, 1f suffixes
    }
    String text = value;
    if (decimal == Decimal.COMMA) {
      if (value.indexOf('.') >= 0) {
        return Double.NaN;
      }
      text = value.replace(',', '.');
    }
    try {
      double parsed = Double.parseDouble(text);
      return Double.isFinite(parsed) ? parsed : Double.NaN;
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  /** For messages: {@code ';'}, {@code tab}, {@code space}. */
  public static String describe(char delimiter) {
    return switch (delimiter) {
      case '\t' -> "tab";
      case BLANKS -> "space";
      default -> "'" + delimiter + "'";
    };
  }

  @Override
  public String toString() {
    return "delimiter "
        + describe(delimiter)
        + ", decimal "
        + (decimal == Decimal.COMMA ? "comma" : "point");
  }

  private static char sniffDelimiter(String text) {
    char best = 0;
    int bestFields = 1;
    char widestHeader = ',';
    int widestHeaderFields = 1;
    for (char candidate : CANDIDATES) {
      List<Integer> counts = fieldCounts(text, candidate);
      if (counts.isEmpty()) {
        continue;
      }
      int header = counts.getFirst();
      if (header > widestHeaderFields) {
        widestHeader = candidate;
        widestHeaderFields = header;
      }
      boolean consistent = counts.stream().allMatch(c -> c == header);
      if (consistent && header > bestFields) {
        best = candidate;
        bestFields = header;
      }
    }
    if (best != 0) {
      return best;
    }
    // only the rows fieldCounts reads, not a copy of a whole file that is most likely not aligned
    List<Integer> blanks = fieldCounts(collapseBlanks(text, SNIFF_RECORDS + 1), '\t');
    boolean aligned =
        !blanks.isEmpty()
            && blanks.getFirst() > 1
            && blanks.stream().allMatch(c -> c.equals(blanks.getFirst()));
    return aligned ? BLANKS : widestHeader;
  }

  /** Field counts of the header and the first data rows; empty when they do not parse. */
  private static List<Integer> fieldCounts(String text, char delimiter) {
    List<Integer> counts = new ArrayList<>();
    CSVFormat format = CSVFormat.DEFAULT.builder().setDelimiter(delimiter).get();
    try (CSVParser parser = CSVParser.parse(new StringReader(text), format)) {
      Iterator<CSVRecord> records = parser.iterator();
      while (records.hasNext() && counts.size() <= SNIFF_RECORDS) {
        counts.add(records.next().size());
      }
    } catch (IOException | UncheckedIOException | IllegalStateException e) {
      return List.of();
    }
    return counts;
  }

  private static Decimal sniffDecimal(String text, char delimiter) {
    if (delimiter == ',') {
      return Decimal.POINT;
    }
    int comma = 0;
    int point = 0;
    try (CSVParser parser = parser(text, delimiter)) {
      for (CSVRecord record : parser) {
        for (String cell : record) {
          if (COMMA_DECIMAL.matcher(cell).matches()) {
            comma++;
          } else if (POINT_DECIMAL.matcher(cell).matches()) {
            point++;
          }
        }
      }
    } catch (IOException | UncheckedIOException | IllegalStateException e) {
      return Decimal.POINT; // the real parse reports the problem with its position
    }
    return comma > point ? Decimal.COMMA : Decimal.POINT;
  }

  /** A parser of {@code text}: quotes allowed, cells trimmed; blanks read as single tabs. */
  private static CSVParser parser(String text, char delimiter) throws IOException {
    boolean blanks = delimiter == BLANKS;
    CSVFormat format =
        CSVFormat.DEFAULT.builder().setDelimiter(blanks ? '\t' : delimiter).setTrim(true).get();
    return CSVParser.parse(
        new StringReader(blanks ? collapseBlanks(text, Integer.MAX_VALUE) : text), format);
  }

  /**
   * The first {@code records} lines of {@code text} (line breaks inside quotes do not count), with
   * each run of spaces and tabs outside double quotes made one tab and none at a line's start or
   * end; line breaks stay where they are, so row numbers do not change.
   */
  private static String collapseBlanks(String text, int records) {
    StringBuilder out = new StringBuilder();
    boolean quoted = false;
    boolean lineStart = true;
    boolean gap = false;
    int ended = 0;
    for (int i = 0; i < text.length() && ended < records; i++) {
      char c = text.charAt(i);
      if (!quoted && (c == ' ' || c == '\t')) {
        gap = !lineStart;
      } else if (!quoted && (c == '\n' || c == '\r')) {
        ended += c == '\n' ? 1 : 0;
        out.append(c);
        lineStart = true;
        gap = false;
      } else {
        if (gap) {
          out.append('\t');
          gap = false;
        }
        quoted ^= c == '"';
        lineStart = false;
        out.append(c);
      }
    }
    return out.toString();
  }
}
