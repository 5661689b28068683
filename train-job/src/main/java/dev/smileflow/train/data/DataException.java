package dev.smileflow.train.data;

import java.util.Objects;

/**
 * The input data cannot be used; the message names the file and, where it applies, the column and
 * row.
 */
public final class DataException extends RuntimeException {
  private final DataError code;

  public DataException(DataError code, String message) {
    super(message);
    this.code = code;
  }

  public DataException(DataError code, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  /** Never null: every constructor takes the message. */
  @Override
  public String getMessage() {
    return Objects.requireNonNull(super.getMessage());
  }

  /** The machine-readable kind of problem. */
  public DataError code() {
    return code;
  }
}
