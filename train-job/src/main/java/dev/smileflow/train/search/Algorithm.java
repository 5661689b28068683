package dev.smileflow.train.search;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;

/** The candidate algorithms, each with its hyperparameter names and a small default grid. */
@SuppressWarnings("ImmutableEnumChecker") // defaults unmodifiable, the factories stateless lambdas
public enum Algorithm {
  LOGISTIC(
      "logistic",
      1,
      Map.of("lambda", List.of(0.01, 0.1, 1.0)),
      p -> new ModelSpec.Logistic(real(p, "lambda"))),
  SVM(
      "svm",
      5,
      Map.of("c", List.of(1.0, 10.0), "sigma_scale", List.of(0.5, 1.0, 2.0)),
      p -> new ModelSpec.Svm(real(p, "c"), real(p, "sigma_scale"))),
  RANDOM_FOREST(
      "random_forest",
      6,
      Map.of("trees", List.of(100.0), "mtry", List.of(0.0), "max_depth", List.of(4.0, 12.0)),
      p ->
          new ModelSpec.RandomForestSpec(
              integer(p, "trees"), integer(p, "mtry"), integer(p, "max_depth"))),
  GRADIENT_BOOSTING(
      "gradient_boosting",
      7,
      Map.of("trees", List.of(50.0), "max_nodes", List.of(4.0, 8.0), "shrinkage", List.of(0.1)),
      p ->
          new ModelSpec.GradientBoosting(
              integer(p, "trees"), integer(p, "max_nodes"), real(p, "shrinkage"))),
  DECISION_TREE(
      "decision_tree",
      3,
      Map.of("max_depth", List.of(3.0, 8.0), "node_size", List.of(3.0)),
      p -> new ModelSpec.DecisionTreeSpec(integer(p, "max_depth"), integer(p, "node_size"))),
  KNN("knn", 4, Map.of("k", List.of(3.0, 7.0, 15.0)), p -> new ModelSpec.Knn(integer(p, "k"))),
  NAIVE_BAYES(
      "naive_bayes",
      0,
      Map.of("var_smoothing", List.of(1e-9)),
      p -> new ModelSpec.NaiveBayesSpec(real(p, "var_smoothing"))),
  LDA("lda", 2, Map.of("ridge", List.of(1e-4)), p -> new ModelSpec.Lda(real(p, "ridge")));

  private final String id;
  private final int simplicity;
  private final Map<String, List<Double>> defaults;
  private final Function<Map<String, Double>, ModelSpec> factory;

  Algorithm(
      String id,
      int simplicity,
      Map<String, List<Double>> defaults,
      Function<Map<String, Double>, ModelSpec> factory) {
    this.id = id;
    this.simplicity = simplicity;
    this.defaults = Collections.unmodifiableMap(new TreeMap<>(defaults));
    this.factory = factory;
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

  /** The default grid: values per hyperparameter name, names sorted. */
  public Map<String, List<Double>> defaultGrid() {
    return defaults;
  }

  /**
   * Builds a candidate from one value per hyperparameter; {@link SearchSpace} holds exactly the
   * known names.
   */
  ModelSpec spec(Map<String, Double> params) {
    return factory.apply(params);
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

  /** The value of {@code name}, which the search space always holds. */
  private static double real(Map<String, Double> p, String name) {
    return Objects.requireNonNull(p.get(name), () -> "the search space has a value for " + name);
  }

  private static int integer(Map<String, Double> p, String name) {
    double value = real(p, name);
    if (value != Math.rint(value)) {
      throw new IllegalArgumentException(name + " must be a whole number, got " + value);
    }
    return (int) value;
  }
}
