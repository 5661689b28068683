package dev.smileflow.train.tracking;

import dev.smileflow.train.search.CandidateResult;
import dev.smileflow.train.search.Metric;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Where the job records its runs and model. */
public sealed interface Tracker permits MlflowTracker, Tracker.DryRun {
  /** Creates the parent run with the job's params and tags. */
  void startParent(String runName, Map<String, String> params, Map<String, String> tags);

  /** Logs the training data set as a run input with context {@code training}. */
  void logDataset(DatasetInfo dataset);

  /** Sets tags on the parent run. */
  void tagParent(Map<String, String> tags);

  /** Logs metrics on the parent run (step 0). */
  void logParentMetrics(Map<String, Double> metrics);

  /** Uploads files to the parent run's artifacts, under {@code dir} ("" for the root). */
  void uploadToParent(List<Path> files, String dir);

  /**
   * Logs every candidate as a nested run, in order; returns the nested run ids (empty strings in
   * dry-run).
   */
  List<String> logCandidates(
      List<CandidateResult> candidates,
      Metric metric,
      int winnerIndex,
      Map<String, Double> winnerHoldout);

  /**
   * Stores the model: where the server has LoggedModels, creates one, lets {@code writer} fill a
   * directory given where the files go, uploads that directory, links the model as the parent run's
   * output and finalizes it READY (UPLOAD_FAILED on error); elsewhere (MLflow 2.x) the files become
   * the parent run's artifacts under {@code model/}.
   *
   * @return where the files are ({@link StoredModel.Local} in a dry run)
   */
  StoredModel logModel(
      String name,
      Map<String, String> params,
      Map<String, Double> metrics,
      Path dir,
      Function<StoredModel, Path> writer);

  /** The parent run id, or null before {@link #startParent} and in a dry run. */
  @org.jspecify.annotations.Nullable
  String parentRunId();

  /** Ends every run still open with FINISHED, FAILED or KILLED; never throws. */
  void endAll(String status);

  /** A tracker that writes nothing (--dry-run). */
  static Tracker dryRun() {
    return new DryRun();
  }

  /** Writes nothing; {@link #logModel} still lets the writer write the bundle locally. */
  final class DryRun implements Tracker {
    @Override
    public void startParent(String runName, Map<String, String> params, Map<String, String> tags) {}

    @Override
    public void logDataset(DatasetInfo dataset) {}

    @Override
    public void tagParent(Map<String, String> tags) {}

    @Override
    public void logParentMetrics(Map<String, Double> metrics) {}

    @Override
    public void uploadToParent(List<Path> files, String dir) {}

    @Override
    public List<String> logCandidates(
        List<CandidateResult> candidates,
        Metric metric,
        int winnerIndex,
        Map<String, Double> winnerHoldout) {
      return candidates.stream().map(c -> "").toList();
    }

    @Override
    public StoredModel logModel(
        String name,
        Map<String, String> params,
        Map<String, Double> metrics,
        Path dir,
        Function<StoredModel, Path> writer) {
      StoredModel local = new StoredModel.Local(dir);
      writer.apply(local);
      return local;
    }

    @Override
    public @org.jspecify.annotations.Nullable String parentRunId() {
      return null;
    }

    @Override
    public void endAll(String status) {}
  }
}
