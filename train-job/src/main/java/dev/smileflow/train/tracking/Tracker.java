package dev.smileflow.train.tracking;

import dev.smileflow.mlflow.RunStatus;
import dev.smileflow.train.data.Table;
import dev.smileflow.train.search.CandidateResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Where the job records its runs and model. The model is stored in two calls around the job's
 * writing of its files: {@link #reserveModel} says where they will live (the job records it in the
 * MLmodel file), {@link #logModel} uploads them; a model reserved and never logged is marked failed
 * by {@link #endAll}.
 */
public sealed interface Tracker permits MlflowTracker, Tracker.DryRun {
  /** Creates the parent run with the job's params and tags. */
  void startParent(String runName, Map<String, String> params, Map<String, String> tags);

  /**
   * Logs the data set as a run input with context {@code training}; {@code trainRows} of its rows
   * are the training split.
   */
  void logDataset(Table table, int trainRows);

  /** Sets tags on the parent run. */
  void tagParent(Map<String, String> tags);

  /** Logs metrics on the parent run (step 0). */
  void logParentMetrics(Map<String, Double> metrics);

  /** Uploads files to the parent run's artifacts, under {@code dir} ("" for the root). */
  void uploadToParent(List<Path> files, String dir);

  /** Logs every candidate as a nested run. */
  void logCandidates(
      List<CandidateResult> candidates, int winnerIndex, Map<String, Double> winnerHoldout);

  /**
   * Where the model named {@code name} will be stored, before its files are written: where the
   * server has LoggedModels, a new one (PENDING, with {@code params}); elsewhere (MLflow 2.x) the
   * parent run's artifacts under {@code model/}; in a dry run {@code dir} itself.
   */
  StoredModel reserveModel(String name, Map<String, String> params, Path dir);

  /**
   * Uploads the model files written into {@code dir} to where {@link #reserveModel} put {@code
   * model}: a LoggedModel is linked as the parent run's output, gets {@code metrics} and is
   * finalized READY; run artifacts are recorded in the run's model history. Nothing in a dry run.
   */
  void logModel(StoredModel model, Path dir, Map<String, Double> metrics);

  /** The parent run id, or null before {@link #startParent} and in a dry run. */
  @Nullable String parentRunId();

  /**
   * Ends every run still open with {@code status} (FINISHED, FAILED or KILLED), after marking a
   * reserved model that was never logged UPLOAD_FAILED; never throws.
   */
  void endAll(RunStatus status);

  /** A tracker that writes nothing (--dry-run); the model stays where the job wrote it. */
  final class DryRun implements Tracker {
    @Override
    public void startParent(String runName, Map<String, String> params, Map<String, String> tags) {}

    @Override
    public void logDataset(Table table, int trainRows) {}

    @Override
    public void tagParent(Map<String, String> tags) {}

    @Override
    public void logParentMetrics(Map<String, Double> metrics) {}

    @Override
    public void uploadToParent(List<Path> files, String dir) {}

    @Override
    public void logCandidates(
        List<CandidateResult> candidates, int winnerIndex, Map<String, Double> winnerHoldout) {}

    @Override
    public StoredModel reserveModel(String name, Map<String, String> params, Path dir) {
      return new StoredModel.Local(dir);
    }

    @Override
    public void logModel(StoredModel model, Path dir, Map<String, Double> metrics) {}

    @Override
    public @Nullable String parentRunId() {
      return null;
    }

    @Override
    public void endAll(RunStatus status) {}
  }
}
