package dev.smileflow.mlflow;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;

/** A LoggedModel's upload status; {@link #UNKNOWN} stands for values newer servers may add. */
public enum LoggedModelStatus {
  LOGGED_MODEL_STATUS_UNSPECIFIED,
  LOGGED_MODEL_PENDING,
  LOGGED_MODEL_READY,
  LOGGED_MODEL_UPLOAD_FAILED,
  @JsonEnumDefaultValue
  UNKNOWN
}
