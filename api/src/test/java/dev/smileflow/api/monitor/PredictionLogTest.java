package dev.smileflow.api.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smileflow.api.metrics.ApiMetrics;
import dev.smileflow.bundle.LoadedModel;
import dev.smileflow.bundle.ModelBundle;
import dev.smileflow.bundle.testing.TestBundles;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictionLogTest {
  @TempDir static Path dir;
  static LoadedModel model;

  @BeforeAll
  static void load() throws Exception {
    model = ModelBundle.load(TestBundles.writeIris(dir.resolve("iris"), "logistic"));
  }

  static ServedRow row(String requestId, Map<String, ?> features) {
    return new ServedRow(
        Instant.parse("2026-11-30T12:00:00Z"),
        requestId,
        "iris-classifier",
        "7",
        model,
        features,
        "Iris-setosa",
        0.97);
  }

  private static double counter(ApiMetrics metrics, String name) {
    return metrics
        .scrape()
        .lines()
        .filter(l -> l.startsWith(name + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(name.length() + 1)))
        .findFirst()
        .orElseThrow(() -> new AssertionError(name + " not in /metrics"));
  }

  @Test
  void everyServedRowBecomesOneJsonLineWithTheDocumentedFieldsAndCloseFlushesThem()
      throws Exception {
    var out = new ByteArrayOutputStream();
    var metrics = new ApiMetrics();
    var log = new PredictionLog(out, 1.0, metrics, 100);
    Map<String, Object> features = new LinkedHashMap<>();
    features.put("sepal_length", 5.1);
    features.put("sepal_width", 3);
    features.put("petal_length", 1.4);
    features.put("petal_width", null);
    features.put("plant_id", "p-1");
    for (int i = 0; i < 5; i++) {
      log.served(row("req-" + i, features));
    }
    log.close(Duration.ofSeconds(10));
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(5, lines.size(), out.toString(StandardCharsets.UTF_8));
    JsonNode first = new ObjectMapper().readTree(lines.getFirst());
    assertEquals(
        List.of(
            "time",
            "request_id",
            "model_name",
            "model_version",
            "features",
            "pred_label",
            "pred_confidence"),
        iterableToList(first.fieldNames()));
    assertEquals("2026-11-30T12:00:00Z", first.get("time").asText());
    assertEquals("req-0", first.get("request_id").asText());
    assertEquals("iris-classifier", first.get("model_name").asText());
    assertEquals("7", first.get("model_version").asText());
    assertEquals(
        "{\"sepal_length\":5.1,\"sepal_width\":3,\"petal_length\":1.4,\"petal_width\":null,"
            + "\"plant_id\":\"p-1\"}",
        first.get("features").toString());
    assertEquals("Iris-setosa", first.get("pred_label").asText());
    assertEquals(0.97, first.get("pred_confidence").asDouble());
    assertEquals(5.0, counter(metrics, "model_prediction_log_written_total"));
    assertEquals(0.0, counter(metrics, "model_prediction_log_dropped_total"));
  }

  /** A stream whose first write blocks until released: a disk that has stalled. */
  private static final class StalledDisk extends OutputStream {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      entered.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      bytes.write(b, off, len);
    }
  }

  @Test
  void aStalledDiskDropsAndCountsRowsButNeverHoldsUpTheCaller() throws Exception {
    var disk = new StalledDisk();
    var metrics = new ApiMetrics();
    var log = new PredictionLog(disk, 1.0, metrics, 4);
    // The first row is flushed once the writer is idle, and the flush stalls on the disk.
    log.served(row("first", TestBundles.setosa()));
    assertTrue(disk.entered.await(10, TimeUnit.SECONDS), "the writer reached the disk");
    for (int i = 0; i < 20; i++) {
      log.served(row("r" + i, TestBundles.setosa()));
    }
    assertEquals(16.0, counter(metrics, "model_prediction_log_dropped_total"));
    disk.release.countDown();
    log.close(Duration.ofSeconds(10));
    assertEquals(5, disk.bytes.toString(StandardCharsets.UTF_8).lines().count());
    assertEquals(5.0, counter(metrics, "model_prediction_log_written_total"));
  }

  private static List<String> iterableToList(java.util.Iterator<String> it) {
    var out = new java.util.ArrayList<String>();
    it.forEachRemaining(out::add);
    return out;
  }
}
