package dev.smileflow.api.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApiMetricsTest {

  private static List<String> modelInfo(String scrape) {
    return scrape.lines().filter(l -> l.startsWith("model_info{")).toList();
  }

  @Test
  void aScrapeWhileAModelInfoSeriesIsRemovedStillSeesTheServedVersion() {
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    List<String> scrapesAtRemoval = new ArrayList<>();
    try (var metrics = new ApiMetrics(registry)) {
      metrics.modelLoaded("iris", "1", "cache", false);
      registry
          .config()
          .onMeterRemoved(m -> {
            if (m.getId().getName().equals("model.info")) {
              scrapesAtRemoval.add(metrics.scrape());
            }
          });
      metrics.modelLoaded("iris", "1", "cache", true); // the same series once more
      metrics.modelLoaded("iris", "2", "registry", true);
      metrics.modelLoaded("iris", "3", "registry", true);

      for (String scrape : scrapesAtRemoval) {
        assertFalse(modelInfo(scrape).isEmpty(), "a scrape saw no model_info");
      }
      assertEquals(2, scrapesAtRemoval.size(), "one removal per version replaced");
      List<String> after = modelInfo(metrics.scrape());
      assertEquals(1, after.size(), after::toString);
      assertTrue(
          after
              .getFirst()
              .startsWith(
                  "model_info{model_name=\"iris\",model_version=\"3\",origin=\"registry\"} 1"),
          after::toString);
    }
  }
}
