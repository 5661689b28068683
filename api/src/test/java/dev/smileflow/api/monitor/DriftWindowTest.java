package dev.smileflow.api.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smileflow.bundle.TrainingProfile;
import dev.smileflow.bundle.testing.TestBundles;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DriftWindowTest {
  private static final TrainingProfile IRIS = TestBundles.irisProfile();

  private static DriftReport.Feature feature(DriftReport r, String name) {
    return r.features().stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void theTrainingRowsThemselvesShowNoDrift() {
    var w = new DriftWindow(IRIS, 1000);
    TestBundles.iris().rows().forEach(w::add);
    DriftReport r = w.report();
    assertEquals("measured", r.status());
    assertEquals(150, r.windowRows());
    for (DriftReport.Feature f : r.features()) {
      assertEquals(150, f.rows());
      assertEquals(0.0, f.psi(), 1e-9, f.name());
      assertTrue(f.ksStatistic() < 0.02, f.toString());
      assertEquals(0L, f.outOfRangeRows());
      assertNull(f.unseenLevelRows());
      assertFalse(f.flagged());
    }
  }

  @Test
  void oneShiftedFeatureIsFlaggedAndCountedOutOfRangeWhileTheOthersAreNot() {
    var w = new DriftWindow(IRIS, 1000);
    for (Map<String, Object> row : TestBundles.iris().rows()) {
      var shifted = new HashMap<String, Object>(row);
      shifted.put("sepal_length", (Double) row.get("sepal_length") + 20);
      w.add(shifted);
    }
    DriftReport r = w.report();
    var sepal = feature(r, "sepal_length");
    assertTrue(sepal.psi() > DriftReport.PSI_THRESHOLD, sepal.toString());
    assertEquals(1.0, sepal.ksStatistic());
    assertEquals(150L, sepal.outOfRangeRows());
    assertTrue(sepal.flagged());
    var petal = feature(r, "petal_width");
    assertEquals(0.0, petal.psi(), 1e-9);
    assertFalse(petal.flagged());
  }

  @Test
  void theWindowKeepsOnlyTheLatestRowsAndFlagsNothingBeforeMinRows() {
    var w = new DriftWindow(IRIS, 120);
    List<Map<String, Object>> rows = TestBundles.iris().rows();
    for (int i = 0; i < 50; i++) {
      w.add(TestBundles.row(30, 3, 1, 0.2));
    }
    DriftReport early = w.report();
    assertEquals("collecting", early.status());
    assertEquals(100, early.minRows());
    assertFalse(feature(early, "sepal_length").flagged(), "50 rows flag nothing");
    assertTrue(feature(early, "sepal_length").psi() > DriftReport.PSI_THRESHOLD);
    // 150 unshifted rows push the 50 shifted ones out of a 120-row window
    rows.forEach(w::add);
    DriftReport later = w.report();
    assertEquals(120, later.windowRows());
    assertEquals(0L, feature(later, "sepal_length").outOfRangeRows());
  }

  @Test
  void missingValuesAreLeftOutOfTheFeaturesMeasures() {
    var w = new DriftWindow(IRIS, 10);
    var row = new HashMap<String, Object>(TestBundles.setosa());
    row.remove("petal_width");
    w.add(row);
    var petal = feature(w.report(), "petal_width");
    assertEquals(0, petal.rows());
    assertNull(petal.psi());
    assertEquals(1, feature(w.report(), "sepal_length").rows());
  }

  @Test
  void categoricalFeaturesCountUnseenLevelsAndComparePsiOverLevels() {
    var profile =
        new TrainingProfile(
            Map.of("colour", TrainingProfile.Categorical.of(Map.of("red", 50L, "blue", 50L))));
    var w = new DriftWindow(profile, 200);
    for (int i = 0; i < 100; i++) {
      w.add(Map.of("colour", i % 2 == 0 ? "red" : "blue"));
    }
    var same = feature(w.report(), "colour");
    assertEquals("string", same.type());
    assertEquals(0.0, same.psi(), 1e-9);
    assertEquals(0L, same.unseenLevelRows());
    assertNull(same.ksStatistic());
    for (int i = 0; i < 100; i++) {
      w.add(Map.of("colour", "purple"));
    }
    var shifted = feature(w.report(), "colour");
    assertEquals(100L, shifted.unseenLevelRows());
    assertTrue(shifted.flagged(), shifted.toString());
  }

  @Test
  void withoutATrainingProfileNothingIsMeasured() {
    var w = new DriftWindow(null, 10);
    w.add(TestBundles.setosa());
    DriftReport r = w.report();
    assertEquals("no training profile", r.status());
    assertEquals(1, r.windowRows());
    assertEquals(List.of(), r.features());
  }
}
