package dev.smileflow.train.search;

import dev.smileflow.bundle.BundleDescriptor;
import dev.smileflow.bundle.BundleException;
import dev.smileflow.bundle.Feature;
import dev.smileflow.bundle.InvalidInputException;
import dev.smileflow.bundle.LoadedModel;
import dev.smileflow.bundle.ModelBundle;
import dev.smileflow.bundle.Prediction;
import dev.smileflow.bundle.Predictor;
import dev.smileflow.bundle.TrainingProfile;
import dev.smileflow.train.data.Column;
import dev.smileflow.train.data.ColumnDecision;
import dev.smileflow.train.data.Preprocessing;
import dev.smileflow.train.data.Table;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * A Smile model with the preprocessing it was trained behind, and what {@code ModelBundle.write}
 * needs to write it: the model, {@link #descriptor} and {@link #inputExample}.
 *
 * @param spec the candidate it was fitted from
 * @param model the Smile classifier (what {@code ModelBundle.write} serializes)
 * @param preprocessing the features (and imputation values) fitted on the same rows
 */
public record FittedModel(ModelSpec spec, Object model, Preprocessing preprocessing) {
  /** Fits {@code spec} on every row of {@code table}. */
  public static FittedModel fit(ModelSpec spec, Table table, long seed) {
    int[] all = IntStream.range(0, table.rows()).toArray();
    Preprocessing prep = Preprocessing.fit(table, all);
    double[][] x = prep.encode(table, all);
    return new FittedModel(spec, spec.fit(x, table.y(), prep.encodedNames(), seed), prep);
  }

  /** Predicts every row of {@code table} (same schema and classes as the training table). */
  public Evaluation evaluate(Table table) {
    int[] all = IntStream.range(0, table.rows()).toArray();
    return CrossValidator.score(
        Predictor.of(model, preprocessing.encodedNames()),
        preprocessing.encode(table, all),
        table.y(),
        table.classes().size());
  }

  /**
   * Loads the bundle in {@code dir} the way the api does ({@link ModelBundle#load}: checksum, then
   * the deserialization allow-list) and checks that it predicts every row of {@code rows} with the
   * same label and the same class probabilities as this in-memory model. Rows go in as a client
   * sends them: missing values are absent fields, so the bundle's own preprocessing fills them.
   *
   * @throws UnservableModelException naming the first difference, on one line
   */
  public void checkServedAsTrained(Path dir, Table rows) {
    LoadedModel loaded;
    try {
      loaded = ModelBundle.load(dir);
    } catch (BundleException e) {
      throw new UnservableModelException(
          "the serving loader refuses the written model (" + e.code() + "): " + e.getMessage(), e);
    }
    Predictor inMemory = Predictor.of(model, preprocessing.encodedNames());
    int[] all = IntStream.range(0, rows.rows()).toArray();
    double[][] encoded = preprocessing.encode(rows, all);
    List<String> labels = rows.classes();
    double[] expected = new double[inMemory.numClasses()];
    for (int i = 0; i < rows.rows(); i++) {
      int label = inMemory.predict(encoded[i], expected);
      Prediction served;
      try {
        served = loaded.predict(rows.row(i));
      } catch (InvalidInputException e) {
        throw new UnservableModelException(
            "the written model rejects hold-out row " + (i + 1) + ": " + e.getMessage(), e);
      }
      if (!served.label().equals(labels.get(label))) {
        throw new UnservableModelException(
            String.format(
                Locale.ROOT,
                "the written model predicts hold-out row %d as '%s', the trained model as '%s'",
                i + 1,
                served.label(),
                labels.get(label)));
      }
      for (int c = 0; c < expected.length; c++) {
        double got = served.probabilities().getOrDefault(labels.get(c), Double.NaN);
        if (Double.compare(got, expected[c]) != 0) {
          throw new UnservableModelException(
              String.format(
                  Locale.ROOT,
                  "the written model gives hold-out row %d P('%s') = %s, the trained model %s",
                  i + 1,
                  labels.get(c),
                  got,
                  expected[c]));
        }
      }
    }
  }

  /**
   * The bundle descriptor of this model (no checksum yet).
   *
   * @param data the whole data set (its label, classes and digest)
   * @param train the rows this model was fitted on
   * @param metrics the metrics stored in the bundle (finite)
   */
  public BundleDescriptor descriptor(
      Table data, Table train, Map<String, Double> metrics, long seed, Instant createdAt) {
    return BundleDescriptor.of(
            spec.algorithm().id(),
            spec.params(),
            preprocessing.features(),
            data.labelName(),
            data.classes(),
            metrics,
            data.digest(),
            train.rows(),
            seed,
            createdAt)
        .withIgnoredInputs(data.excluded().stream().map(ColumnDecision::column).toList())
        .withTrainingProfile(trainingProfile(train));
  }

  /**
   * How each feature's values were distributed in {@code train} (missing values left out; a feature
   * with none is left out), for the api's drift measures.
   */
  TrainingProfile trainingProfile(Table train) {
    Map<String, TrainingProfile.FeatureProfile> profiles = new LinkedHashMap<>();
    for (Feature feature : preprocessing.features()) {
      Column column =
          train
              .column(feature.name())
              .orElseThrow(() -> new IllegalStateException("no column " + feature.name()));
      switch (column) {
        case Column.Numeric n -> {
          double[] values =
              IntStream.range(0, n.size())
                  .filter(i -> !n.isMissing(i))
                  .mapToDouble(n::value)
                  .toArray();
          if (values.length > 0) {
            profiles.put(n.name(), TrainingProfile.Numeric.of(values));
          }
        }
        case Column.Categorical c -> {
          Map<String, Long> counts = new LinkedHashMap<>();
          for (int i = 0; i < c.size(); i++) {
            String v = c.value(i);
            if (v != null) {
              counts.merge(v, 1L, Long::sum);
            }
          }
          if (!counts.isEmpty()) {
            profiles.put(c.name(), TrainingProfile.Categorical.of(counts));
          }
        }
      }
    }
    return new TrainingProfile(profiles);
  }

  /** The bundle's input example: the first training row, missing values filled. */
  public Map<String, Object> inputExample(Table train) {
    return preprocessing.completeRow(train, 0);
  }
}
