package dev.smileflow.api.model;

import java.util.List;
import java.util.stream.Collectors;

/** A row given to a model was rejected; carries every field problem. */
public final class InvalidRowException extends RuntimeException {
  private final List<FieldProblem> problems;

  public InvalidRowException(List<FieldProblem> problems) {
    super(problems.stream().map(FieldProblem::toString).collect(Collectors.joining("; ")));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("no problems");
    }
    this.problems = List.copyOf(problems);
  }

  /** Every problem, in field order. */
  public List<FieldProblem> problems() {
    return problems;
  }

  /** Machine-readable code. */
  public String code() {
    return "INVALID_INPUT";
  }
}
