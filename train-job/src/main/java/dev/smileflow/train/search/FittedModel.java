package dev.smileflow.train.search;

import dev.smileflow.bundle.BundleDescriptor;
import dev.smileflow.bundle.Predictor;
import dev.smileflow.train.data.Preprocessing;
import dev.smileflow.train.data.Table;
import java.time.Instant;
import java.util.Map;

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
    int[] all = java.util.stream.IntStream.range(0, table.rows()).toArray();
    Preprocessing prep = Preprocessing.fit(table, all);
    double[][] x = prep.encode(table, all);
    return new FittedModel(spec, spec.fit(x, table.y(), prep.encodedNames(), seed), prep);
  }

  /** Predicts every row of {@code table} (same schema and classes as the training table). */
  public Evaluation evaluate(Table table) {
    int[] all = java.util.stream.IntStream.range(0, table.rows()).toArray();
    return CrossValidator.score(
        Predictor.of(model, preprocessing.encodedNames()),
        preprocessing.encode(table, all),
        table.y(),
        table.classes().size());
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
        createdAt);
  }

  /** The bundle's input example: the first training row, missing values filled. */
  public Map<String, Object> inputExample(Table train) {
    return preprocessing.completeRow(train, 0);
  }
}
