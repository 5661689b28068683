package dev.smileflow.train.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        dir.resolve("data.csv") + " has no label column 'species' (columns: a, b, kind)",
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
    Path file = csv("x,y,species\n1,2,a\n3,NA,b\n");
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
    assertEquals(ragged + ", row 2: 1 fields, but the header has 2", r.getMessage());
    DataException single = fails(csv("x,species\n1,a\n2,a\n"), LoadOptions.iris());
    assertEquals(DataError.SINGLE_CLASS, single.code());
  }
}
