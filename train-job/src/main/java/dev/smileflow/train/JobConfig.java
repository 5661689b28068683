package dev.smileflow.train;

import dev.smileflow.train.data.CsvDialect;
import dev.smileflow.train.data.LoadOptions;
import dev.smileflow.train.data.MissingPolicy;
import dev.smileflow.train.search.Algorithm;
import dev.smileflow.train.search.Metric;
import dev.smileflow.train.search.Shard;
import dev.smileflow.train.tracking.JobExecution;
import dev.smileflow.train.tracking.RunRecord;
import java.nio.file.Path;
import java.text.Normalizer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Everything one job run needs, read once from the command line and environment.
 *
 * @param data the CSV file, or null for the bundled Iris
 * @param drop columns left out of the features ({@code --drop})
 * @param keep columns used as features despite the column screen ({@code --keep})
 * @param delimiter the CSV delimiter, or null to detect it
 * @param decimal the decimal separator, or null to detect it
 * @param columns the column names of a data file without a header row ({@code --columns}); empty
 *     when its first row is the header
 * @param modelName the registered model; {@link #defaultModelName} when not given
 * @param algorithms the algorithms to search; empty = every available one
 * @param minScore the promotion quality bar, or null for none
 * @param threads worker threads for CV (at least 1)
 * @param searchRows the most training rows the CV search uses (a stratified sample above that)
 * @param referenceProfile a local data_profile.json, {@code runs:/<id>[/path]} or {@code
 *     models:/<name>@<alias>}
 * @param output where to keep the model bundle, or null for a temporary directory
 * @param shard this task's share of a sharded search, or null for the whole search
 * @param jobId the job execution a sharded search's tasks share, or null when not sharded
 * @param select whether to select the winner of a sharded search ({@code train-job select})
 * @param waitTimeout how long a shard or {@code select} waits for the others
 */
public record JobConfig(
    @Nullable Path data,
    String label,
    Set<String> categorical,
    MissingPolicy missing,
    Set<String> drop,
    Set<String> keep,
    @Nullable Character delimiter,
    CsvDialect.@Nullable Decimal decimal,
    List<String> columns,
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
    Map<String, String> runTags,
    @Nullable Shard shard,
    @Nullable String jobId,
    boolean select,
    Duration waitTimeout)
    implements RunRecord.Settings {

  public JobConfig {
    categorical = Set.copyOf(categorical);
    drop = Set.copyOf(drop);
    keep = Set.copyOf(keep);
    columns = List.copyOf(columns);
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
    if ((shard != null || select) && jobId == null) {
      throw new UsageException(
          (select ? "select" : "--shard")
              + " needs --job-id (on Cloud Run it defaults to CLOUD_RUN_EXECUTION)");
    }
    if (shard != null && select) {
      throw new UsageException("select is its own step: run it without --shard");
    }
    if ((shard != null || select) && dryRun) {
      throw new UsageException("a sharded search is coordinated through MLflow: no --dry-run");
    }
    if (jobId != null) {
      try {
        JobExecution.requireJobId(jobId);
      } catch (IllegalArgumentException e) {
        throw new UsageException(e);
      }
    }
    if (waitTimeout.isNegative() || waitTimeout.isZero()) {
      throw new UsageException("--wait must be at least 1 second, got " + waitTimeout.toSeconds());
    }
  }

  /** Whether this task is part of a sharded search (a shard or its select step). */
  public boolean sharded() {
    return shard != null || select;
  }

  /** How to read {@link #data}; a bad combination (e.g. dropping the label) is a usage error. */
  public LoadOptions loadOptions() {
    try {
      return new LoadOptions(label, missing, categorical, drop, keep, delimiter, decimal, columns);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e);
    }
  }

  /**
   * The registered model name when {@code --model-name} is not given: {@code iris-classifier} for
   * the bundled Iris; otherwise the data file's name without its extension, accents stripped,
   * lower-cased, every run of characters other than {@code a-z0-9} turned into one {@code -},
   * leading and trailing {@code -} trimmed, cut at 100 characters, then {@code -classifier}
   * appended unless it already ends with {@code classifier} ({@code Breast Cancer (2).csv} ->
   * {@code breast-cancer-2-classifier}); {@code classifier} when nothing is left.
   */
  public static String defaultModelName(@Nullable Path data) {
    if (data == null) {
      return "iris-classifier";
    }
    Path name = data.getFileName();
    String file = name == null ? "" : name.toString();
    int dot = file.lastIndexOf('.');
    String stem = dot > 0 ? file.substring(0, dot) : file;
    String slug =
        Normalizer.normalize(stem, Normalizer.Form.NFD)
            .replaceAll("\\p{M}+", "")
            .toLowerCase(Locale.ROOT)
            .replaceAll("[^a-z0-9]+", "-")
            .replaceAll("^-+|-+$", "");
    if (slug.length() > 100) {
      slug = slug.substring(0, 100).replaceAll("-+$", "");
    }
    if (slug.isEmpty()) {
      return "classifier";
    }
    return slug.endsWith("classifier") ? slug : slug + "-classifier";
  }

  /** Where the data comes from, for logs and the run's {@code data} param. */
  @Override
  public String dataSource() {
    return data == null ? "bundled iris.csv" : data.toString();
  }
}
