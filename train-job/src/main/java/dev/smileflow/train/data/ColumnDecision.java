package dev.smileflow.train.data;

import java.util.Locale;

/**
 * What loading decided about one non-label column: a feature, or left out and why.
 *
 * @param column the header name
 * @param reason {@link Reason#FEATURE} or why the column is not a feature
 * @param detail the evidence, e.g. {@code 344 distinct values in 344 rows}; empty for an ordinary
 *     feature, the overridden detection for a column kept with {@code --keep}
 */
public record ColumnDecision(String column, Reason reason, String detail) {
  /** Why a column is, or is not, a feature. */
  public enum Reason {
    /** A feature of the model. */
    FEATURE,
    /**
     * A value per row: integers that are all distinct, or text where at least half the values are
     * distinct (ids such as {@code N1A1}, free text).
     */
    IDENTIFIER,
    /** Integers that step by +1 from one row to the next in most rows: a row or sample number. */
    ROW_COUNTER,
    /** A single distinct non-missing value. */
    CONSTANT,
    /** Dates or date-times. */
    DATE,
    /** More than half of the values missing. */
    MOSTLY_MISSING,
    /** Named in {@code --drop}. */
    DROPPED;

    /** The lower-case name used in tags and messages, e.g. {@code row_counter}. */
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** An ordinary feature. */
  static ColumnDecision feature(String column) {
    return new ColumnDecision(column, Reason.FEATURE, "");
  }

  /** Whether the column is left out of the model. */
  public boolean excluded() {
    return reason != Reason.FEATURE;
  }

  /** {@code date (values like '2007-11-11')}: the reason and its evidence. */
  public String explanation() {
    return detail.isEmpty() ? reason.key() : reason.key() + " (" + detail + ")";
  }
}
