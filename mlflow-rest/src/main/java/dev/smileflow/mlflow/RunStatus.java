package dev.smileflow.mlflow;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;

/** A run's status as MLflow names it; {@link #UNKNOWN} stands for values newer servers may add. */
public enum RunStatus {
  RUNNING,
  SCHEDULED,
  FINISHED,
  FAILED,
  KILLED,
  @JsonEnumDefaultValue
  UNKNOWN;

  /** True for FINISHED, FAILED and KILLED. */
  public boolean terminal() {
    return this == FINISHED || this == FAILED || this == KILLED;
  }
}
