package dev.smileflow.train.data;

import dev.smileflow.bundle.ModelBundle;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.commons.csv.CSVRecord;
import org.jspecify.annotations.Nullable;

/**
 * Reads a CSV file with a header row, or without one given {@link LoadOptions#columns()}, into a
 * {@link Table}.
 *
 * <p>Reading: the delimiter ({@code , ; tab |}) and the decimal separator are detected by {@link
 * CsvDialect#sniff} unless given; a UTF-8 byte-order mark is skipped; quoted fields and CRLF line
 * ends are read as commons-csv reads them; cells are trimmed.
 *
 * <p>Columns: every column besides the label is screened by {@link ColumnScreen} (identifiers, row
 * counters, constant, date and mostly-missing columns are left out) unless named in {@link
 * LoadOptions#keep()} or {@link LoadOptions#categorical()}; {@link LoadOptions#drop()} leaves
 * columns out by name. The decisions travel with the {@link Table}. The missing-value policy then
 * applies to the label and the remaining features only.
 *
 * <p>Typing rule: a feature column whose non-missing values all parse as finite numbers is numeric;
 * one where most values are non-numeric (or that is listed in {@link LoadOptions#categorical()}) is
 * categorical; a column that is mostly numeric with some non-numeric values is an error naming the
 * first bad value. Rows are numbered from 1 for the first data row (the header is not counted).
 */
public final class CsvTables {
  /** Spellings read as a missing value (compared case-insensitively, after trimming). */
  public static final Set<String> MISSING_TOKENS = Set.of("", "na", "n/a", "nan", "null", "?");

  /** Header names shown in the message about a missing label column. */
  static final int HEADER_SHOWN = 8;

  /** The classpath resource of the bundled Iris data set. */
  public static final String IRIS_RESOURCE = "iris.csv";

  private CsvTables() {}

  /** Reads {@code path}. */
  public static Table read(Path path, LoadOptions options) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new DataException(DataError.FILE_NOT_FOUND, "data file not found: " + path, e);
    } catch (IOException e) {
      throw new DataException(
          DataError.UNREADABLE, "cannot read data file " + path + ": " + e.getMessage(), e);
    }
    if (Files.isDirectory(path)) {
      throw new DataException(DataError.UNREADABLE, "data file " + path + " is a directory");
    }
    return parse(path.toString(), bytes, options);
  }

  /** Reads the Iris data set bundled in the jar. */
  public static Table iris() {
    try (InputStream in = CsvTables.class.getClassLoader().getResourceAsStream(IRIS_RESOURCE)) {
      if (in == null) {
        throw new DataException(
            DataError.FILE_NOT_FOUND,
            "bundled data set classpath:" + IRIS_RESOURCE + " is missing");
      }
      return parse("classpath:" + IRIS_RESOURCE, in.readAllBytes(), LoadOptions.iris());
    } catch (IOException e) {
      throw new DataException(
          DataError.UNREADABLE, "cannot read bundled classpath:" + IRIS_RESOURCE, e);
    }
  }

  /** Parses CSV bytes; {@code source} is used in messages. */
  public static Table parse(String source, byte[] bytes, LoadOptions options) {
    String text = decode(source, bytes);
    CsvDialect dialect = CsvDialect.sniff(text, options.delimiter(), options.decimal());
    List<CSVRecord> records;
    try {
      records = dialect.records(text);
    } catch (IOException | UncheckedIOException e) {
      throw new DataException(
          DataError.UNREADABLE, source + " is not valid CSV: " + e.getMessage(), e);
    }
    boolean named = !options.columns().isEmpty();
    if (records.isEmpty()) {
      throw new DataException(
          DataError.EMPTY, source + " is empty: " + (named ? "no data rows" : "no header row"));
    }
    List<String> header = named ? options.columns() : records.getFirst().toList();
    String headerHint = named ? "" : dataLikeHeaderHint(header, dialect);
    Map<String, Integer> index = new HashMap<>();
    for (int j = 0; j < header.size(); j++) {
      String name = header.get(j);
      if (name.isEmpty()) {
        throw new DataException(
            DataError.DUPLICATE_COLUMN,
            source + ": column " + (j + 1) + " has an empty header name" + headerHint);
      }
      if (index.putIfAbsent(name, j) != null) {
        throw new DataException(
            DataError.DUPLICATE_COLUMN,
            source + ": column '" + name + "' appears twice in the header" + headerHint);
      }
    }
    Integer labelIndex = index.get(options.label());
    if (labelIndex == null) {
      throw new DataException(
          DataError.NO_LABEL_COLUMN,
          source
              + " has no label column '"
              + options.label()
              + "' (read with "
              + dialect
              + ": "
              + header.size()
              + (header.size() == 1 ? " column: " : " columns: ")
              + String.join(", ", header.subList(0, Math.min(header.size(), HEADER_SHOWN)))
              + (header.size() > HEADER_SHOWN ? ", ..." : "")
              + "; set --label, or --delimiter if the columns are split wrongly)"
              + headerHint);
    }
    if (header.size() < 2) {
      throw new DataException(
          DataError.NO_FEATURES,
          source + " has no feature columns besides the label '" + options.label() + "'");
    }
    requireColumns(source, index, options.categorical(), "--categorical");
    requireColumns(source, index, options.drop(), "--drop");
    requireColumns(source, index, options.keep(), "--keep");
    int first = named ? 0 : 1;
    int rows = records.size() - first;
    if (rows == 0) {
      throw new DataException(DataError.EMPTY, source + " has a header but no data rows");
    }
    @Nullable String[][] cells = new @Nullable String[rows][];
    for (int i = 0; i < rows; i++) {
      CSVRecord record = records.get(i + first);
      if (record.size() != header.size()) {
        throw new DataException(
            DataError.RAGGED_ROW,
            "%s, row %s: %s fields, but %s %s (read with %s)"
                .formatted(
                    source,
                    i + 1,
                    record.size(),
                    named ? "--columns names" : "the header has",
                    header.size(),
                    dialect));
      }
      @Nullable String[] row = new @Nullable String[header.size()];
      for (int j = 0; j < row.length; j++) {
        String value = record.get(j);
        row[j] = MISSING_TOKENS.contains(value.toLowerCase(Locale.ROOT)) ? null : value;
      }
      cells[i] = row;
    }
    List<ColumnDecision> decisions = new ArrayList<>();
    List<Integer> features = new ArrayList<>();
    for (int j = 0; j < header.size(); j++) {
      if (j == labelIndex) {
        continue;
      }
      ColumnDecision decision = decide(header.get(j), j, cells, dialect, options);
      decisions.add(decision);
      if (!decision.excluded()) {
        features.add(j);
      }
    }
    if (features.isEmpty()) {
      throw new DataException(
          DataError.NO_FEATURES,
          source
              + " has no feature columns left: "
              + String.join(
                  "; ",
                  decisions.stream().map(d -> "'" + d.column() + "' " + d.explanation()).toList())
              + " (use --keep to use a column anyway)");
    }
    return build(
        source,
        ModelBundle.sha256(bytes).substring(0, 16),
        header,
        labelIndex,
        features,
        decisions,
        cells,
        dialect,
        options);
  }

  /**
   * For errors about the header: when most of its cells are numbers, the file probably has no
   * header row, which {@code --columns} handles.
   */
  private static String dataLikeHeaderHint(List<String> header, CsvDialect dialect) {
    long numbers = header.stream().filter(h -> !Double.isNaN(dialect.parseNumber(h))).count();
    return numbers * 2 > header.size()
        ? "; the first row looks like data, not a header: if the file has none, name its columns"
            + " with --columns"
        : "";
  }

  /** The decision about column {@code j}: dropped, screened, or kept despite the screen. */
  private static ColumnDecision decide(
      String name, int j, @Nullable String[][] cells, CsvDialect dialect, LoadOptions options) {
    if (options.drop().contains(name)) {
      return new ColumnDecision(name, ColumnDecision.Reason.DROPPED, "named in --drop");
    }
    List<@Nullable String> values = new ArrayList<>(cells.length);
    for (@Nullable String[] row : cells) {
      values.add(row[j]);
    }
    ColumnDecision screened = ColumnScreen.screen(name, values, dialect);
    if (!screened.excluded()) {
      return screened;
    }
    if (options.keep().contains(name) || options.categorical().contains(name)) {
      String by = options.keep().contains(name) ? "--keep" : "--categorical";
      return new ColumnDecision(
          name,
          ColumnDecision.Reason.FEATURE,
          "kept by " + by + "; detected as " + screened.explanation());
    }
    return screened;
  }

  private static void requireColumns(
      String source, Map<String, Integer> index, Set<String> names, String option) {
    for (String name : names.stream().sorted().toList()) {
      if (!index.containsKey(name)) {
        throw new DataException(
            DataError.SCHEMA_MISMATCH,
            source + " has no column '" + name + "' (named in " + option + ")");
      }
    }
  }

  private static Table build(
      String source,
      String digest,
      List<String> header,
      int labelIndex,
      List<Integer> features,
      List<ColumnDecision> decisions,
      @Nullable String[][] cells,
      CsvDialect dialect,
      LoadOptions options) {
    List<Integer> used = new ArrayList<>(features);
    used.add(labelIndex);
    used.sort(null);
    // Missing values in the label and the features: reject (first one wins the message) or drop
    // whole rows.
    List<@Nullable String[]> kept = new ArrayList<>(cells.length);
    for (int i = 0; i < cells.length; i++) {
      @Nullable String[] row = cells[i];
      boolean drop = false;
      for (int k = 0; k < used.size() && !drop; k++) {
        int j = used.get(k);
        if (row[j] != null) {
          continue;
        }
        if (options.missing() == MissingPolicy.DROP) {
          drop = true;
        } else if (j == labelIndex) {
          throw missing(
              source, header.get(j), i, "missing label (use --missing drop to drop such rows)");
        } else if (options.missing() == MissingPolicy.REJECT) {
          throw missing(
              source,
              header.get(j),
              i,
              "missing value (policy --missing reject; use impute or drop)");
        }
      }
      if (!drop) {
        kept.add(row);
      }
    }
    if (kept.isEmpty()) {
      throw new DataException(
          DataError.EMPTY, source + ": no rows left after dropping rows with missing values");
    }
    int n = kept.size();
    List<Column> columns = new ArrayList<>();
    for (int j : features) {
      columns.add(
          column(
              source,
              header.get(j),
              j,
              kept,
              dialect,
              options.categorical().contains(header.get(j))));
    }
    String[] labels = new String[n];
    for (int i = 0; i < n; i++) {
      labels[i] =
          Objects.requireNonNull(
              kept.get(i)[labelIndex], "rows missing their label were dropped or refused above");
    }
    List<String> classes = classOrder(labels);
    if (classes.size() < 2) {
      throw new DataException(
          DataError.SINGLE_CLASS,
          "%s, column '%s': only one class (%s); classification needs at least two"
              .formatted(source, header.get(labelIndex), classes));
    }
    Map<String, Integer> classIndex = new HashMap<>();
    for (int c = 0; c < classes.size(); c++) {
      classIndex.put(classes.get(c), c);
    }
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = Objects.requireNonNull(classIndex.get(labels[i]), "classes holds every label");
    }
    return new Table(
        source, digest, columns, header.get(labelIndex), classes, y, options.missing(), decisions);
  }

  private static Column column(
      String source,
      String name,
      int j,
      List<@Nullable String[]> rows,
      CsvDialect dialect,
      boolean forceCategorical) {
    int n = rows.size();
    double[] numbers = new double[n];
    int numeric = 0;
    int present = 0;
    int firstBad = -1;
    for (int i = 0; i < n; i++) {
      String value = rows.get(i)[j];
      if (value == null) {
        numbers[i] = Double.NaN;
        continue;
      }
      present++;
      double parsed = dialect.parseNumber(value);
      if (Double.isFinite(parsed)) {
        numbers[i] = parsed;
        numeric++;
      } else if (firstBad < 0) {
        firstBad = i;
      }
    }
    if (present == 0) {
      throw new DataException(
          DataError.ALL_MISSING, source + ", column '" + name + "': every value is missing");
    }
    if (!forceCategorical && numeric == present) {
      return new Column.Numeric(name, numbers);
    }
    if (!forceCategorical && numeric > present - numeric) {
      throw new DataException(
          DataError.NON_NUMERIC,
          "%s, column '%s', row %s: '%s' is not a number (the column is numeric in %s of %s rows)"
              .formatted(source, name, firstBad + 1, rows.get(firstBad)[j], numeric, present));
    }
    @Nullable String[] values = new @Nullable String[n];
    for (int i = 0; i < n; i++) {
      values[i] = rows.get(i)[j];
    }
    return new Column.Categorical(name, values);
  }

  private static List<String> classOrder(String[] labels) {
    List<String> distinct = Arrays.stream(labels).distinct().toList();
    boolean integers = distinct.stream().allMatch(s -> s.matches("[-+]?\\d{1,18}"));
    if (integers) {
      return distinct.stream().sorted(Comparator.comparingLong(Long::parseLong)).toList();
    }
    return distinct.stream().sorted().toList();
  }

  private static String decode(String source, byte[] bytes) {
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
      return text.startsWith("\uFEFF") ? text.substring(1) : text;
    } catch (CharacterCodingException e) {
      throw new DataException(DataError.UNREADABLE, source + " is not UTF-8 text", e);
    }
  }

  /** A disallowed missing value in {@code column}, data row {@code row} (0-based). */
  private static DataException missing(String source, String column, int row, String problem) {
    return new DataException(
        DataError.MISSING_VALUE,
        source + ", column '" + column + "', row " + (row + 1) + ": " + problem);
  }
}
