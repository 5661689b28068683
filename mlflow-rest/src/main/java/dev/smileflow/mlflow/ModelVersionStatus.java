package dev.smileflow.mlflow;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;

/** A model version's registration status; the OSS registry creates versions already READY. */
public enum ModelVersionStatus {
  PENDING_REGISTRATION,
  FAILED_REGISTRATION,
  READY,
  @JsonEnumDefaultValue
  UNKNOWN
}
