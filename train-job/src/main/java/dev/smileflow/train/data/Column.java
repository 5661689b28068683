package dev.smileflow.train.data;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * One feature column of a {@link Table}: numeric (missing = NaN) or categorical (missing = null).
 */
public sealed interface Column permits Column.Numeric, Column.Categorical {
  /** The column's header name. */
  String name();

  /** Number of rows. */
  int size();

  /** Whether the value in {@code row} is missing. */
  boolean isMissing(int row);

  /** The column of the given rows, in that order. */
  Column select(int[] rows);

  /** A numeric column; values are finite, or NaN where missing. */
  final class Numeric implements Column {
    private final String name;
    private final double[] values;

    Numeric(String name, double[] values) {
      this.name = name;
      this.values = values;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public int size() {
      return values.length;
    }

    @Override
    public boolean isMissing(int row) {
      return Double.isNaN(values[row]);
    }

    /** The value in {@code row} (NaN when missing). */
    public double value(int row) {
      return values[row];
    }

    /** A copy of the values of the given rows (NaN when missing). */
    public double[] values(int[] rows) {
      return Arrays.stream(rows).mapToDouble(i -> values[i]).toArray();
    }

    @Override
    public Numeric select(int[] rows) {
      return new Numeric(name, values(rows));
    }
  }

  /** A categorical column; its levels are every distinct value in the file, sorted. */
  final class Categorical implements Column {
    private final String name;
    private final @Nullable String[] values;
    private final List<String> levels;

    Categorical(String name, @Nullable String[] values) {
      this.name = name;
      this.values = values;
      this.levels = levels(values);
    }

    private static List<String> levels(@Nullable String[] values) {
      Set<String> distinct = new TreeSet<>();
      for (String value : values) {
        if (value != null) {
          distinct.add(value);
        }
      }
      return List.copyOf(distinct);
    }

    private Categorical(String name, @Nullable String[] values, List<String> levels) {
      this.name = name;
      this.values = values;
      this.levels = levels;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public int size() {
      return values.length;
    }

    @Override
    public boolean isMissing(int row) {
      return values[row] == null;
    }

    /** The value in {@code row}, or null when missing. */
    public @Nullable String value(int row) {
      return values[row];
    }

    /** The sorted distinct values. */
    public List<String> levels() {
      return levels;
    }

    @Override
    public Categorical select(int[] rows) {
      @Nullable String[] out = new @Nullable String[rows.length];
      for (int i = 0; i < rows.length; i++) {
        out[i] = values[rows[i]];
      }
      return new Categorical(name, out, levels);
    }
  }
}
