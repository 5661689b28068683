package dev.smileflow.train.data;

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

  /** The machine-readable kind of problem. */
  public DataError code() {
    return code;
  }
}
