package dev.smileflow.train.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.smileflow.bundle.BundleDescriptor;
import dev.smileflow.bundle.ModelBundle;
import dev.smileflow.train.data.CsvTables;
import dev.smileflow.train.data.Split;
import dev.smileflow.train.data.Table;
import dev.smileflow.train.search.FittedModel;
import dev.smileflow.train.search.Metric;
import dev.smileflow.train.search.ModelSpec;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChampionScoreTest {
  @TempDir Path dir;

  @Test
  void downloadedChampionScoresTheHoldoutRowsExactlyAsTheJobScoresItsOwnModel() throws Exception {
    Table iris = CsvTables.iris();
    Split split = Split.holdout(iris.y(), 0.2, 1);
    Table train = iris.select(split.train());
    Table test = iris.select(split.test());
    FittedModel fitted = FittedModel.fit(new ModelSpec.Knn(5), train, 1);
    BundleDescriptor descriptor =
        BundleDescriptor.of(
            "knn",
            Map.of("k", "5"),
            fitted.preprocessing().features(),
            "species",
            iris.classes(),
            Map.of(),
            iris.digest(),
            train.rows(),
            1,
            Instant.now());
    ModelBundle.write(
        dir,
        fitted.model(),
        descriptor,
        fitted.preprocessing().completeRow(train, 0),
        mlmodel -> mlmodel);

    List<Map<String, Object>> rows = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    for (int i = 0; i < test.rows(); i++) {
      rows.add(test.row(i));
      labels.add(iris.classes().get(test.label(i)));
    }
    var holdout = new Registrar.HoldoutRows(rows, labels);
    var loaded = ModelBundle.load(dir);
    for (Metric m : Metric.values()) {
      assertEquals(m.of(fitted.evaluate(test)), Registrar.score(loaded, holdout, m), 1e-9, m.key());
    }
    var unknown = new Registrar.HoldoutRows(rows.subList(0, 1), List.of("Iris-unknown"));
    assertThrows(
        IllegalArgumentException.class, () -> Registrar.score(loaded, unknown, Metric.ACCURACY));
  }
}
