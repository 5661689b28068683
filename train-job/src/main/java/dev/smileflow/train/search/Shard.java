package dev.smileflow.train.search;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;

/**
 * One of {@code count} parallel tasks sharing a search ({@code --shard I/N}, 0-based {@code I}),
 * and the rule that deals the candidates to them: balanced by {@link #cost expected cost}, not by
 * count alone, and a pure function of the candidate list, so every task computes the same deal.
 */
public record Shard(int index, int count) {
  public Shard {
    if (count < 1 || index < 0 || index >= count) {
      throw new IllegalArgumentException(
          "a shard is I/N with 0 <= I < N, got " + index + "/" + count);
    }
  }

  /** Parses {@code I/N}. */
  public static Shard parse(String text) {
    String[] parts = text.trim().split("/", -1);
    try {
      if (parts.length == 2) {
        return new Shard(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("--shard must be I/N, e.g. 0/4, got '" + text + "'");
  }

  /**
   * The shard Cloud Run gives a job task ({@code CLOUD_RUN_TASK_INDEX} of {@code
   * CLOUD_RUN_TASK_COUNT}), or null outside a job with more than one task.
   */
  public static @Nullable Shard fromCloudRun(Map<String, String> env) {
    String count = env.get("CLOUD_RUN_TASK_COUNT");
    String index = env.get("CLOUD_RUN_TASK_INDEX");
    if (count == null || index == null || count.isBlank() || index.isBlank()) {
      return null;
    }
    Shard shard = parse(index + "/" + count);
    return shard.count() > 1 ? shard : null;
  }

  /** {@code I+1/N} as people count: "shard 2/3" is the second of three. */
  public String label() {
    return "shard " + (index + 1) + "/" + count;
  }

  /**
   * Deals candidate indexes to {@code shards} by expected cost: the most expensive first, each to
   * the shard with the least cost so far (the lowest index among equals). Each share is ascending.
   */
  public static List<List<Integer>> deal(
      List<ModelSpec> candidates, int shards, int rows, int features) {
    double[] cost = candidates.stream().mapToDouble(c -> cost(c, rows, features)).toArray();
    List<Integer> order =
        IntStream.range(0, candidates.size())
            .boxed()
            .sorted(Comparator.<Integer>comparingDouble(i -> -cost[i]).thenComparing(i -> i))
            .toList();
    double[] load = new double[shards];
    List<List<Integer>> out = new ArrayList<>();
    for (int s = 0; s < shards; s++) {
      out.add(new ArrayList<>());
    }
    for (int candidate : order) {
      int lightest = 0;
      for (int s = 1; s < shards; s++) {
        if (load[s] < load[lightest]) {
          lightest = s;
        }
      }
      load[lightest] += cost[candidate];
      out.get(lightest).add(candidate);
    }
    out.forEach(share -> share.sort(Comparator.naturalOrder()));
    return out.stream().map(List::copyOf).toList();
  }

  /**
   * A relative estimate of the time to cross-validate {@code spec} on {@code rows} rows of {@code
   * features} encoded features, from each algorithm's textbook complexity: only the ratios between
   * candidates matter.
   */
  static double cost(ModelSpec spec, int rows, int features) {
    double n = Math.max(rows, 2);
    double d = Math.max(features, 1);
    double log = Math.log(n) / Math.log(2);
    return switch (spec) {
      case ModelSpec.Logistic l -> n * d * 50;
      case ModelSpec.Svm s -> n * n * d * Math.max(1, Math.log10(s.c()) + 1);
      case ModelSpec.RandomForestSpec f ->
          f.trees()
              * n
              * (f.mtry() == 0 ? Math.sqrt(d) : Math.min(f.mtry(), d))
              * Math.min(f.maxDepth(), log);
      case ModelSpec.GradientBoosting g ->
          g.trees() * n * d * Math.log(Math.max(g.maxNodes(), 2)) / Math.log(2);
      case ModelSpec.DecisionTreeSpec t -> n * d * Math.min(t.maxDepth(), log);
      case ModelSpec.Knn k -> n * n * d / 5;
      case ModelSpec.NaiveBayesSpec b -> n * d;
      case ModelSpec.Lda l -> n * d * d + d * d * d;
    };
  }
}
