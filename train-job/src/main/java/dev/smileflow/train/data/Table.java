package dev.smileflow.train.data;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * A loaded classification data set: feature columns in file order, the label column's name, the
 * sorted class labels, each row's class index and the decision about every other column (feature or
 * left out, and why). Immutable; {@link #select} gives a row subset sharing the schema and classes.
 */
public final class Table {
  private final String source;
  private final String digest;
  private final List<Column> columns;
  private final String labelName;
  private final List<String> classes;
  private final int[] y;
  private final MissingPolicy missing;
  private final List<ColumnDecision> decisions;

  Table(
      String source,
      String digest,
      List<Column> columns,
      String labelName,
      List<String> classes,
      int[] y,
      MissingPolicy missing,
      List<ColumnDecision> decisions) {
    this.source = source;
    this.digest = digest;
    this.columns = List.copyOf(columns);
    this.labelName = labelName;
    this.classes = List.copyOf(classes);
    this.y = y;
    this.missing = missing;
    this.decisions = List.copyOf(decisions);
  }

  /**
   * The missing-value policy the table was loaded under. Under {@link MissingPolicy#IMPUTE} its
   * missing values are kept (NaN or null) and {@link Preprocessing} fits an imputation fill for
   * every feature; under the others there are none left.
   */
  public MissingPolicy missingPolicy() {
    return missing;
  }

  /** Where the data came from (a file path or {@code classpath:iris.csv}). */
  public String source() {
    return source;
  }

  /**
   * A short (16 hex characters) SHA-256 prefix of the source bytes, for MLflow's dataset digest.
   */
  public String digest() {
    return digest;
  }

  /** Feature columns in file order. */
  public List<Column> columns() {
    return columns;
  }

  /**
   * What loading decided about every column besides the label, in file order: the features and the
   * columns left out, each with its reason.
   */
  public List<ColumnDecision> decisions() {
    return decisions;
  }

  /** The columns left out of the features, in file order. */
  public List<ColumnDecision> excluded() {
    return decisions.stream().filter(ColumnDecision::excluded).toList();
  }

  /** Feature names in file order. */
  public List<String> featureNames() {
    return columns.stream().map(Column::name).toList();
  }

  /** The label column's name. */
  public String labelName() {
    return labelName;
  }

  /**
   * The class labels in index order (numeric order when every label is an integer, else string
   * order).
   */
  public List<String> classes() {
    return classes;
  }

  /** Number of rows. */
  public int rows() {
    return y.length;
  }

  /** A copy of every row's class index. */
  public int[] y() {
    return y.clone();
  }

  /** The class index of one row. */
  public int label(int row) {
    return y[row];
  }

  /** Rows per class, in class order. */
  public int[] classCounts() {
    int[] counts = new int[classes.size()];
    for (int label : y) {
      counts[label]++;
    }
    return counts;
  }

  /** The column named {@code name}, if any. */
  public Optional<Column> column(String name) {
    return columns.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  /**
   * One row as feature name to value ({@code Double} or {@code String}; missing values are absent).
   */
  public Map<String, Object> row(int row) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Column column : columns) {
      switch (column) {
        case Column.Numeric n when !n.isMissing(row) -> out.put(n.name(), n.value(row));
        case Column.Categorical c when !c.isMissing(row) -> out.put(c.name(), c.value(row));
        default -> {}
      }
    }
    return out;
  }

  /** The given rows (in the given order) as a new table with the same schema and classes. */
  public Table select(int[] rows) {
    List<Column> selected = columns.stream().map(c -> c.select(rows)).toList();
    return new Table(
        source, digest, selected, labelName, classes, Split.pick(y, rows), missing, decisions);
  }

  /** Total number of missing feature values. */
  public long missingCount() {
    return columns.stream()
        .mapToLong(c -> IntStream.range(0, c.size()).filter(c::isMissing).count())
        .sum();
  }

  @Override
  public String toString() {
    return "Table["
        + source
        + ", "
        + rows()
        + " rows, features="
        + featureNames()
        + ", label="
        + labelName
        + ", classes="
        + classes
        + ", counts="
        + Arrays.toString(classCounts())
        + "]";
  }
}
