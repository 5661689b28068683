package dev.smileflow.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smileflow.bundle.testing.TestBundles;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checked-in format-version-2 bundle (penguins, logistic regression, written by {@link
 * FixtureGenerator}) must load and predict forever: fills, an other bucket and a required field
 * side by side.
 */
class FixtureV2Test {
  @TempDir Path dir;
  private LoadedModel model;

  @BeforeEach
  void load() throws Exception {
    model = ModelBundle.load(TestBundles.copyFixture("v2/penguins-logistic", dir));
  }

  private static Map<String, Object> penguin(
      String island, double bill, double depth, double flipper, double mass, String sex) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("island", island);
    row.put("bill_length_mm", bill);
    row.put("bill_depth_mm", depth);
    row.put("flipper_length_mm", flipper);
    row.put("body_mass_g", mass);
    row.put("sex", sex);
    row.put("year", 2008.0);
    return row;
  }

  @Test
  void version2PenguinsBundleLoadsAndPredicts() {
    assertEquals(2, model.descriptor().formatVersion());
    assertEquals(FixtureGenerator.PENGUIN_LABELS, model.descriptor().classLabels());
    assertEquals(
        "Adelie", model.predict(penguin("Torgersen", 39.1, 18.7, 181, 3750, "male")).label());
    assertEquals(
        "Chinstrap", model.predict(penguin("Dream", 46.5, 17.9, 192, 3500, "female")).label());
    assertEquals(
        "Gentoo", model.predict(penguin("Biscoe", 46.1, 13.2, 211, 4500, "female")).label());
  }

  @Test
  void aVersion2BundleWrittenBeforeTrainingProfilesHasNone() {
    assertNull(model.descriptor().trainingProfile());
  }

  @Test
  void descriptorDeclaresTheFillsAndTheOtherBucket() {
    List<Feature> features = model.descriptor().features();
    var island = (Feature.Categorical) features.getFirst();
    assertEquals(List.of("Biscoe", "Dream"), island.levels());
    assertTrue(island.otherBucket());
    assertEquals("Biscoe", island.fill());
    assertEquals(44.45, features.get(1).fill());
    assertEquals("male", features.get(5).fill());
    assertNull(features.get(6).fill());
    assertEquals(
        List.of(
            "island=Biscoe",
            "island=Dream",
            "island=__other__",
            "bill_length_mm",
            "bill_depth_mm",
            "flipper_length_mm",
            "body_mass_g",
            "sex=female",
            "sex=male",
            "year"),
        model.descriptor().encodedNames());
  }

  @Test
  void nullAndAbsentFieldsPredictExactlyAsTheirFillsWrittenIn() {
    Map<String, Object> holes = new LinkedHashMap<>();
    holes.put("island", null);
    holes.put("bill_depth_mm", null);
    holes.put("year", 2008.0);
    Map<String, Object> filled = penguin("Biscoe", 44.45, 17.3, 197, 4050, "male");
    assertEquals(model.predict(filled), model.predict(holes));
  }

  @Test
  void rareAndUnseenIslandsBothPredictAsTheOtherBucket() {
    Prediction rare = model.predict(penguin("Torgersen", 39.1, 18.7, 181, 3750, "male"));
    Prediction unseen = model.predict(penguin("Atlantis", 39.1, 18.7, 181, 3750, "male"));
    assertEquals(rare, unseen);
  }

  @Test
  void aFieldWithoutAFillIsStillRequiredAndAnUnknownLevelWithoutABucketStillRefused() {
    Map<String, Object> row = penguin("Dream", 46.5, 17.9, 192, 3500, "unknown");
    row.remove("year");
    var e = assertThrows(InvalidInputException.class, () -> model.predict(row));
    assertEquals(
        "sex: unknown level 'unknown' (expected one of: female, male); year: field required",
        e.getMessage());
  }

  @Test
  void signatureMarksOnlyTheImputedInputsAsNotRequired() throws Exception {
    var inputs = TestBundles.readSignature(model.dir().resolve("MLmodel")).inputs();
    assertEquals(
        List.of(false, false, false, false, false, false, true),
        inputs.stream().map(MlModelFile.ColumnSpec::required).toList());
  }
}
