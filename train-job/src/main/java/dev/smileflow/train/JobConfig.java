package dev.smileflow.train;

import dev.smileflow.train.data.MissingPolicy;
import dev.smileflow.train.search.Algorithm;
import dev.smileflow.train.search.Metric;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Everything one job run needs, read once from the command line and environment.
 *
 * @param data the CSV file, or null for the bundled Iris
 * @param algorithms the algorithms to search; empty = every available one
 * @param minScore the promotion quality bar, or null for none
 * @param threads worker threads for CV (at least 1)
 * @param searchRows the most training rows the CV search uses (a stratified sample above that)
 * @param referenceProfile a local data_profile.json, {@code runs:/<id>[/path]} or {@code
 *     models:/<name>@<alias>}
 * @param output where to keep the model bundle, or null for a temporary directory
 */
public record JobConfig(
    @Nullable Path data,
    String label,
    Set<String> categorical,
    MissingPolicy missing,
    String experiment,
    String modelName,
    String alias,
    int folds,
    long seed,
    double testFraction,
    Metric metric,
    @Nullable Double minScore,
    double promoteMargin,
    boolean promote,
    boolean dryRun,
    List<Algorithm> algorithms,
    boolean randomSearch,
    int trials,
    List<String> params,
    @Nullable Path searchFile,
    @Nullable String referenceProfile,
    int threads,
    int searchRows,
    @Nullable Path output,
    Map<String, String> runTags) {

  public JobConfig {
    categorical = Set.copyOf(categorical);
    algorithms = List.copyOf(algorithms);
    params = List.copyOf(params);
    runTags = Map.copyOf(runTags);
    if (folds < 2 || folds > 50) {
      throw new UsageException("--folds must be between 2 and 50, got " + folds);
    }
    if (!(testFraction > 0 && testFraction < 0.9)) {
      throw new UsageException("--test-fraction must be in (0, 0.9), got " + testFraction);
    }
    if (trials < 1) {
      throw new UsageException("--trials must be at least 1, got " + trials);
    }
    if (searchRows < 100) {
      throw new UsageException("--search-rows must be at least 100, got " + searchRows);
    }
    if (threads < 1) {
      throw new UsageException("--threads must be at least 1, got " + threads);
    }
    if (minScore != null && !Double.isFinite(minScore)) {
      throw new UsageException("--min-score must be a finite number");
    }
    if (!Double.isFinite(promoteMargin)) {
      throw new UsageException("--promote-margin must be a finite number");
    }
    if (!alias.matches("[\\w-]{1,255}")
        || alias.equalsIgnoreCase("latest")
        || alias.matches("[vV]\\d+")) {
      throw new UsageException(
          "--alias '"
              + alias
              + "' is not a valid MLflow alias (letters, digits, _ and -; not"
              + " 'latest' or v<number>)");
    }
    if (modelName.contains("/") || modelName.contains(":")) {
      throw new UsageException(
          "--model-name '" + modelName + "' must not contain '/' or ':' (MLflow rejects them)");
    }
    if (modelName.isBlank() || experiment.isBlank() || label.isBlank()) {
      throw new UsageException("--model-name, --experiment and --label must not be blank");
    }
  }

  /** Where the data comes from, for logs. */
  public String dataSource() {
    return data == null ? "bundled iris.csv" : data.toString();
  }
}
