package dev.smileflow.bundle;

import java.util.Arrays;
import java.util.List;
import smile.classification.Classifier;
import smile.classification.DataFrameClassifier;
import smile.data.Tuple;
import smile.data.type.DataTypes;
import smile.data.type.StructField;
import smile.data.type.StructType;

/**
 * The one prediction path, shared by cross-validation, hold-out scoring and serving. Wraps either a
 * {@code Classifier<double[]>} that takes the encoded vector, or a {@link DataFrameClassifier}
 * trained on a DataFrame whose predictor columns are {@link Features#encodedNames}. The model must
 * have been trained on labels {@code 0..k-1}; {@link #predict} returns that label index.
 *
 * <p>Thread-safe: Smile's {@code predict} allocates its scratch buffers per call, and the DataFrame
 * path builds every tuple on one shared {@link StructType} so that {@code Formula.bind} (which
 * caches per schema identity) never rebinds.
 */
public final class Predictor {
  private final Route route;
  private final int width;
  private final int numClasses;
  private final boolean soft;

  private sealed interface Route permits VectorPath, TuplePath {}

  private record VectorPath(Classifier<double[]> model) implements Route {}

  private record TuplePath(DataFrameClassifier model, StructType schema) implements Route {}

  private Predictor(Classifier<?> model, Route route, int width) {
    this.route = route;
    this.width = width;
    this.numClasses = model.numClasses();
    this.soft = model.isSoft();
    if (numClasses < 2) {
      throw new IllegalArgumentException("model has " + numClasses + " classes; need at least 2");
    }
    int[] classes = model.classes();
    if (classes.length != numClasses) {
      throw new IllegalArgumentException(
          "model reports " + numClasses + " classes but " + classes.length + " labels");
    }
    for (int i = 0; i < classes.length; i++) {
      if (classes[i] != i) {
        throw new IllegalArgumentException(
            "model was not trained on labels 0..k-1 (class " + i + " is label " + classes[i] + ")");
      }
    }
  }

  /**
   * Wraps a fitted Smile classifier.
   *
   * @param smileModel a {@code Classifier<double[]>} or a {@link DataFrameClassifier}
   * @param encodedNames the encoded column names, in vector order ({@link Features#encodedNames})
   * @throws IllegalArgumentException if the object is not a Smile classifier, or has fewer than 2
   *     classes, or was not trained on labels {@code 0..k-1}
   */
  public static Predictor of(Object smileModel, List<String> encodedNames) {
    List<String> names = List.copyOf(encodedNames);
    if (names.isEmpty()) {
      throw new IllegalArgumentException("no encoded columns");
    }
    return switch (smileModel) {
      case DataFrameClassifier m ->
          new Predictor(m, new TuplePath(m, schemaOf(names)), names.size());
      case Classifier<?> m -> new Predictor(m, new VectorPath(vectorClassifier(m)), names.size());
      default ->
          throw new IllegalArgumentException(
              "not a Smile classifier: " + smileModel.getClass().getName());
    };
  }

  // Classifier<T> is erased; a non-DataFrame Smile classifier in a bundle is trained on double[] by
  // contract, and a wrong element type fails at the first (warm-up) prediction with a CCE.
  @SuppressWarnings("unchecked")
  private static Classifier<double[]> vectorClassifier(Classifier<?> model) {
    return (Classifier<double[]>) model;
  }

  private static StructType schemaOf(List<String> names) {
    return new StructType(
        names.stream().map(name -> new StructField(name, DataTypes.DoubleType)).toList());
  }

  /**
   * Predicts one encoded row.
   *
   * @param encoded the vector from {@link Features#encode}
   * @param posteriori filled with the class probabilities (length {@link #numClasses()}); a hard
   *     classifier fills it one-hot
   * @return the label index {@code 0..k-1}
   */
  public int predict(double[] encoded, double[] posteriori) {
    if (encoded.length != width) {
      throw new IllegalArgumentException(
          "encoded vector has " + encoded.length + " values; the model expects " + width);
    }
    if (posteriori.length != numClasses) {
      throw new IllegalArgumentException(
          "posteriori has length "
              + posteriori.length
              + "; the model has "
              + numClasses
              + " classes");
    }
    int label;
    if (soft) {
      label =
          switch (route) {
            case VectorPath p -> p.model().predict(encoded, posteriori);
            case TuplePath p -> p.model().predict(Tuple.of(p.schema(), encoded), posteriori);
          };
    } else {
      label =
          switch (route) {
            case VectorPath p -> p.model().predict(encoded);
            case TuplePath p -> p.model().predict(Tuple.of(p.schema(), encoded));
          };
      Arrays.fill(posteriori, 0.0);
      if (label >= 0 && label < numClasses) {
        posteriori[label] = 1.0;
      }
    }
    if (label < 0 || label >= numClasses) {
      throw new IllegalStateException(
          "model returned label " + label + " outside 0.." + (numClasses - 1));
    }
    return label;
  }

  /** Predicts one encoded row, without probabilities. */
  public int predict(double[] encoded) {
    return predict(encoded, new double[numClasses]);
  }

  /** The number of classes k; labels are {@code 0..k-1}. */
  public int numClasses() {
    return numClasses;
  }
}
