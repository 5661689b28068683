package dev.smileflow.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvTablesTest {
  @TempDir Path dir;

  private Path csv(String text) throws IOException {
    return Files.writeString(dir.resolve("data.csv"), text);
  }

  private DataException fails(Path file, LoadOptions options) {
    return assertThrows(DataException.class, () -> CsvTables.read(file, options));
  }

  private static LoadOptions label(String label, MissingPolicy missing) {
    return new LoadOptions(label, missing, Set.of());
  }

  @Test
  void bundledIrisHas150RowsThreeBalancedClassesAndFourNumericFeatures() {
    Table iris = CsvTables.iris();
    assertEquals(150, iris.rows());
    assertEquals(List.of("Iris-setosa", "Iris-versicolor", "Iris-virginica"), iris.classes());
    assertEquals(
        List.of("sepal_length", "sepal_width", "petal_length", "petal_width"), iris.featureNames());
    assertTrue(iris.columns().stream().allMatch(c -> c instanceof Column.Numeric));
    assertEquals(50, iris.classCounts()[0]);
    assertEquals(16, iris.digest().length());
  }

  @Test
  void missingFileIsNamed() {
    Path missing = dir.resolve("nope.csv");
    DataException e = fails(missing, LoadOptions.iris());
    assertEquals(DataError.FILE_NOT_FOUND, e.code());
    assertEquals("data file not found: " + missing, e.getMessage());
  }

  @Test
  void emptyFileAndHeaderOnlyFileAreRejected() throws IOException {
    DataException empty = fails(csv(""), LoadOptions.iris());
    assertEquals(DataError.EMPTY, empty.code());
    assertEquals(dir.resolve("data.csv") + " is empty: no header row", empty.getMessage());
    DataException headerOnly = fails(csv("a,b,species\n"), LoadOptions.iris());
    assertEquals(
        dir.resolve("data.csv") + " has a header but no data rows", headerOnly.getMessage());
  }

  @Test
  void missingLabelColumnListsTheColumns() throws IOException {
    DataException e = fails(csv("a,b,kind\n1,2,x\n"), LoadOptions.iris());
    assertEquals(DataError.NO_LABEL_COLUMN, e.code());
    assertEquals(
        dir.resolve("data.csv")
            + " has no label column 'species' (read with delimiter ',', decimal point: 3 columns:"
            + " a, b, kind; set --label, or --delimiter if the columns are split wrongly)",
        e.getMessage());
  }

  @Test
  void missingLabelInAWronglySplitFileSaysHowItWasRead() {
    Path semicolon = PENGUINS_SEMICOLON;
    DataException e =
        fails(
            semicolon,
            new LoadOptions(
                "species",
                MissingPolicy.IMPUTE,
                Set.of(),
                Set.of(),
                Set.of(),
                ',',
                null,
                List.of()));
    assertEquals(DataError.NO_LABEL_COLUMN, e.code());
    assertTrue(
        e.getMessage()
            .contains(
                "(read with delimiter ',', decimal point: 1 column:"
                    + " species;island;bill_length_mm;"),
        e.getMessage());
  }

  private static final Path PENGUINS = Path.of("..", "testdata", "penguins.csv");
  private static final Path WINE = Path.of("..", "testdata", "wine.csv");

  /** Wine's columns as its header names them, and the file without that header row. */
  private List<String> wineWithoutHeader() throws IOException {
    List<String> lines = Files.readAllLines(WINE);
    Files.write(dir.resolve("wine.data"), lines.subList(1, lines.size()));
    return List.of(lines.getFirst().split(","));
  }

  private static LoadOptions named(String label, List<String> columns) {
    return new LoadOptions(
        label, MissingPolicy.REJECT, Set.of(), Set.of(), Set.of(), null, null, columns);
  }

  @Test
  void aFileWithoutAHeaderRowReadWithColumnsEqualsTheFileWithIt() throws IOException {
    List<String> columns = wineWithoutHeader();
    Table headed = CsvTables.read(WINE, label("cultivar", MissingPolicy.REJECT));
    Table headless = CsvTables.read(dir.resolve("wine.data"), named("cultivar", columns));
    assertEquals(178, headless.rows());
    assertSameData(headed, headless);
  }

  private static void assertSameData(Table expected, Table actual) {
    assertEquals(expected.featureNames(), actual.featureNames());
    assertEquals(expected.classes(), actual.classes());
    assertArrayEquals(expected.y(), actual.y());
    for (int i = 0; i < expected.rows(); i++) {
      assertEquals(expected.row(i), actual.row(i), "row " + (i + 1));
    }
  }

  @Test
  void wineAlignedByRunsOfSpacesLoadsIdenticallyToTheCommaFile() throws IOException {
    List<String> aligned =
        Files.readAllLines(WINE).stream()
            .map(line -> "  " + String.join("   \t ", line.split(",")) + "  ")
            .toList();
    Path file = Files.write(dir.resolve("wine.txt"), aligned);
    Table comma = CsvTables.read(WINE, label("cultivar", MissingPolicy.REJECT));
    Table blanks = CsvTables.read(file, label("cultivar", MissingPolicy.REJECT));
    assertSameData(comma, blanks);
  }

  @Test
  void aHeaderlessFileReadWithoutColumnsSaysItsFirstRowLooksLikeData() throws IOException {
    wineWithoutHeader();
    DataException e = fails(dir.resolve("wine.data"), label("cultivar", MissingPolicy.REJECT));
    assertEquals(DataError.NO_LABEL_COLUMN, e.code());
    assertTrue(
        e.getMessage()
            .endsWith(
                "; the first row looks like data, not a header: if the file has none, name its"
                    + " columns with --columns"),
        e.getMessage());
    // a first row with a repeated value fails as a duplicate header name, with the same hint
    DataException twice = fails(csv("1,0,0,a\n2,1,1,b\n"), label("y", MissingPolicy.REJECT));
    assertEquals(DataError.DUPLICATE_COLUMN, twice.code());
    assertTrue(twice.getMessage().contains("column '0' appears twice in the header; the first"));
    // a real header gets no hint
    assertFalse(
        fails(csv("a,b,kind\n1,2,x\n"), LoadOptions.iris()).getMessage().contains("--columns"));
  }

  @Test
  void columnsMustMatchTheFieldsAndBeDistinctNames() throws IOException {
    DataException ragged = fails(csv("1,2,x\n3,4,y\n"), named("y", List.of("a", "y")));
    assertEquals(DataError.RAGGED_ROW, ragged.code());
    assertEquals(
        dir.resolve("data.csv")
            + ", row 1: 3 fields, but --columns names 2 (read with delimiter ',', decimal point)",
        ragged.getMessage());
    IllegalArgumentException twice =
        assertThrows(IllegalArgumentException.class, () -> named("y", List.of("a", "y", "a")));
    assertEquals("--columns names these more than once: [a]", twice.getMessage());
    assertThrows(IllegalArgumentException.class, () -> named("y", List.of("a", " ")));
  }

  private static final Path PENGUINS_SEMICOLON =
      Path.of("..", "testdata", "penguins-semicolon.csv");
  private static final Path PENGUINS_RAW = Path.of("..", "testdata", "penguins-raw.csv");

  @Test
  void theSemicolonDecimalCommaExportOfPenguinsLoadsIdenticallyToTheCommaFile() {
    LoadOptions options = label("species", MissingPolicy.IMPUTE);
    Table comma = CsvTables.read(PENGUINS, options);
    Table semicolon = CsvTables.read(PENGUINS_SEMICOLON, options);
    assertEquals(344, semicolon.rows());
    assertEquals(
        List.of(
            "island",
            "bill_length_mm",
            "bill_depth_mm",
            "flipper_length_mm",
            "body_mass_g",
            "sex",
            "year"),
        semicolon.featureNames());
    assertEquals(comma.featureNames(), semicolon.featureNames());
    assertEquals(comma.classes(), semicolon.classes());
    assertArrayEquals(comma.y(), semicolon.y());
    assertEquals(comma.missingCount(), semicolon.missingCount());
    for (int c = 0; c < comma.columns().size(); c++) {
      Column expected = comma.columns().get(c);
      Column actual = semicolon.columns().get(c);
      assertEquals(expected.getClass(), actual.getClass(), expected.name());
    }
    for (int i = 0; i < comma.rows(); i++) {
      assertEquals(comma.row(i), semicolon.row(i), "row " + (i + 1));
    }
    Column.Numeric bill = (Column.Numeric) semicolon.column("bill_length_mm").orElseThrow();
    assertEquals(39.1, bill.value(0), 0.0);
    assertEquals(List.of(), semicolon.excluded());
  }

  @Test
  void byteOrderMarkCrlfAndQuotedFieldsWithTheDelimiterAreRead() {
    byte[] bytes =
        "\uFEFFname;v;y\r\n\"Smith; J\";1,5;p\r\n\"Doe\";2,5;q\r\nRoe;-3;p\r\n"
            .getBytes(StandardCharsets.UTF_8);
    Table t = CsvTables.parse("bom.csv", bytes, label("y", MissingPolicy.REJECT));
    assertEquals(List.of("name", "v"), t.featureNames());
    Column.Categorical name = assertInstanceOf(Column.Categorical.class, t.columns().get(0));
    assertEquals(List.of("Doe", "Roe", "Smith; J"), name.levels());
    Column.Numeric v = assertInstanceOf(Column.Numeric.class, t.columns().get(1));
    assertEquals(List.of(1.5, 2.5, -3.0), List.of(v.value(0), v.value(1), v.value(2)));
    assertEquals(List.of("p", "q"), t.classes());
  }

  @Test
  void penguinsRawLeavesOutItsCounterIdConstantDateAndCommentColumns() {
    Table t = CsvTables.read(PENGUINS_RAW, label("Species", MissingPolicy.IMPUTE));
    Map<String, ColumnDecision.Reason> reasons = new LinkedHashMap<>();
    t.decisions().forEach(d -> reasons.put(d.column(), d.reason()));
    Map<String, ColumnDecision.Reason> expected = new LinkedHashMap<>();
    expected.put("studyName", ColumnDecision.Reason.FEATURE);
    expected.put("Sample Number", ColumnDecision.Reason.ROW_COUNTER);
    expected.put("Region", ColumnDecision.Reason.CONSTANT);
    expected.put("Island", ColumnDecision.Reason.FEATURE);
    expected.put("Stage", ColumnDecision.Reason.CONSTANT);
    expected.put("Individual ID", ColumnDecision.Reason.IDENTIFIER);
    expected.put("Clutch Completion", ColumnDecision.Reason.FEATURE);
    expected.put("Date Egg", ColumnDecision.Reason.DATE);
    expected.put("Culmen Length (mm)", ColumnDecision.Reason.FEATURE);
    expected.put("Culmen Depth (mm)", ColumnDecision.Reason.FEATURE);
    expected.put("Flipper Length (mm)", ColumnDecision.Reason.FEATURE);
    expected.put("Body Mass (g)", ColumnDecision.Reason.FEATURE);
    expected.put("Sex", ColumnDecision.Reason.FEATURE);
    expected.put("Delta 15 N (o/oo)", ColumnDecision.Reason.FEATURE);
    expected.put("Delta 13 C (o/oo)", ColumnDecision.Reason.FEATURE);
    expected.put("Comments", ColumnDecision.Reason.MOSTLY_MISSING);
    assertEquals(expected, reasons);
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
        t.featureNames());
    assertEquals(3, t.classes().size());
    assertEquals(
        "date (values like '2007-11-11')",
        t.excluded().stream()
            .filter(d -> d.column().equals("Date Egg"))
            .findFirst()
            .orElseThrow()
            .explanation());
  }

  @Test
  void excludedColumnsDoNotCostRowsUnderTheDropPolicy() {
    Table t = CsvTables.read(PENGUINS_RAW, label("Species", MissingPolicy.DROP));
    // 344 rows; Comments is missing in 290 of them but is not a feature: only rows with a missing
    // measurement, sex or isotope value go
    assertEquals(324, t.rows());
  }

  @Test
  void dropLeavesOutNamedColumnsAndKeepOverridesTheScreen() {
    LoadOptions options =
        new LoadOptions(
            "Species",
            MissingPolicy.IMPUTE,
            Set.of(),
            Set.of("studyName", "Island"),
            Set.of("Date Egg"),
            null,
            null,
            List.of());
    Table t = CsvTables.read(PENGUINS_RAW, options);
    assertFalse(t.featureNames().contains("studyName"));
    assertFalse(t.featureNames().contains("Island"));
    ColumnDecision island =
        t.decisions().stream().filter(d -> d.column().equals("Island")).findFirst().orElseThrow();
    assertEquals(ColumnDecision.Reason.DROPPED, island.reason());
    assertEquals("dropped (named in --drop)", island.explanation());
    Column.Categorical date =
        assertInstanceOf(Column.Categorical.class, t.column("Date Egg").orElseThrow());
    assertEquals(50, date.levels().size());
    ColumnDecision kept =
        t.decisions().stream().filter(d -> d.column().equals("Date Egg")).findFirst().orElseThrow();
    assertEquals(ColumnDecision.Reason.FEATURE, kept.reason());
    assertEquals("kept by --keep; detected as date (values like '2007-11-11')", kept.detail());
  }

  @Test
  void dropOrKeepOfAnAbsentColumnNamesTheColumnAndTheOption() throws IOException {
    Path file = csv("x,y\n1,a\n2,b\n");
    DataException drop =
        fails(
            file,
            new LoadOptions(
                "y",
                MissingPolicy.REJECT,
                Set.of(),
                Set.of("nope"),
                Set.of(),
                null,
                null,
                List.of()));
    assertEquals(DataError.SCHEMA_MISMATCH, drop.code());
    assertEquals(file + " has no column 'nope' (named in --drop)", drop.getMessage());
    DataException keep =
        fails(
            file,
            new LoadOptions(
                "y",
                MissingPolicy.REJECT,
                Set.of(),
                Set.of(),
                Set.of("gone"),
                null,
                null,
                List.of()));
    assertEquals(file + " has no column 'gone' (named in --keep)", keep.getMessage());
    IllegalArgumentException label =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new LoadOptions(
                    "y",
                    MissingPolicy.REJECT,
                    Set.of(),
                    Set.of("y"),
                    Set.of(),
                    null,
                    null,
                    List.of()));
    assertEquals(
        "--drop names the label column 'y'; the label cannot be dropped", label.getMessage());
  }

  @Test
  void aFileWhoseOnlyOtherColumnsAreExcludedHasNoFeaturesAndSaysWhy() throws IOException {
    Path file = csv("day,site,y\n2024-01-01,A,a\n2024-01-02,A,b\n");
    DataException e = fails(file, label("y", MissingPolicy.REJECT));
    assertEquals(DataError.NO_FEATURES, e.code());
    assertEquals(
        file
            + " has no feature columns left: 'day' date (values like '2024-01-01'); 'site' constant"
            + " (the single value 'A') (use --keep to use a column anyway)",
        e.getMessage());
  }

  @Test
  void nonNumericValueInNumericColumnNamesFileColumnAndRow() throws IOException {
    Path file = csv("x,y,species\n1,2,a\n3,4,b\n5,oops,a\n7,8,b\n");
    DataException e = fails(file, LoadOptions.iris());
    assertEquals(DataError.NON_NUMERIC, e.code());
    assertEquals(
        file + ", column 'y', row 3: 'oops' is not a number (the column is numeric in 3 of 4 rows)",
        e.getMessage());
  }

  @Test
  void missingValueIsRejectedByDefaultWithFileColumnAndRow() throws IOException {
    Path file = csv("x,y,species\n1,2,a\n3,NA,b\n5,4,a\n");
    DataException e = fails(file, LoadOptions.iris());
    assertEquals(DataError.MISSING_VALUE, e.code());
    assertEquals(
        file + ", column 'y', row 2: missing value (policy --missing reject; use impute or drop)",
        e.getMessage());
  }

  @Test
  void dropPolicyDropsRowsWithMissingValuesAndImputeKeepsThem() throws IOException {
    Path file = csv("x,y,species\n1,2,a\n3,,b\n5,6,b\n7,8,a\n");
    assertEquals(3, CsvTables.read(file, label("species", MissingPolicy.DROP)).rows());
    Table imputed = CsvTables.read(file, label("species", MissingPolicy.IMPUTE));
    assertEquals(4, imputed.rows());
    assertEquals(1, imputed.missingCount());
  }

  @Test
  void mostlyTextColumnIsCategoricalWithSortedLevelsAndIntegerLabelsSortNumerically()
      throws IOException {
    Table t =
        CsvTables.read(
            csv("color,size,target\nred,1,10\nblue,2,9\nred,3,10\ngreen,4,2\n"),
            label("target", MissingPolicy.REJECT));
    Column.Categorical color = assertInstanceOf(Column.Categorical.class, t.columns().get(0));
    assertEquals(List.of("blue", "green", "red"), color.levels());
    assertInstanceOf(Column.Numeric.class, t.columns().get(1));
    assertEquals(List.of("2", "9", "10"), t.classes());
  }

  @Test
  void forcedCategoricalTurnsIntegerCodesIntoLevels() throws IOException {
    Table t =
        CsvTables.read(
            csv("zip,v,y\n100,1,a\n200,2,b\n"),
            new LoadOptions("y", MissingPolicy.REJECT, Set.of("zip")));
    assertInstanceOf(Column.Categorical.class, t.columns().get(0));
  }

  @Test
  void raggedRowAndSingleClassAreRejected() throws IOException {
    Path ragged = csv("x,species\n1,a\n2\n");
    DataException r = fails(ragged, LoadOptions.iris());
    assertEquals(
        ragged + ", row 2: 1 fields, but the header has 2 (read with delimiter ',', decimal point)",
        r.getMessage());
    DataException single = fails(csv("x,species\n1,a\n2,a\n"), LoadOptions.iris());
    assertEquals(DataError.SINGLE_CLASS, single.code());
  }
}
