package dev.smileflow.train;

import dev.smileflow.train.data.CsvDialect;
import dev.smileflow.train.data.MissingPolicy;
import dev.smileflow.train.search.Algorithm;
import dev.smileflow.train.search.Metric;
import dev.smileflow.train.search.Shard;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.ToIntFunction;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The command line: every option has an environment-variable default shown in {@code --help}. */
@Command(
    name = "train-job",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpWidth = 110,
    versionProvider = TrainCommand.Version.class,
    description = {
      "Loads a CSV classification data set (the bundled Iris by default), validates it, searches Smile classifiers",
      "with stratified k-fold CV, logs everything to MLflow (MLFLOW_TRACKING_URI and the MLFLOW_TRACKING_* auth",
      "variables), registers the winner and promotes it when it passes the gate.",
      "With --shard I/N (on Cloud Run: one job task each) the tasks split the search; the last to finish,",
      "or 'train-job select', picks the winner from MLflow and goes on as one process would.",
      ""
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:internal error",
      "2:bad arguments or configuration",
      "3:bad data",
      "4:MLflow failure (unreachable, unauthorized, rejected)",
      "5:training failed (every candidate failed)",
      "6:the written model does not serve as trained (nothing registered)",
      "7:sharded search incomplete (a shard missing or failed; select names it)",
      "130:interrupted (runs marked KILLED)"
    })
final class TrainCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "select",
      description =
          "select: pick the winner of sharded job --job-id from MLflow once every shard is done, then"
              + " refit, register and promote it (run with the shards' data and settings).")
  @Nullable String action;

  @Option(
      names = "--data",
      paramLabel = "PATH",
      defaultValue = "${env:TRAIN_DATA}",
      description =
          "CSV file with a header row, or without one given --columns (env TRAIN_DATA; default: the"
              + " bundled Iris).")
  @Nullable Path data;

  @Option(
      names = "--label",
      paramLabel = "COLUMN",
      defaultValue = "${env:TRAIN_LABEL:-species}",
      description = "Label column (env TRAIN_LABEL, default ${DEFAULT-VALUE}).")
  String label = "species";

  @Option(
      names = "--categorical",
      paramLabel = "COLUMN",
      split = ",",
      defaultValue = "${env:TRAIN_CATEGORICAL}",
      description =
          "Columns to treat as categorical even if numeric (env TRAIN_CATEGORICAL, comma-separated).")
  @Nullable List<String> categorical;

  @Option(
      names = "--drop",
      paramLabel = "COLUMN",
      split = ",",
      defaultValue = "${env:TRAIN_DROP}",
      description = "Columns to leave out of the features (env TRAIN_DROP, comma-separated).")
  @Nullable List<String> drop;

  @Option(
      names = "--keep",
      paramLabel = "COLUMN",
      split = ",",
      defaultValue = "${env:TRAIN_KEEP}",
      description =
          "Columns to use as features although detected as an identifier, row counter, constant, date or"
              + " mostly missing (env TRAIN_KEEP, comma-separated).")
  @Nullable List<String> keep;

  @Option(
      names = "--columns",
      paramLabel = "COLUMN",
      split = ",",
      defaultValue = "${env:TRAIN_COLUMNS}",
      description =
          "The data file has no header row: its column names, in order (env TRAIN_COLUMNS,"
              + " comma-separated).")
  @Nullable List<String> columns;

  @Option(
      names = "--delimiter",
      paramLabel = "CHAR",
      defaultValue = "${env:TRAIN_DELIMITER}",
      description =
          "Field delimiter: , ; | tab, or space for columns aligned by runs of blanks (env"
              + " TRAIN_DELIMITER; default: detected from the first rows).")
  @Nullable String delimiter;

  @Option(
      names = "--decimal",
      paramLabel = "CHAR",
      defaultValue = "${env:TRAIN_DECIMAL}",
      description =
          "Decimal separator: . or , (env TRAIN_DECIMAL; default: detected, a comma only in files not"
              + " delimited by commas).")
  @Nullable String decimal;

  @Option(
      names = "--missing",
      paramLabel = "POLICY",
      defaultValue = "${env:TRAIN_MISSING:-impute}",
      description =
          "Missing values: impute (median / most frequent value, fitted per CV fold; the served"
              + " model imputes a null or absent field the same way), reject, or drop (rows)"
              + " (env TRAIN_MISSING, default ${DEFAULT-VALUE}; the bundled Iris always rejects).")
  String missing = "impute";

  @Option(
      names = "--experiment",
      paramLabel = "NAME",
      defaultValue = "${env:MLFLOW_EXPERIMENT_NAME:-smileflow}",
      description = "MLflow experiment (env MLFLOW_EXPERIMENT_NAME, default ${DEFAULT-VALUE}).")
  String experiment = "smileflow";

  @Option(
      names = "--model-name",
      paramLabel = "NAME",
      defaultValue = "${env:MODEL_NAME}",
      description =
          "Registered model name (env MODEL_NAME; default: from the data file's name, e.g. breast-cancer.csv"
              + " -> breast-cancer-classifier; iris-classifier for the bundled Iris).")
  @Nullable String modelName;

  @Option(
      names = "--alias",
      paramLabel = "ALIAS",
      defaultValue = "${env:MODEL_ALIAS:-production}",
      description = "Alias moved on promotion (env MODEL_ALIAS, default ${DEFAULT-VALUE}).")
  String alias = "production";

  @Option(
      names = "--folds",
      paramLabel = "K",
      defaultValue = "${env:TRAIN_FOLDS:-5}",
      description = "Stratified CV folds (env TRAIN_FOLDS, default ${DEFAULT-VALUE}).")
  int folds = 5;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "${env:TRAIN_SEED:-42}",
      description =
          "Seed for the split, folds, search and models (env TRAIN_SEED, default ${DEFAULT-VALUE}).")
  long seed = 42;

  @Option(
      names = "--test-fraction",
      paramLabel = "F",
      defaultValue = "${env:TRAIN_TEST_FRACTION:-0.2}",
      description =
          "Stratified hold-out fraction (env TRAIN_TEST_FRACTION, default ${DEFAULT-VALUE}).")
  double testFraction = 0.2;

  @Option(
      names = "--metric",
      paramLabel = "METRIC",
      defaultValue = "${env:TRAIN_METRIC:-accuracy}",
      description =
          "Selection and gate metric: accuracy, f1_macro or log_loss (env TRAIN_METRIC, default"
              + " ${DEFAULT-VALUE}).")
  String metric = "accuracy";

  @Option(
      names = "--min-score",
      paramLabel = "X",
      defaultValue = "${env:TRAIN_MIN_SCORE}",
      description =
          "Promote only if the hold-out metric reaches X (at most X for log_loss) (env TRAIN_MIN_SCORE;"
              + " default: no bar).")
  @Nullable Double minScore;

  @Option(
      names = "--promote-margin",
      paramLabel = "X",
      defaultValue = "${env:TRAIN_PROMOTE_MARGIN:-0}",
      description =
          "Required improvement over production on the same hold-out rows (env TRAIN_PROMOTE_MARGIN,"
              + " default ${DEFAULT-VALUE}).")
  double promoteMargin;

  @Option(
      names = "--no-promote",
      defaultValue = "${env:TRAIN_NO_PROMOTE:-false}",
      description =
          "Register the winner but never promote it (env TRAIN_NO_PROMOTE, default ${DEFAULT-VALUE}).")
  boolean noPromote;

  @Option(
      names = "--dry-run",
      defaultValue = "${env:TRAIN_DRY_RUN:-false}",
      description =
          "Train and evaluate only; no MLflow writes (env TRAIN_DRY_RUN, default ${DEFAULT-VALUE}).")
  boolean dryRun;

  @Option(
      names = "--algorithms",
      paramLabel = "LIST",
      split = ",",
      defaultValue = "${env:TRAIN_ALGORITHMS:-all}",
      description =
          "Algorithms: all or some of logistic, svm, random_forest, gradient_boosting, decision_tree, knn,"
              + " naive_bayes, lda (env TRAIN_ALGORITHMS, default ${DEFAULT-VALUE}).")
  List<String> algorithms = List.of("all");

  @Option(
      names = "--search",
      paramLabel = "MODE",
      defaultValue = "${env:TRAIN_SEARCH:-grid}",
      description = "grid or random (env TRAIN_SEARCH, default ${DEFAULT-VALUE}).")
  String search = "grid";

  @Option(
      names = "--trials",
      paramLabel = "N",
      defaultValue = "${env:TRAIN_TRIALS:-8}",
      description =
          "Random-search draws per algorithm (env TRAIN_TRIALS, default ${DEFAULT-VALUE}).")
  int trials = 8;

  @Option(
      names = "--param",
      paramLabel = "ALGO.NAME=VALUES",
      description =
          "Override a search space, e.g. svm.c=1,10,100 or svm.sigma_scale=0.1:10:log (repeatable).")
  @Nullable List<String> params;

  @Option(
      names = "--search-file",
      paramLabel = "PATH",
      defaultValue = "${env:TRAIN_SEARCH_FILE}",
      description =
          "JSON or YAML search spaces, e.g. {svm: {c: [1, 10], sigma_scale: {min: 0.1, max: 10, log: true}}}"
              + " (env TRAIN_SEARCH_FILE).")
  @Nullable Path searchFile;

  @Option(
      names = "--reference-profile",
      paramLabel = "REF",
      defaultValue = "${env:TRAIN_REFERENCE_PROFILE}",
      description =
          "Reference data profile for drift (KS test per numeric feature): a data_profile.json file,"
              + " runs:/<run id> or models:/<name>@<alias> (env TRAIN_REFERENCE_PROFILE).")
  @Nullable String referenceProfile;

  @Option(
      names = "--threads",
      paramLabel = "N",
      defaultValue = "${env:TRAIN_THREADS:-0}",
      description =
          "CV worker threads, 0 = one per core (env TRAIN_THREADS, default ${DEFAULT-VALUE}).")
  int threads;

  @Option(
      names = "--search-rows",
      paramLabel = "N",
      defaultValue = "${env:TRAIN_SEARCH_ROWS:-20000}",
      description =
          "Cross-validate on a stratified sample of at most N training rows; the winner is refitted on all"
              + " of them (env TRAIN_SEARCH_ROWS, default ${DEFAULT-VALUE}).")
  int searchRows = 20_000;

  @Option(
      names = "--output",
      paramLabel = "DIR",
      defaultValue = "${env:TRAIN_OUTPUT}",
      description = "Also keep the model bundle and reports in DIR (env TRAIN_OUTPUT).")
  @Nullable Path output;

  @Option(
      names = "--shard",
      paramLabel = "I/N",
      defaultValue = "${env:TRAIN_SHARD}",
      description =
          "Cross-validate only share I (0-based) of N of the candidates, balanced by expected cost"
              + " (env TRAIN_SHARD; default: CLOUD_RUN_TASK_INDEX/CLOUD_RUN_TASK_COUNT in a job with"
              + " more than one task).")
  @Nullable String shard;

  @Option(
      names = "--job-id",
      paramLabel = "ID",
      defaultValue = "${env:TRAIN_JOB_ID}",
      description =
          "The job execution the shards share: their parent run carries it (env TRAIN_JOB_ID;"
              + " default: CLOUD_RUN_EXECUTION).")
  @Nullable String jobId;

  @Option(
      names = "--wait",
      paramLabel = "SECONDS",
      defaultValue = "${env:TRAIN_WAIT:-3600}",
      description =
          "How long a shard waits for the parent run, and select for every shard (env TRAIN_WAIT,"
              + " default ${DEFAULT-VALUE}).")
  long waitSeconds = 3600;

  private final ToIntFunction<JobConfig> runner;
  private final Map<String, String> runTags;
  private final Map<String, String> env;

  /**
   * @param env the environment, for the Cloud Run variables that default {@code --shard} and {@code
   *     --job-id}
   */
  TrainCommand(
      ToIntFunction<JobConfig> runner, Map<String, String> runTags, Map<String, String> env) {
    this.runner = runner;
    this.runTags = runTags;
    this.env = env;
  }

  @Override
  public Integer call() {
    return runner.applyAsInt(config());
  }

  /** Validates the options into a {@link JobConfig}; bad values throw {@link UsageException}. */
  JobConfig config() {
    try {
      Set<String> names = names(algorithms);
      List<Algorithm> chosen =
          names.equals(Set.of("all"))
              ? List.of()
              : names.stream().map(Algorithm::parse).distinct().toList();
      boolean random =
          switch (search.trim().toLowerCase(Locale.ROOT)) {
            case "grid" -> false;
            case "random" -> true;
            default ->
                throw new UsageException("--search must be grid or random, got '" + search + "'");
          };
      int workers = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
      if (action != null && !action.equals("select")) {
        throw new UsageException("unknown command '" + action + "' (the only one is select)");
      }
      Shard share = shard == null || shard.isBlank() ? Shard.fromCloudRun(env) : Shard.parse(shard);
      String job = jobId == null || jobId.isBlank() ? env.get("CLOUD_RUN_EXECUTION") : jobId;
      return new JobConfig(
          data,
          label,
          categorical == null ? Set.of() : Set.copyOf(categorical),
          MissingPolicy.parse(missing),
          names(drop),
          names(keep),
          delimiter == null || delimiter.isEmpty() ? null : CsvDialect.parseDelimiter(delimiter),
          decimal == null || decimal.isBlank() ? null : CsvDialect.Decimal.parse(decimal),
          columns == null || columns.stream().allMatch(String::isBlank)
              ? List.of()
              : columns.stream().map(String::trim).toList(),
          experiment,
          modelName == null ? JobConfig.defaultModelName(data) : modelName,
          alias,
          folds,
          seed,
          testFraction,
          Metric.parse(metric),
          minScore,
          promoteMargin,
          !noPromote,
          dryRun,
          chosen,
          random,
          trials,
          params == null ? List.of() : params,
          searchFile,
          referenceProfile,
          workers,
          searchRows,
          output,
          runTags,
          share,
          job == null || job.isBlank() ? null : job.trim(),
          action != null,
          Duration.ofSeconds(waitSeconds));
    } catch (IllegalArgumentException e) {
      throw new UsageException(e);
    }
  }

  /** Names from a comma-separated option: trimmed, blanks left out. */
  private static Set<String> names(@Nullable List<String> columns) {
    Set<String> out = new LinkedHashSet<>();
    if (columns != null) {
      for (String c : columns) {
        if (!c.isBlank()) {
          out.add(c.trim());
        }
      }
    }
    return out;
  }

  /** The jar's implementation version. */
  static final class Version implements picocli.CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = TrainCommand.class.getPackage().getImplementationVersion();
      return new String[] {"train-job " + (v == null ? "dev" : v)};
    }
  }
}
