package dev.smileflow.mlflow;

import java.util.ArrayList;
import java.util.List;

/** One {@code runs/log-batch} call's worth of entities, within MLflow's per-call limits. */
record Batch(List<Metric> metrics, List<Param> params, List<Tag> tags) {

  int size() {
    return metrics.size() + params.size() + tags.size();
  }

  /** Splits the entities, keeping their order per type, into batches within MLflow's limits. */
  static List<Batch> split(List<Metric> metrics, List<Param> params, List<Tag> tags) {
    List<Batch> out = new ArrayList<>();
    int mi = 0;
    int pi = 0;
    int ti = 0;
    while (mi < metrics.size() || pi < params.size() || ti < tags.size()) {
      int room = Tracking.MAX_ENTITIES_PER_BATCH;
      int np = Math.min(Math.min(params.size() - pi, Tracking.MAX_PARAMS_TAGS_PER_BATCH), room);
      room -= np;
      int nt = Math.min(Math.min(tags.size() - ti, Tracking.MAX_PARAMS_TAGS_PER_BATCH), room);
      room -= nt;
      int nm = Math.min(Math.min(metrics.size() - mi, Tracking.MAX_METRICS_PER_BATCH), room);
      out.add(
          new Batch(
              List.copyOf(metrics.subList(mi, mi + nm)),
              List.copyOf(params.subList(pi, pi + np)),
              List.copyOf(tags.subList(ti, ti + nt))));
      mi += nm;
      pi += np;
      ti += nt;
    }
    return out;
  }
}
