package dev.smileflow.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BatchTest {

  static List<Metric> metrics(int n) {
    return IntStream.range(0, n).mapToObj(i -> Metric.of("m", i, i, i)).toList();
  }

  static List<Param> params(int n) {
    return IntStream.range(0, n).mapToObj(i -> new Param("p" + i, "v")).toList();
  }

  static List<Tag> tags(int n) {
    return IntStream.range(0, n).mapToObj(i -> new Tag("t" + i, "v")).toList();
  }

  @Test
  void everyBatchRespectsMlflowLimitsAndNothingIsLostOrReordered() {
    List<Batch> batches = Batch.split(metrics(2345), params(250), tags(130));
    List<Metric> allMetrics = new ArrayList<>();
    List<Param> allParams = new ArrayList<>();
    List<Tag> allTags = new ArrayList<>();
    for (Batch b : batches) {
      assertTrue(b.params().size() <= 100, "params " + b.params().size());
      assertTrue(b.tags().size() <= 100, "tags " + b.tags().size());
      assertTrue(b.metrics().size() <= 1000, "metrics " + b.metrics().size());
      assertTrue(b.size() <= 1000, "total " + b.size());
      assertTrue(b.size() > 0);
      allMetrics.addAll(b.metrics());
      allParams.addAll(b.params());
      allTags.addAll(b.tags());
    }
    assertEquals(metrics(2345), allMetrics);
    assertEquals(params(250), allParams);
    assertEquals(tags(130), allTags);
    assertEquals(3, batches.size());
  }

  @Test
  void smallBatchStaysOneCallAndEmptyInputGivesNoCall() {
    assertEquals(1, Batch.split(metrics(10), params(3), tags(2)).size());
    assertEquals(0, Batch.split(List.of(), List.of(), List.of()).size());
  }

  @Test
  void fullParamAndTagBatchesLeaveRoomOnlyForTheRestOfTheMetrics() {
    List<Batch> batches = Batch.split(metrics(1000), params(100), tags(100));
    assertEquals(800, batches.getFirst().metrics().size());
    assertEquals(1000, batches.getFirst().size());
    assertEquals(200, batches.get(1).metrics().size());
  }
}
