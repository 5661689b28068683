package dev.smileflow.train.search;

import dev.smileflow.bundle.Predictor;
import dev.smileflow.train.data.Preprocessing;
import dev.smileflow.train.data.Table;

/**
 * A Smile model with the preprocessing it was trained behind.
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
}
