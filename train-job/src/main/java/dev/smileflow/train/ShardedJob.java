package dev.smileflow.train;

import dev.smileflow.bundle.ModelBundle;
import dev.smileflow.mlflow.RunStatus;
import dev.smileflow.train.data.Split;
import dev.smileflow.train.search.SearchResult;
import dev.smileflow.train.search.Shard;
import dev.smileflow.train.tracking.IncompleteShardsException;
import dev.smileflow.train.tracking.JobExecution;
import dev.smileflow.train.tracking.MlflowTracker;
import dev.smileflow.train.tracking.RunRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The search shared by parallel tasks ({@code --shard I/N}, on Cloud Run one job task each),
 * coordinated through MLflow alone ({@link JobExecution}). Every task loads the same data and plans
 * the same search ({@link #planDigest}, checked through the parent run's write-once param); shard 0
 * creates the parent run, the others wait for it; each cross-validates its share ({@link
 * Shard#deal}) and logs it as nested runs; the task that finds every share logged claims the
 * selection and, like {@code train-job select}, reads the candidates back, picks the winner by the
 * same rule as one process and goes on with {@link TrainJob#conclude}.
 */
final class ShardedJob {
  private static final Logger log = LoggerFactory.getLogger(ShardedJob.class);

  /** Parent-run param holding the number of shards, so {@code select} needs no {@code --shard}. */
  static final String SHARDS_PARAM = "shards";

  /** How often a task waiting on another looks again. */
  private static final long POLL_MILLIS = 500;

  private final JobConfig config;
  private final TrainJob steps;
  private final MlflowTracker tracker;
  private final JobExecution execution;
  private final Cancellation cancel;

  ShardedJob(
      JobConfig config,
      TrainJob steps,
      MlflowTracker tracker,
      JobExecution execution,
      Cancellation cancel) {
    this.config = config;
    this.steps = steps;
    this.tracker = tracker;
    this.execution = execution;
    this.cancel = cancel;
  }

  /**
   * What a task did.
   *
   * @param shard the shard it ran, or null for {@code select}
   * @param share how many candidates its share holds
   * @param evaluated how many of them it cross-validated (the rest an earlier attempt had logged)
   * @param selector who selects the winner, once known
   * @param selected the job's result when this task selected the winner
   */
  record Outcome(
      @Nullable Shard shard,
      String jobId,
      String parentRunId,
      int share,
      int evaluated,
      @Nullable String selector,
      TrainJob.@Nullable Result selected) {
    Outcome selectedBy(String selector, TrainJob.@Nullable Result selected) {
      return new Outcome(shard, jobId, parentRunId, share, evaluated, selector, selected);
    }
  }

  /** Runs one shard; selects the winner when it finds every shard done. */
  Outcome shard(Shard shard) {
    return steps.guarded(() -> shardSteps(shard, System.nanoTime()));
  }

  private Outcome shardSteps(Shard shard, long start) {
    TrainJob.Prepared p = steps.prepare();
    String parentId = join(shard, p);
    List<Integer> share = deal(p.plan(), shard.count()).get(shard.index());
    Set<Integer> logged = execution.resume(parentId, shard);
    List<Integer> todo = share.stream().filter(i -> !logged.contains(i)).toList();
    log.info(
        "{}: cross-validating {} of the {} candidates{}",
        shard.label(),
        todo.size(),
        p.plan().candidates().size(),
        logged.isEmpty() ? "" : " (" + logged.size() + " logged by an earlier attempt)");
    tracker.logShardCandidates(steps.crossValidate(p.plan(), todo), shard);
    execution.markDone(parentId, shard, share.size());
    String jobId = execution.jobId();
    Outcome outcome = new Outcome(shard, jobId, parentId, share.size(), todo.size(), null, null);
    if (execution.doneShards(parentId, shard.count()).size() < shard.count()) {
      log.info("{}: share logged; the last shard to finish selects the winner", shard.label());
      return outcome;
    }
    String me = "shard-" + shard.index();
    if (execution.status(parentId) == RunStatus.FINISHED) {
      String selector = execution.param(parentId, RunRecord.SELECTOR_PARAM).orElse("?");
      log.info(
          "{}: job {} is done already; {} selected the winner", shard.label(), jobId, selector);
      return outcome.selectedBy(selector, null);
    }
    if (!execution.claim(parentId, RunRecord.SELECTOR_PARAM, me)) {
      String holder = execution.param(parentId, RunRecord.SELECTOR_PARAM).orElse("?");
      log.info("{}: every shard is done; {} selects the winner", shard.label(), holder);
      return outcome.selectedBy(holder, null);
    }
    log.info("{}: every shard is done; this task selects the winner", shard.label());
    return outcome.selectedBy(me, select(start, p, parentId, shard.count()));
  }

  /**
   * {@code train-job select}: waits until every shard of the job has logged its share, then selects
   * the winner, unless a shard has claimed that already: then it waits for the parent run to end
   * and reports what it holds.
   */
  Outcome select() {
    return steps.guarded(() -> selectSteps(System.nanoTime()));
  }

  private Outcome selectSteps(long start) {
    Instant deadline = Instant.now().plus(config.waitTimeout());
    TrainJob.Prepared p = steps.prepare();
    String jobId = execution.jobId();
    String parentId = awaitParent(deadline, "shard 1");
    tracker.attachParent(parentId);
    int count = awaitShardCount(parentId, deadline);
    checkPlan(parentId, p, count, "select");
    Outcome outcome = new Outcome(null, jobId, parentId, 0, 0, null, null);
    if (execution.status(parentId) == RunStatus.FINISHED) {
      return outcome.selectedBy(
          execution.param(parentId, RunRecord.SELECTOR_PARAM).orElse("?"), null);
    }
    awaitShards(parentId, p.plan(), count, deadline);
    if (!execution.claim(parentId, RunRecord.SELECTOR_PARAM, "select")) {
      String holder = execution.param(parentId, RunRecord.SELECTOR_PARAM).orElse("?");
      log.info("{} selects the winner of job {}; waiting for it to finish", holder, jobId);
      awaitEnd(parentId, holder, deadline);
      return outcome.selectedBy(holder, null);
    }
    return outcome.selectedBy("select", select(start, p, parentId, count));
  }

  private TrainJob.Result select(long start, TrainJob.Prepared p, String parentId, int count) {
    tracker.ownParent();
    List<List<Integer>> deal = deal(p.plan(), count);
    List<JobExecution.Candidate> read =
        execution.candidates(
            parentId, p.plan().candidates(), config.folds(), i -> shardOf(deal, i).label());
    SearchResult search =
        SearchResult.of(
            read.stream().map(JobExecution.Candidate::result).toList(),
            config.metric(),
            config.folds());
    log.info(
        "winner of {} candidates from {} shards: {}",
        read.size(),
        count,
        search.winner().spec().label());
    return steps.conclude(
        start,
        p,
        search,
        refit -> tracker.markWinner(read.get(refit.winner().index()).runId(), refit.holdout()));
  }

  /**
   * The parent run: shard 0 finds or creates it (tagged with the job id, with the shard count as a
   * param) and records the data set; the others wait for it. Every shard then checks its plan
   * against the parent's and leaves the parent open for the others.
   */
  private String join(Shard shard, TrainJob.Prepared p) {
    Instant deadline = Instant.now().plus(config.waitTimeout());
    String parentId;
    if (shard.index() == 0) {
      String found = execution.findParent().orElse(null);
      if (found == null) {
        steps.startRun(p, Map.of(RunRecord.JOB_ID_TAG, execution.jobId()));
        parentId =
            Objects.requireNonNull(
                tracker.parentRunId(), "startRun has just started the parent run");
      } else {
        log.info("{}: continuing parent run {}", shard.label(), found);
        tracker.attachParent(found);
        parentId = found;
      }
      tracker.shareParent();
      if (!execution.claim(parentId, SHARDS_PARAM, Integer.toString(shard.count()))) {
        throw new UsageException(
            "job %s was started with %s shards, not %s; use a new --job-id"
                .formatted(
                    execution.jobId(),
                    shardCount(execution.param(parentId, SHARDS_PARAM)),
                    shard.count()));
      }
      steps.recordData(p.rows(), p.work());
    } else {
      parentId = awaitParent(deadline, "shard 1/" + shard.count());
      tracker.attachParent(parentId);
    }
    checkPlan(parentId, p, shard.count(), shard.label());
    return parentId;
  }

  /** The id of the parent run, which {@code creator} creates, waited for until {@code deadline}. */
  private String awaitParent(Instant deadline, String creator) {
    return poll(execution::findParent, Optional::isPresent, deadline)
        .orElseThrow(() ->
            new IncompleteShardsException(
                String.format(
                    "no run tagged %s=%s appeared in time; %s creates it: did it start, and with"
                        + " the same MLFLOW_EXPERIMENT_NAME?",
                    RunRecord.JOB_ID_TAG, execution.jobId(), creator)));
  }

  private void checkPlan(String parentId, TrainJob.Prepared p, int count, String who) {
    String digest = planDigest(p, count);
    if (!execution.claim(parentId, RunRecord.PLAN_PARAM, digest)) {
      String held = execution.param(parentId, RunRecord.PLAN_PARAM).orElse("?");
      throw new UsageException(
          String.format(
              "%s planned a different search than job %s (plan %s, the parent run's %s): every"
                  + " task needs the same data, settings and seed",
              who, execution.jobId(), digest, held));
    }
  }

  private static int shardCount(Optional<String> param) {
    String value = param.orElse("");
    return value.matches("\\d{1,4}") ? Integer.parseInt(value) : 0;
  }

  /** The job's number of shards, which shard 0 logs just after creating the parent run. */
  private int awaitShardCount(String parentId, Instant deadline) {
    int count =
        poll(() -> shardCount(execution.param(parentId, SHARDS_PARAM)), c -> c > 0, deadline);
    if (count == 0) {
      throw new IncompleteShardsException(
          "parent run %s has no '%s' param: did shard 1 fail?".formatted(parentId, SHARDS_PARAM));
    }
    return count;
  }

  /** Waits until every shard has logged its share; at the deadline names those that have not. */
  private void awaitShards(String parentId, TrainJob.Plan plan, int count, Instant deadline) {
    Set<Integer> done =
        poll(() -> execution.doneShards(parentId, count), d -> d.size() == count, deadline);
    if (done.size() == count) {
      return;
    }
    List<List<Integer>> deal = deal(plan, count);
    Map<String, Integer> logged = execution.loggedByShard(parentId);
    List<String> missing = new ArrayList<>();
    for (int s = 0; s < count; s++) {
      if (!done.contains(s)) {
        int have = logged.getOrDefault(s + "/" + count, 0);
        missing.add(
            new Shard(s, count).label()
                + " ("
                + (have == 0 ? "nothing" : have + " of " + deal.get(s).size() + " candidates")
                + " logged)");
      }
    }
    throw new IncompleteShardsException(
        "job %s: %s did not finish within %s s; rerun those tasks, then select again"
            .formatted(
                execution.jobId(), String.join(", ", missing), config.waitTimeout().toSeconds()));
  }

  /** Waits for the parent run to end (another task selects); fails unless it ends FINISHED. */
  private void awaitEnd(String parentId, String holder, Instant deadline) {
    RunStatus status = poll(() -> execution.status(parentId), RunStatus::terminal, deadline);
    if (status != RunStatus.FINISHED) {
      throw new IncompleteShardsException(
          "%s claimed the selection of job %s but its parent run is %s; rerun that task"
              .formatted(holder, execution.jobId(), status));
    }
    log.info(
        "job {} selected {} (version {})",
        execution.jobId(),
        execution.tag(parentId, RunRecord.WINNER_TAG).orElse("?"),
        execution.tag(parentId, RunRecord.VERSION_TAG).orElse("none"));
  }

  /**
   * Asks {@code probe} until its answer is {@code done} or {@code deadline} passes: the last
   * answer. Every wait of a sharded job on another task is this loop.
   */
  private <T> T poll(Supplier<T> probe, Predicate<T> done, Instant deadline) {
    while (true) {
      T answer = probe.get();
      if (done.test(answer) || Instant.now().isAfter(deadline)) {
        return answer;
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new JobInterruptedException("interrupted while waiting for the other shards");
      }
      cancel.check("waiting for the other shards");
    }
  }

  private static List<List<Integer>> deal(TrainJob.Plan plan, int count) {
    return Shard.deal(
        plan.candidates(), count, plan.rows().rows(), plan.rows().featureNames().size());
  }

  private static Shard shardOf(List<List<Integer>> deal, int candidate) {
    for (int s = 0; s < deal.size(); s++) {
      if (deal.get(s).contains(candidate)) {
        return new Shard(s, deal.size());
      }
    }
    throw new IllegalArgumentException("candidate " + candidate + " is in no share");
  }

  /**
   * The fingerprint of what every task must compute alike: the data (its digest, features and
   * classes), the hold-out and search rows, the CV folds, the candidates, the metric and the number
   * of shards.
   */
  private String planDigest(TrainJob.Prepared p, int count) {
    TrainJob.Rows rows = p.rows();
    List<Object> parts =
        new ArrayList<>(
            List.of(
                rows.all().digest(),
                rows.all().featureNames(),
                rows.all().classes(),
                rows.train().rows() + "/" + rows.test().rows() + "/" + p.plan().rows().rows(),
                config.seed(),
                config.metric().key(),
                count));
    for (int[] fold : Split.folds(p.plan().rows().y(), config.folds(), config.seed())) {
      parts.add(Arrays.toString(fold));
    }
    p.plan().candidates().forEach(c -> parts.add(c.label()));
    String text = parts.stream().map(String::valueOf).collect(Collectors.joining("|"));
    return ModelBundle.sha256(text.getBytes(StandardCharsets.UTF_8)).substring(0, 16);
  }
}
