package dev.smileflow.mlflow;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A dataset as MLflow records it. {@code digest} must be at most 36 characters (MLflow uses 8 hex
 * chars); {@code source}, {@code schema} and {@code profile} are JSON strings by MLflow's
 * conventions (schema as {@code {"mlflow_colspec": [...]}}, profile e.g. {@code {"num_rows": N}}).
 */
public record Dataset(
    String name,
    String digest,
    String sourceType,
    String source,
    @Nullable String schema,
    @Nullable String profile) {

  public Dataset {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(digest, "digest");
    Objects.requireNonNull(sourceType, "sourceType");
    Objects.requireNonNull(source, "source");
    List<String> problems = new ArrayList<>();
    check(problems, "name", name, 500);
    check(problems, "digest", digest, 36);
    check(problems, "source_type", sourceType, 500);
    check(problems, "source", source, 65_535);
    if (schema != null && schema.length() > 1_048_575) {
      problems.add("schema longer than 1048575 characters");
    }
    if (profile != null && profile.length() > 16_777_215) {
      problems.add("profile longer than 16777215 characters");
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "invalid dataset '" + name + "': " + String.join("; ", problems));
    }
  }

  private static void check(List<String> problems, String field, String value, int max) {
    if (value.isEmpty()) {
      problems.add(field + " must not be empty");
    } else if (value.length() > max) {
      problems.add(field + " is " + value.length() + " characters, MLflow allows at most " + max);
    }
  }
}
