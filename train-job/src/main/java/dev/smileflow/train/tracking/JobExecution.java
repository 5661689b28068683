package dev.smileflow.train.tracking;

import dev.smileflow.mlflow.MlflowClient;
import dev.smileflow.mlflow.Run;
import dev.smileflow.mlflow.RunSearch;
import dev.smileflow.mlflow.RunStatus;
import dev.smileflow.train.search.CandidateResult;
import dev.smileflow.train.search.ModelSpec;
import dev.smileflow.train.search.Shard;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One execution of a sharded search as MLflow records it, which is all the shards share: a parent
 * run tagged {@value RunRecord#JOB_ID_TAG}, the shards' candidates as its nested runs, one {@code
 * smileflow.shard.<i>.done} tag per shard that has logged its share, and two write-once params: the
 * plan every shard must compute alike ({@value RunRecord#PLAN_PARAM}) and who selects the winner
 * ({@value RunRecord#SELECTOR_PARAM}). No queue, lock or scheduler besides the tracking server.
 */
public final class JobExecution {
  private static final Logger log = LoggerFactory.getLogger(JobExecution.class);

  /** Job ids go into a search filter: a Cloud Run execution name or a similar plain token. */
  private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,199}");

  private final MlflowClient client;
  private final String experimentId;
  private final String jobId;

  public JobExecution(MlflowClient client, String experimentName, String jobId) {
    requireJobId(jobId);
    this.client = client;
    this.experimentId = client.tracking().getOrCreateExperiment(experimentName).experimentId();
    this.jobId = jobId;
  }

  /** Throws {@link IllegalArgumentException} unless {@code jobId} is a usable job id. */
  public static void requireJobId(String jobId) {
    if (!JOB_ID.matcher(jobId).matches()) {
      throw new IllegalArgumentException(
          "--job-id must be 1-200 letters, digits, '.', '_', ':' or '-' starting with a letter or"
              + " digit, got '"
              + jobId
              + "'");
    }
  }

  public String jobId() {
    return jobId;
  }

  /** The id of the job's parent run; the earliest when more than one has the job id. */
  public Optional<String> findParent() {
    List<Run> runs =
        client
            .tracking()
            .searchAllRuns(
                RunSearch.of(experimentId, "tags.`" + RunRecord.JOB_ID_TAG + "` = '" + jobId + "'")
                    .orderBy(List.of("attributes.start_time ASC")));
    if (runs.size() > 1) {
      log.warn(
          "{} runs carry {}={}; the earliest, {}, is the job's parent",
          runs.size(),
          RunRecord.JOB_ID_TAG,
          jobId,
          runs.getFirst().runId());
    }
    return runs.stream().findFirst().map(Run::runId);
  }

  /**
   * Claims {@code value} for the write-once param {@code key} of the parent: true when the parent
   * holds this value (now or from an earlier call), false when it holds another.
   */
  public boolean claim(String parentId, String key, String value) {
    return client.tracking().claimParam(parentId, key, value);
  }

  /** The parent run's status, read fresh. */
  public RunStatus status(String parentId) {
    return reload(parentId).info().status();
  }

  /** A param of the parent run, read fresh. */
  public Optional<String> param(String parentId, String key) {
    return reload(parentId).data().param(key);
  }

  /** A tag of the parent run, read fresh. */
  public Optional<String> tag(String parentId, String key) {
    return reload(parentId).data().tag(key);
  }

  private Run reload(String parentId) {
    return client.tracking().getRun(parentId);
  }

  /** Records that {@code shard} has logged every candidate of its share. */
  public void markDone(String parentId, Shard shard, int candidates) {
    client
        .tracking()
        .setTag(
            parentId,
            RunRecord.shardDoneTag(shard.index()),
            candidates + " candidates, " + Instant.now());
  }

  /** The 0-based indexes of the shards (of {@code count}) that have logged their share. */
  public Set<Integer> doneShards(String parentId, int count) {
    Run fresh = reload(parentId);
    Set<Integer> done = new TreeSet<>();
    for (int i = 0; i < count; i++) {
      if (fresh.data().tag(RunRecord.shardDoneTag(i)).isPresent()) {
        done.add(i);
      }
    }
    return done;
  }

  /** The parent's active nested runs. */
  private List<Run> nestedRuns(String parentId) {
    return client
        .tracking()
        .searchAllRuns(RunSearch.of(experimentId, "tags.mlflow.parentRunId = '" + parentId + "'"));
  }

  /**
   * Whether a candidate's run was logged to the end: FINISHED, or FAILED with the candidate's own
   * failure reason. A run left RUNNING, or ended by a task that died or was interrupted, was not.
   */
  private static boolean complete(Run run) {
    RunStatus status = run.info().status();
    return status == RunStatus.FINISHED
        || (status == RunStatus.FAILED
            && run.data().tag(RunRecord.CANDIDATE_FAILURE_TAG).isPresent());
  }

  /**
   * A retried shard's clean-up: deletes the runs an earlier attempt of {@code shard} left
   * incomplete and returns the candidate indexes it logged completely (those are not redone).
   */
  public Set<Integer> resume(String parentId, Shard shard) {
    Set<Integer> logged = new TreeSet<>();
    String mine = RunRecord.shardTags(shard).get(RunRecord.SHARD_TAG);
    for (Run run : nestedRuns(parentId)) {
      if (!run.data().tag(RunRecord.SHARD_TAG).orElse("").equals(mine)) {
        continue;
      }
      Optional<Integer> index = run.data().tag(RunRecord.CANDIDATE_INDEX_TAG).map(Integer::valueOf);
      if (complete(run) && index.isPresent() && logged.add(index.get())) {
        continue;
      }
      log.info(
          "{}: deleting run {} ({}), left {} by an earlier attempt",
          shard.label(),
          run.runId(),
          run.info().runName(),
          run.info().status());
      client.tracking().deleteRun(run.runId());
    }
    return logged;
  }

  /** How many candidates each shard ({@code I/N}) has logged completely so far. */
  public Map<String, Integer> loggedByShard(String parentId) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (Run run : nestedRuns(parentId)) {
      if (complete(run)) {
        counts.merge(run.data().tag(RunRecord.SHARD_TAG).orElse("?"), 1, Integer::sum);
      }
    }
    return counts;
  }

  /** A candidate read back, and the id of the run it was read from. */
  public record Candidate(CandidateResult result, String runId) {}

  /**
   * Every candidate of the plan read back from the parent's complete nested runs, in index order.
   *
   * @param shardOf names the shard that owns a candidate index, for the error about a missing one
   * @throws IncompleteShardsException naming the shards whose candidates are missing
   */
  public List<Candidate> candidates(
      String parentId, List<ModelSpec> plan, int folds, Function<Integer, String> shardOf) {
    Map<Integer, Candidate> byIndex = new TreeMap<>();
    List<Run> runs = new ArrayList<>(nestedRuns(parentId));
    runs.sort(
        Comparator.comparingLong(
                (Run r) -> r.info().startTime() == null ? 0L : r.info().startTime())
            .thenComparing(Run::runId));
    for (Run run : runs) {
      if (!complete(run)) {
        continue;
      }
      CandidateResult c = RunRecord.candidate(run, plan, folds);
      byIndex.putIfAbsent(c.index(), new Candidate(c, run.runId()));
    }
    Set<String> missing = new TreeSet<>();
    for (int i = 0; i < plan.size(); i++) {
      if (!byIndex.containsKey(i)) {
        missing.add(shardOf.apply(i));
      }
    }
    if (!missing.isEmpty()) {
      throw new IncompleteShardsException(
          "candidates are missing from " + String.join(", ", missing) + " of job " + jobId);
    }
    // RunRecord.candidate admits only the plan's indexes: the map holds exactly 0..size-1, in order
    return List.copyOf(byIndex.values());
  }
}
