package dev.smileflow.train.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smileflow.train.search.Evaluation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportsTest {
  @TempDir Path dir;

  @Test
  void writesPngPlotsAndAReportWithPerClassScores() throws Exception {
    Evaluation e =
        new Evaluation(
            2,
            new int[] {0, 0, 1, 1},
            new int[] {0, 1, 1, 1},
            new double[][] {{0.9, 0.1}, {0.4, 0.6}, {0.2, 0.8}, {0.1, 0.9}});
    List<Path> files = Reports.write(dir, e, List.of("no", "yes"), "test");
    assertEquals(4, files.size());
    byte[] png = Files.readAllBytes(dir.resolve(Reports.CONFUSION_PNG));
    assertEquals((byte) 0x89, png[0]);
    assertEquals('P', png[1]);
    assertTrue(Files.size(dir.resolve(Reports.ROC_PNG)) > 1000);
    String text = Files.readString(dir.resolve(Reports.REPORT_TXT));
    assertTrue(text.contains("         no      1.000      0.500      0.667          2"), text);
    assertTrue(text.contains("accuracy"), text);
    JsonNode json = new ObjectMapper().readTree(Files.readString(dir.resolve(Reports.REPORT_JSON)));
    assertEquals(2.0 / 3, json.path("classes").path("yes").path("precision").asDouble(), 1e-9);
    assertEquals(2, json.path("classes").path("no").path("support").asInt());
    assertEquals(0.75, json.path("accuracy").asDouble(), 1e-9);
  }
}
