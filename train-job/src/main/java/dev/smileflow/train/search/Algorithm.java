package dev.smileflow.train.search;

import static dev.smileflow.train.search.ModelSpec.num;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The candidate algorithms, each with its hyperparameters (one {@link Param} each: name, whole or
 * real, allowed range, default values) and how a candidate is built from one value of each.
 */
@SuppressWarnings("ImmutableEnumChecker") // params unmodifiable, the factories stateless lambdas
public enum Algorithm {
  LOGISTIC(
      "logistic", 1, v -> new ModelSpec.Logistic(v[0]), Param.real("lambda", 0, 1e6, 0.01, 0.1, 1)),
  SVM(
      "svm",
      5,
      v -> new ModelSpec.Svm(v[0], v[1]),
      Param.real("c", 1e-6, 1e6, 1, 10),
      Param.real("sigma_scale", 1e-4, 1e4, 0.5, 1, 2)),
  RANDOM_FOREST(
      "random_forest",
      6,
      v -> new ModelSpec.RandomForestSpec((int) v[0], (int) v[1], (int) v[2]),
      Param.whole("trees", 1, 5000, 100),
      Param.whole("mtry", 0, 100_000, 0),
      Param.whole("max_depth", 2, 1000, 4, 12)),
  GRADIENT_BOOSTING(
      "gradient_boosting",
      7,
      v -> new ModelSpec.GradientBoosting((int) v[0], (int) v[1], v[2]),
      Param.whole("trees", 1, 5000, 50),
      Param.whole("max_nodes", 2, 10_000, 4, 8),
      Param.real("shrinkage", 1e-4, 1, 0.1)),
  DECISION_TREE(
      "decision_tree",
      3,
      v -> new ModelSpec.DecisionTreeSpec((int) v[0], (int) v[1]),
      Param.whole("max_depth", 1, 1000, 3, 8),
      Param.whole("node_size", 1, 100_000, 3)),
  KNN("knn", 4, v -> new ModelSpec.Knn((int) v[0]), Param.whole("k", 1, 1000, 3, 7, 15)),
  NAIVE_BAYES(
      "naive_bayes",
      0,
      v -> new ModelSpec.NaiveBayesSpec(v[0]),
      Param.real("var_smoothing", 1e-12, 10, 1e-9)),
  LDA("lda", 2, v -> new ModelSpec.Lda(v[0]), Param.real("ridge", 1e-12, 10, 1e-4));

  /**
   * One hyperparameter: name, whole numbers only or not, allowed {@code [min, max]} and default
   * grid values; an algorithm declares them in the order of its record's components.
   */
  record Param(String name, boolean whole, double min, double max, List<Double> defaults) {
    static Param real(String name, double min, double max, double... defaults) {
      return new Param(name, false, min, max, Arrays.stream(defaults).boxed().toList());
    }

    static Param whole(String name, int min, int max, double... defaults) {
      return new Param(name, true, min, max, Arrays.stream(defaults).boxed().toList());
    }

    /** Its value in {@code values}, which the search space always fills. */
    private double read(Map<String, Double> values) {
      double value = Objects.requireNonNull(values.get(name), name);
      if (whole && value != Math.rint(value)) {
        throw new IllegalArgumentException(name + " must be a whole number, got " + value);
      }
      return value;
    }

    private void requireInRange(String algorithm, double value) {
      if (!(value >= min && value <= max)) {
        String range = "[" + num(min) + ", " + num(max) + "]";
        throw new IllegalArgumentException(
            algorithm + "." + name + " must be in " + range + ", got " + num(value));
      }
    }
  }

  private final String id;
  private final int simplicity;
  private final Function<double[], ModelSpec> factory;
  private final List<Param> declared;

  Algorithm(String id, int simplicity, Function<double[], ModelSpec> factory, Param... params) {
    this.id = id;
    this.simplicity = simplicity;
    this.factory = factory;
    this.declared = List.of(params);
  }

  /** The name used on the command line, in search files and in MLflow ({@code random_forest}). */
  public String id() {
    return id;
  }

  /**
   * The rank of this algorithm from the simplest (0) up, which breaks ties between candidates of
   * different algorithms: fewer, plainer parameters and smoother decision functions first - naive
   * Bayes, logistic regression, LDA, a decision tree, kNN, SVM, random forest, gradient boosting.
   */
  public int simplicity() {
    return simplicity;
  }

  /** Whether it needs Smile's native BLAS/LAPACK (LDA's eigendecomposition does). */
  public boolean needsBlas() {
    return this == LDA;
  }

  /** The hyperparameters by name, names sorted (a fresh map). */
  Map<String, Param> params() {
    Map<String, Param> byName = new TreeMap<>();
    declared.forEach(p -> byName.put(p.name(), p));
    return byName;
  }

  /** Builds a candidate from one value per hyperparameter, as {@link SearchSpace} holds them. */
  ModelSpec spec(Map<String, Double> values) {
    return factory.apply(declared.stream().mapToDouble(p -> p.read(values)).toArray());
  }

  /** Throws unless each value, in declaration order, is in range: {@code svm.c must be in [..]}. */
  void requireInRange(double... values) {
    for (int i = 0; i < values.length; i++) {
      declared.get(i).requireInRange(id, values[i]);
    }
  }

  /** Parses an id ({@code random_forest}, case-insensitive, {@code -} accepted for {@code _}). */
  public static Algorithm parse(String text) {
    String wanted = text.trim().toLowerCase(Locale.ROOT).replace('-', '_');
    return Arrays.stream(values())
        .filter(a -> a.id.equals(wanted))
        .findFirst()
        .orElseThrow(() ->
            new IllegalArgumentException(
                "unknown algorithm '"
                    + text
                    + "' (known: "
                    + String.join(", ", Arrays.stream(values()).map(Algorithm::id).toList())
                    + ")"));
  }
}
