package dev.smileflow.train.data;

/** Machine-readable kinds of bad input data; each maps to exit code 3. */
public enum DataError {
  FILE_NOT_FOUND,
  UNREADABLE,
  EMPTY,
  NO_LABEL_COLUMN,
  DUPLICATE_COLUMN,
  NO_FEATURES,
  RAGGED_ROW,
  NON_NUMERIC,
  MISSING_VALUE,
  ALL_MISSING,
  SINGLE_CLASS,
  TOO_FEW_ROWS_PER_CLASS,
  SCHEMA_MISMATCH,
  REFERENCE_PROFILE
}
