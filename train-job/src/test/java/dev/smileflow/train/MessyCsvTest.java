package dev.smileflow.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smileflow.bundle.Feature;
import dev.smileflow.bundle.LoadedModel;
import dev.smileflow.bundle.ModelBundle;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole job (dry runs: no MLflow) on files as users export them: penguins' raw file with its
 * id, counter, constant, date and comment columns, and the European semicolon / decimal-comma
 * export. Only {@code --data} and {@code --label} describe the data.
 */
class MessyCsvTest {
  private static final Path TESTDATA = Path.of("..", "testdata");

  @TempDir Path dir;

  // Only --data and --label (plus --output to inspect the bundle): the defaults must cope.
  private MainTest.Outcome dryRun(String file, String label, Path output) {
    MainTest.Outcome o =
        MainTest.run(
            Map.of(),
            "--dry-run",
            "--data",
            TESTDATA.resolve(file).toString(),
            "--label",
            label,
            "--output",
            output.toString());
    assertEquals(0, o.code(), o.err());
    return o;
  }

  private static List<String> names(LoadedModel model) {
    return model.descriptor().features().stream().map(Feature::name).toList();
  }

  @Test
  void penguinsRawTrainsOnItsMeasurementsAndTheBundleListsOnlyThoseFeatures() throws Exception {
    Path output = dir.resolve("raw");
    MainTest.Outcome o = dryRun("penguins-raw.csv", "Species", output);
    for (String line :
        List.of(
            "Excluded: column 'Sample Number': row_counter (",
            "Excluded: column 'Region': constant (the single value 'Anvers')",
            "Excluded: column 'Stage': constant (the single value 'Adult, 1 Egg Stage')",
            "Excluded: column 'Individual ID': identifier (190 distinct values in 344 rows with a"
                + " value)",
            "Excluded: column 'Date Egg': date (values like '2007-11-11')",
            "Excluded: column 'Comments': mostly_missing (290 of 344 values missing)")) {
      assertTrue(o.out().contains(line), line + " not in:\n" + o.out());
    }
    LoadedModel model = ModelBundle.load(output);
    assertEquals(
        List.of(
            "studyName",
            "Island",
            "Clutch Completion",
            "Culmen Length (mm)",
            "Culmen Depth (mm)",
            "Flipper Length (mm)",
            "Body Mass (g)",
            "Sex",
            "Delta 15 N (o/oo)",
            "Delta 13 C (o/oo)"),
        names(model));
    assertEquals(model.descriptor().features().size(), model.inputExample().size());
    assertFalse(model.inputExample().containsKey("Date Egg"));
    assertTrue(
        model.descriptor().classLabels().contains(model.predict(model.inputExample()).label()));
  }

  @Test
  void theSemicolonDecimalCommaExportTrainsTheSameModelAsTheCommaFile() throws Exception {
    Path semicolon = dir.resolve("semicolon");
    Path comma = dir.resolve("comma");
    MainTest.Outcome s = dryRun("penguins-semicolon.csv", "species", semicolon);
    MainTest.Outcome c = dryRun("penguins.csv", "species", comma);
    assertFalse(s.out().contains("Excluded:"), s.out());
    LoadedModel fromSemicolon = ModelBundle.load(semicolon);
    LoadedModel fromComma = ModelBundle.load(comma);
    assertEquals(
        List.of(
            "island",
            "bill_length_mm",
            "bill_depth_mm",
            "flipper_length_mm",
            "body_mass_g",
            "sex",
            "year"),
        names(fromSemicolon));
    // same features with the same ranges, means and levels: the decimal commas were read as numbers
    assertEquals(fromComma.descriptor().features(), fromSemicolon.descriptor().features());
    assertEquals(fromComma.descriptor().classLabels(), fromSemicolon.descriptor().classLabels());
    assertEquals(holdout(c.out()), holdout(s.out()));
  }

  private static String holdout(String out) {
    return out.lines().filter(l -> l.startsWith("Hold-out")).findFirst().orElseThrow();
  }
}
