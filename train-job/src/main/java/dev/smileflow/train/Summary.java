package dev.smileflow.train;

import dev.smileflow.train.data.ColumnDecision;
import dev.smileflow.train.data.Table;
import dev.smileflow.train.registry.PromotionGate;
import dev.smileflow.train.report.Slices;
import dev.smileflow.train.search.CandidateResult;
import dev.smileflow.train.search.Metric;
import dev.smileflow.train.tracking.RunRecord;
import dev.smileflow.train.tracking.StoredModel;
import dev.smileflow.train.validation.Finding;
import java.io.PrintWriter;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The job's human-readable output: the candidate table, the winner, the registry outcome and the
 * model URI.
 */
final class Summary {
  private Summary() {}

  /**
   * Prints what a task of a sharded search did: its share, then the whole summary when it selected
   * the winner.
   */
  static void print(PrintWriter out, ShardedJob.Outcome o, JobConfig c) {
    if (o.shard() != null) {
      out.printf(
          Locale.ROOT,
          "Job %s, %s: %d candidates in its share, %d cross-validated now; parent run %s%n",
          o.jobId(),
          o.shard().label(),
          o.share(),
          o.evaluated(),
          o.parentRunId());
    }
    if (o.selected() != null) {
      out.println();
      print(out, o.selected(), c);
    } else if (o.selector() == null) {
      out.println("Other shards are still running; the last one to finish selects the winner.");
    } else {
      out.printf(
          Locale.ROOT,
          "Job %s: the winner is selected by %s; see parent run %s.%n",
          o.jobId(),
          o.selector(),
          o.parentRunId());
    }
  }

  /** Prints the summary to stdout's writer. */
  static void print(PrintWriter out, TrainJob.Result r, JobConfig c) {
    Metric m = c.metric();
    TrainJob.Rows rows = r.prepared().rows();
    Table data = rows.all();
    out.printf(
        Locale.ROOT,
        "Data: %s  (%d rows: %d training, %d hold-out; %d features; classes %s)%n",
        data.source(),
        data.rows(),
        rows.train().rows(),
        rows.test().rows(),
        data.columns().size(),
        data.classes());
    for (ColumnDecision d : data.excluded()) {
      out.println("Excluded: column '" + d.column() + "': " + d.explanation());
    }
    for (Finding f : r.prepared().checks().findings()) {
      out.println("Warning: " + f.message());
    }
    for (String s : r.prepared().plan().skipped()) {
      out.println("Skipped: " + s);
    }
    out.printf(
        Locale.ROOT,
        "%nCandidates (%d-fold stratified CV, seed %d, ranked by %s):%n",
        r.search().folds(),
        c.seed(),
        m.key());
    int labelWidth =
        Math.max(
            24,
            r.search().candidates().stream()
                .mapToInt(x -> x.spec().label().length())
                .max()
                .orElse(0));
    out.printf(
        Locale.ROOT,
        "  %-4s %-" + labelWidth + "s %17s %17s %17s %9s%n",
        "#",
        "candidate",
        "accuracy",
        "f1_macro",
        "log_loss",
        "fit ms");
    List<CandidateResult> ranked =
        r.search().candidates().stream()
            .sorted(
                Comparator.comparing((CandidateResult x) -> !x.succeeded())
                    .thenComparingDouble(x -> m.higherIsBetter() ? -x.mean(m) : x.mean(m))
                    .thenComparingInt(CandidateResult::index))
            .toList();
    CandidateResult winner = r.search().winner();
    for (CandidateResult x : ranked) {
      if (!x.succeeded()) {
        out.printf(
            Locale.ROOT,
            "  %-4d %-" + labelWidth + "s failed: %s%n",
            x.index() + 1,
            x.spec().label(),
            x.failure());
        continue;
      }
      out.printf(
          Locale.ROOT,
          "%s %-4d %-" + labelWidth + "s %17s %17s %17s %9d%n",
          x.equals(winner) ? "*" : " ",
          x.index() + 1,
          x.spec().label(),
          pm(x, Metric.ACCURACY),
          pm(x, Metric.F1_MACRO),
          pm(x, Metric.LOG_LOSS),
          x.fitMillis());
    }
    out.printf(
        Locale.ROOT, "%nWinner: %s (CV %s %.4f)%n", winner.spec().label(), m.key(), winner.mean(m));
    Map<String, Double> holdout = r.refit().holdout();
    out.printf(
        Locale.ROOT,
        "Hold-out (%d rows): accuracy %.4f, f1_macro %.4f, log_loss %.4f%n",
        rows.test().rows(),
        holdout.get("accuracy"),
        holdout.get("f1_macro"),
        holdout.get("log_loss"));
    Slices slices = r.refit().slices();
    out.printf(
        Locale.ROOT,
        "Slices (%d, per categorical level and numeric quartile of the hold-out rows): %s%n",
        slices.slices().size(),
        slices.flagged().isEmpty() ? "none flagged" : slices.flagged().size() + " flagged");
    slices.flagged().forEach(f -> out.println("Flagged slice: " + slices.why(f)));
    if (c.dryRun()) {
      out.println("Dry run: nothing was written to MLflow. Model bundle: " + r.bundleDir());
    } else {
      out.println(
          "MLflow run: "
              + r.runId()
              + switch (r.model()) {
                case StoredModel.Logged l -> "  logged model: " + l.modelId();
                case StoredModel.RunArtifacts a -> "  model: " + a.runsUri();
                case StoredModel.Local l -> "  model: " + l.dir();
              });
      TrainJob.Registration registration = r.registration();
      String version = registration == null ? null : registration.version();
      PromotionGate.Decision d = registration == null ? null : registration.decision();
      out.printf(Locale.ROOT, "Registered: %s version %s%n", c.modelName(), version);
      if (d != null) {
        out.println((d.promote() ? "Promoted: " : "Not promoted: ") + d.reason());
      }
      if (d != null && d.promote()) {
        out.printf(Locale.ROOT, "Model URI: models:/%s@%s%n", c.modelName(), c.alias());
      } else {
        out.printf(
            Locale.ROOT,
            "Model URI: models:/%s/%s (production unchanged: models:/%s@%s)%n",
            c.modelName(),
            version,
            c.modelName(),
            c.alias());
      }
    }
    out.printf(Locale.ROOT, "Wall time: %.1f s%n", r.millis() / 1000.0);
    out.flush();
  }

  /** The run description ({@code mlflow.note.content}). */
  static String markdown(TrainJob.Result r, JobConfig c) {
    CandidateResult winner = r.search().winner();
    Table data = r.prepared().rows().all();
    Map<String, Double> holdout = r.refit().holdout();
    StringBuilder md = new StringBuilder();
    md.append(
        "**smileflow train-job** on `%s` (digest `%s`, %s rows)\n\n"
            .formatted(data.source(), data.digest(), data.rows()));
    md.append(
        "%s candidates, %s-fold stratified CV, selection by %s.%n%n"
            .formatted(r.search().candidates().size(), r.search().folds(), c.metric().key()));
    md.append(
        String.format(
            Locale.ROOT,
            "Winner: **%s**, CV %s %.4f; hold-out accuracy %.4f, macro F1 %.4f.%n%n",
            winner.spec().label(),
            c.metric().key(),
            winner.mean(c.metric()),
            holdout.get("accuracy"),
            holdout.get("f1_macro")));
    Slices slices = r.refit().slices();
    if (slices.flagged().isEmpty()) {
      md.append(
          "No slice of the hold-out rows is flagged (%s slices in `%s`).%n%n"
              .formatted(slices.slices().size(), RunRecord.SLICES_PATH));
    } else {
      md.append(
          "Slices of the hold-out rows worse than the whole (%s; all %s in `%s`):%n"
              .formatted(Slices.rules(), slices.slices().size(), RunRecord.SLICES_PATH));
      slices.flagged().forEach(f -> md.append("- ").append(slices.why(f)).append('\n'));
      md.append('\n');
    }
    TrainJob.Registration registration = r.registration();
    if (registration != null) {
      PromotionGate.Decision decision = registration.decision();
      md.append(
          "Registered `%s` version %s: %s (%s).\n"
              .formatted(
                  c.modelName(),
                  registration.version(),
                  decision.promote() ? "promoted to `@" + c.alias() + "`" : "not promoted",
                  decision.reason()));
    }
    if (!data.excluded().isEmpty()) {
      md.append("\nColumns left out of the features (`--keep` uses one anyway):\n");
      data.excluded()
          .forEach(d -> md.append("- `%s`: %s\n".formatted(d.column(), d.explanation())));
    }
    if (!r.prepared().checks().findings().isEmpty()) {
      md.append("\nValidation warnings:\n");
      r.prepared()
          .checks()
          .findings()
          .forEach(f -> md.append("- ").append(f.message()).append('\n'));
    }
    return md.toString();
  }

  private static String pm(CandidateResult x, Metric m) {
    return String.format(Locale.ROOT, "%.4f±%.4f", x.mean(m), x.std(m));
  }
}
