package dev.smileflow.train.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smileflow.train.data.CsvTables;
import dev.smileflow.train.data.DataError;
import dev.smileflow.train.data.DataException;
import dev.smileflow.train.data.LoadOptions;
import dev.smileflow.train.data.MissingPolicy;
import dev.smileflow.train.data.Table;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidationTest {
  @TempDir Path dir;

  private static Table table(String csv, String... keep) {
    return CsvTables.parse(
        "t.csv",
        csv.getBytes(StandardCharsets.UTF_8),
        new LoadOptions(
            "y", MissingPolicy.REJECT, Set.of(), Set.of(), Set.of(keep), null, null, List.of()));
  }

  @Test
  void classWithTooFewRowsForTheFoldsStopsTheJobWithItsName() {
    StringBuilder csv = new StringBuilder("x,y\n");
    for (int i = 0; i < 20; i++) {
      csv.append(i).append(",big\n");
    }
    csv.append("1,rare\n2,rare\n3,rare\n");
    Table t = table(csv.toString());
    DataException e = assertThrows(DataException.class, () -> DataValidator.validate(t, t, 5));
    assertEquals(DataError.TOO_FEW_ROWS_PER_CLASS, e.code());
    assertEquals(
        "t.csv, column 'y': class 'rare' has 3 rows (3 after the hold-out split); stratified 5-fold CV needs"
            + " at least 5 training rows per class",
        e.getMessage());
  }

  @Test
  void aLabelWithMoreValuesThanTheFoldsCanHoldIsNamedAsLikelyContinuous() {
    StringBuilder csv = new StringBuilder("x,y\n");
    for (int i = 0; i < 30; i++) {
      csv.append(i % 4).append(',').append(1000 + i * 37.5).append('\n');
    }
    Table t = table(csv.toString());
    DataException e = assertThrows(DataException.class, () -> DataValidator.validate(t, t, 5));
    assertEquals(DataError.TOO_FEW_ROWS_PER_CLASS, e.code());
    assertTrue(
        e.getMessage()
            .endsWith(
                "; the label has 30 distinct values in 30 rows, more classes than 30 training rows"
                    + " can fill 5 each: if it is a continuous target, bin it into classes or"
                    + " choose another --label (this job trains classifiers)"),
        e.getMessage());
  }

  @Test
  void duplicatesKeptConstantColumnsAndImbalanceAreWarnings() {
    StringBuilder csv = new StringBuilder("x,k,y\n");
    for (int i = 0; i < 20; i++) {
      csv.append(i % 10).append(",7,a\n");
    }
    for (int i = 0; i < 5; i++) {
      csv.append(100 + i).append(",7,b\n");
    }
    Table t = table(csv.toString(), "k"); // a constant column is left out unless kept
    List<String> codes = DataValidator.validate(t, t, 5).stream().map(Finding::code).toList();
    assertEquals(List.of("constant_column", "duplicate_rows", "class_imbalance"), codes);
  }

  @Test
  void ksTestFlagsAShiftedFeatureAndNotTheSameOne() {
    StringBuilder before = new StringBuilder("x,z,y\n");
    StringBuilder after = new StringBuilder("x,z,y\n");
    for (int i = 0; i < 200; i++) {
      // multiples of 7 and 11 modulo 50 and 37: evenly spread values, not a row counter
      before
          .append(i * 7 % 50)
          .append(',')
          .append(i * 11 % 37)
          .append(i % 2 == 0 ? ",a\n" : ",b\n");
      after
          .append(i * 7 % 50 + 25)
          .append(',')
          .append(i * 11 % 37)
          .append(i % 2 == 0 ? ",a\n" : ",b\n");
    }
    Profile reference = Profile.of(table(before.toString()));
    List<Finding> findings = new ArrayList<>();
    List<Drift.Result> drift = Drift.compare(reference, table(after.toString()), findings);
    assertEquals(2, drift.size());
    assertTrue(drift.get(0).drifted(), drift.get(0).toString());
    assertEquals(0.0, drift.get(1).statistic(), 1e-12);
    assertTrue(!drift.get(1).drifted());
    assertTrue(findings.isEmpty());
  }

  @Test
  void profileRoundTripsThroughJson() throws Exception {
    Profile p = Profile.of(CsvTables.iris());
    Path file = Files.writeString(dir.resolve("p.json"), p.toJson());
    assertEquals(p, Profile.read(file));
  }

  @Test
  void disjointSamplesDriftAndIdenticalOnesDoNot() {
    double[] low = IntStream.range(0, 100).asDoubleStream().toArray();
    double[] high = IntStream.range(200, 300).asDoubleStream().toArray();
    Drift.Result moved = Drift.test("x", low, high);
    assertEquals(1.0, moved.statistic(), 1e-12);
    assertTrue(moved.pValue() < 1e-6 && moved.drifted(), moved.toString());
    Drift.Result same = Drift.test("x", low, low);
    assertEquals(0.0, same.statistic(), 1e-12);
    assertTrue(!same.drifted(), same.toString());
    assertTrue(!Drift.test("x", low, new double[0]).drifted(), "nothing to compare is no drift");
  }
}
