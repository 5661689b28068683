package dev.smileflow.mlflow;

import java.util.List;
import java.util.Objects;

/** A run as {@code runs/get} returns it. */
public record Run(RunInfo info, RunData data, RunInputs inputs, RunOutputs outputs) {
  public Run {
    Objects.requireNonNull(info, "info");
    data = data == null ? new RunData(List.of(), List.of(), List.of()) : data;
    inputs = inputs == null ? new RunInputs(List.of(), List.of()) : inputs;
    outputs = outputs == null ? new RunOutputs(List.of()) : outputs;
  }

  /** Shortcut for {@code info().runId()}. */
  public String runId() {
    return info.runId();
  }
}
