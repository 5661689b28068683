package dev.smileflow.bundle;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A verified, deserialized and warmed-up bundle, ready to serve. Immutable and thread-safe: share
 * one instance across request threads and swap the reference to follow a new model version.
 */
public final class LoadedModel {
  private final Path dir;
  private final BundleDescriptor descriptor;
  private final Predictor predictor;
  private final Map<String, Object> inputExample;

  LoadedModel(
      Path dir,
      BundleDescriptor descriptor,
      Predictor predictor,
      Map<String, Object> inputExample) {
    this.dir = dir;
    this.descriptor = descriptor;
    this.predictor = predictor;
    this.inputExample = Collections.unmodifiableMap(new LinkedHashMap<>(inputExample));
  }

  /** What the bundle says about itself. */
  public BundleDescriptor descriptor() {
    return descriptor;
  }

  /** The directory the bundle was loaded from. */
  public Path dir() {
    return dir;
  }

  /** The bundle's input example (one training row by feature name, in file order). */
  public Map<String, Object> inputExample() {
    return inputExample;
  }

  /**
   * Classifies one row given by feature name. A null or absent field of a feature with a {@link
   * Feature#fill() fill} is imputed with it, a categorical value outside the levels of a feature
   * with an {@link Feature.Categorical#otherBucket() other bucket} goes to that bucket; what each
   * feature accepts is in {@code descriptor().features()}.
   *
   * @throws InvalidInputException listing every problem with the row
   */
  public Prediction predict(Map<String, ?> row) {
    Map<String, ?> used = withoutIgnored(row);
    double[] encoded = Features.encode(descriptor.features(), used);
    return predictEncoded(encoded, Features.outOfRange(descriptor.features(), used));
  }

  /**
   * The row without the fields the model ignores on purpose ({@link
   * BundleDescriptor#ignoredInputs}), so a client may send a whole training-file row.
   */
  private Map<String, ?> withoutIgnored(Map<String, ?> row) {
    List<String> ignored = descriptor.ignoredInputs();
    if (ignored.isEmpty() || ignored.stream().noneMatch(row::containsKey)) {
      return row;
    }
    Map<String, Object> used = new LinkedHashMap<>(row);
    ignored.forEach(used::remove);
    return used;
  }

  /**
   * Classifies several rows. If any row is invalid nothing is predicted, and the exception lists
   * every problem of every row, with the field prefixed by the row index: {@code [2].sepal_length}.
   *
   * @throws InvalidInputException listing every problem with every row
   */
  public List<Prediction> predictAll(List<? extends Map<String, ?>> rows) {
    List<double[]> encoded = new ArrayList<>(rows.size());
    List<FieldError> errors = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      try {
        encoded.add(Features.encode(descriptor.features(), withoutIgnored(rows.get(i))));
      } catch (InvalidInputException e) {
        for (FieldError error : e.errors()) {
          errors.add(new FieldError("[" + i + "]." + error.field(), error.problem()));
        }
      }
    }
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
    List<Prediction> out = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      out.add(
          predictEncoded(encoded.get(i), Features.outOfRange(descriptor.features(), rows.get(i))));
    }
    return List.copyOf(out);
  }

  private Prediction predictEncoded(double[] encoded, List<String> outOfRange) {
    double[] posteriori = new double[predictor.numClasses()];
    int index = predictor.predict(encoded, posteriori);
    List<String> labels = descriptor.classLabels();
    Map<String, Double> probabilities = new LinkedHashMap<>();
    for (int i = 0; i < labels.size(); i++) {
      probabilities.put(labels.get(i), posteriori[i]);
    }
    return new Prediction(labels.get(index), posteriori[index], probabilities, outOfRange);
  }

  @Override
  public String toString() {
    return "LoadedModel["
        + descriptor.algorithm()
        + ", sha256="
        + descriptor.modelSha256()
        + ", dir="
        + dir
        + "]";
  }
}
