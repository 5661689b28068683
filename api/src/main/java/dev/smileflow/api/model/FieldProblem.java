package dev.smileflow.api.model;

import java.util.Objects;

/**
 * One thing wrong with one input field, e.g. {@code sepal_length: field required}.
 *
 * @param field the field (or {@code body}, {@code rows[2].x}) the problem is about
 * @param problem what is wrong, never echoing the submitted value
 */
public record FieldProblem(String field, String problem) {
  public FieldProblem {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(problem, "problem");
  }

  @Override
  public String toString() {
    return field + ": " + problem;
  }
}
