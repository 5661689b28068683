package dev.smileflow.train.search;

import static java.util.Objects.requireNonNull;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ShardTest {
  private static final List<ModelSpec> GRID =
      SearchSpace.defaults(List.of(Algorithm.values())).grid();

  @Test
  void parsesIOfNAndNamesItAsPeopleCount() {
    Shard shard = Shard.parse(" 2/4 ");
    assertEquals(new Shard(2, 4), shard);
    assertEquals("shard 3/4", shard.label());
  }

  @ParameterizedTest
  @ValueSource(strings = {"4/4", "-1/3", "a/b", "3", "1/0", "1/2/3", ""})
  void refusesWhatIsNotAShard(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Shard.parse(text));
    String message = requireNonNull(e.getMessage(), "a refusal says why");
    assertTrue(message.contains("I/N"), message);
  }

  @Test
  void cloudRunTaskVariablesMakeAShardOnlyInAJobOfSeveralTasks() {
    assertEquals(
        new Shard(1, 3),
        Shard.fromCloudRun(Map.of("CLOUD_RUN_TASK_INDEX", "1", "CLOUD_RUN_TASK_COUNT", "3")));
    assertNull(
        Shard.fromCloudRun(Map.of("CLOUD_RUN_TASK_INDEX", "0", "CLOUD_RUN_TASK_COUNT", "1")));
    assertNull(Shard.fromCloudRun(Map.of()));
  }

  @Test
  void everyCandidateIsDealtToExactlyOneShardTheSameWayEveryTime() {
    for (int shards : List.of(1, 2, 3, 4, 7, GRID.size() + 3)) {
      List<List<Integer>> deal = Shard.deal(GRID, shards, 500, 13);
      assertEquals(deal, Shard.deal(GRID, shards, 500, 13), "deterministic");
      assertEquals(shards, deal.size());
      List<Integer> all = new ArrayList<>();
      deal.forEach(all::addAll);
      assertEquals(
          IntStream.range(0, GRID.size()).boxed().toList(), all.stream().sorted().toList());
      for (List<Integer> share : deal) {
        assertEquals(share.stream().sorted().toList(), share, "each share is ascending");
      }
    }
  }

  @Test
  void sharesAreBalancedByExpectedCostNotByCount() {
    List<ModelSpec> candidates =
        List.of(
            new ModelSpec.Svm(10, 1),
            new ModelSpec.NaiveBayesSpec(1e-9),
            new ModelSpec.NaiveBayesSpec(1e-8),
            new ModelSpec.NaiveBayesSpec(1e-7),
            new ModelSpec.NaiveBayesSpec(1e-6));
    assertEquals(List.of(List.of(0), List.of(1, 2, 3, 4)), Shard.deal(candidates, 2, 5000, 20));
  }

  @Test
  void theDefaultGridsCostIsSpreadEvenly() {
    int shards = 3;
    List<List<Integer>> deal = Shard.deal(GRID, shards, 5000, 20);
    double[] load = new double[shards];
    for (int s = 0; s < shards; s++) {
      for (int c : deal.get(s)) {
        load[s] += Shard.cost(GRID.get(c), 5000, 20);
      }
    }
    double max = Math.max(load[0], Math.max(load[1], load[2]));
    double min = Math.min(load[0], Math.min(load[1], load[2]));
    double biggest = GRID.stream().mapToDouble(c -> Shard.cost(c, 5000, 20)).max().orElseThrow();
    assertTrue(
        max - min <= biggest, "greedy dealing leaves at most one candidate's cost of imbalance");
  }
}
