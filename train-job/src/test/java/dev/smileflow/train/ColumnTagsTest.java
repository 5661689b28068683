package dev.smileflow.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.smileflow.train.data.CsvTables;
import dev.smileflow.train.data.LoadOptions;
import dev.smileflow.train.data.MissingPolicy;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The parent-run tags that say which columns are features and why the others are not. */
class ColumnTagsTest {
  @Test
  void everyExcludedColumnIsATagWithItsReasonAndTheFeaturesAreListed() {
    Map<String, String> tags =
        TrainJob.columnTags(
            CsvTables.read(
                Path.of("..", "testdata", "penguins-raw.csv"),
                new LoadOptions("Species", MissingPolicy.IMPUTE, Set.of())));
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put(
        "data.features",
        "studyName, Island, Clutch Completion, Culmen Length (mm), Culmen Depth (mm), Flipper Length"
            + " (mm), Body Mass (g), Sex, Delta 15 N (o/oo), Delta 13 C (o/oo)");
    expected.put(
        "data.excluded.Sample Number",
        "row_counter (341 of 343 steps from one row to the next are +1)");
    expected.put("data.excluded.Region", "constant (the single value 'Anvers')");
    expected.put("data.excluded.Stage", "constant (the single value 'Adult, 1 Egg Stage')");
    expected.put(
        "data.excluded.Individual ID", "identifier (190 distinct values in 344 rows with a value)");
    expected.put("data.excluded.Date Egg", "date (values like '2007-11-11')");
    expected.put("data.excluded.Comments", "mostly_missing (290 of 344 values missing)");
    assertEquals(expected, tags);
  }

  @Test
  void columnNamesBecomeTagKeysMlflowAccepts() {
    assertEquals("Culmen Length _mm_", TrainJob.tagKey("Culmen Length (mm)"));
    assertEquals("Delta 15 N _o_oo_", TrainJob.tagKey("Delta 15 N (o/oo)"));
    assertEquals("a-b_c.d", TrainJob.tagKey("a-b_c.d"));
    assertEquals(200, TrainJob.tagKey("x".repeat(300)).length());
  }
}
