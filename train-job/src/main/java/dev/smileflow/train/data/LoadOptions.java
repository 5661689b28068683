package dev.smileflow.train.data;

import dev.smileflow.train.data.CsvDialect.Decimal;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * How to read a CSV file.
 *
 * @param label the label column's header name
 * @param missing the missing-value policy
 * @param categorical columns to treat as categorical even when every value is a number (e.g.
 *     integer codes); naming a column here also keeps it from {@link ColumnScreen}'s exclusions
 * @param drop columns to leave out of the features
 * @param keep columns to use as features even when {@link ColumnScreen} would leave them out
 * @param delimiter the field delimiter, or null to detect it ({@link CsvDialect#sniff})
 * @param decimal the decimal separator, or null to detect it
 * @param columns the column names of a file without a header row, in order; empty when the file's
 *     first row is its header
 */
public record LoadOptions(
    String label,
    MissingPolicy missing,
    Set<String> categorical,
    Set<String> drop,
    Set<String> keep,
    @Nullable Character delimiter,
    // Not CsvDialect.@Nullable Decimal: javac (JDK 25) writes that annotation into the compact
    // constructor's class file as FIELD, so NullAway would see a non-null parameter from tests.
    @Nullable Decimal decimal,
    List<String> columns) {
  public LoadOptions {
    if (label.isBlank()) {
      throw new IllegalArgumentException("label column name is blank");
    }
    categorical = Set.copyOf(categorical);
    drop = Set.copyOf(drop);
    keep = Set.copyOf(keep);
    columns = List.copyOf(columns);
    if (columns.stream().anyMatch(String::isBlank)) {
      throw new IllegalArgumentException("--columns has a blank name: " + columns);
    }
    Set<String> seen = new HashSet<>();
    List<String> twice = columns.stream().filter(c -> !seen.add(c)).distinct().toList();
    if (!twice.isEmpty()) {
      throw new IllegalArgumentException("--columns names these more than once: " + twice);
    }
    if (drop.contains(label)) {
      throw new IllegalArgumentException(
          "--drop names the label column '" + label + "'; the label cannot be dropped");
    }
    List<String> both =
        Stream.concat(keep.stream(), categorical.stream())
            .filter(drop::contains)
            .distinct()
            .sorted()
            .toList();
    if (!both.isEmpty()) {
      throw new IllegalArgumentException(
          "--drop names columns that are also kept (--keep or --categorical): " + both);
    }
    if (delimiter != null && !CsvDialect.supported(delimiter)) {
      throw new IllegalArgumentException("unsupported delimiter " + CsvDialect.describe(delimiter));
    }
  }

  /** Detected dialect, nothing dropped or kept. */
  public LoadOptions(String label, MissingPolicy missing, Set<String> categorical) {
    this(label, missing, categorical, Set.of(), Set.of(), null, null, List.of());
  }

  /** Iris defaults: label {@code species}, reject missing values, no forced categoricals. */
  public static LoadOptions iris() {
    return new LoadOptions("species", MissingPolicy.REJECT, Set.of());
  }
}
