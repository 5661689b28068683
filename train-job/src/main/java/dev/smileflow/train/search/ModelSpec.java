package dev.smileflow.train.search;

import dev.smileflow.bundle.PlattSvm;
import dev.smileflow.train.data.Split;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import smile.classification.DecisionTree;
import smile.classification.GradientTreeBoost;
import smile.classification.KNN;
import smile.classification.LDA;
import smile.classification.LogisticRegression;
import smile.classification.NaiveBayes;
import smile.classification.OneVersusOne;
import smile.classification.PlattScaling;
import smile.classification.RandomForest;
import smile.classification.SVM;
import smile.data.DataFrame;
import smile.data.formula.Formula;
import smile.data.vector.ValueVector;
import smile.linalg.UPLO;
import smile.math.MathEx;
import smile.math.kernel.GaussianKernel;
import smile.model.cart.SplitRule;
import smile.stat.distribution.Distribution;
import smile.stat.distribution.GaussianDistribution;
import smile.tensor.DenseMatrix;
import smile.tensor.EVD;

/**
 * One candidate: an algorithm with all its hyperparameters, checked in the record's compact
 * constructor against the ranges its {@link Algorithm} declares. {@link #fit} trains on encoded
 * rows with labels {@code 0..k-1}, seeded so the same inputs give the same model.
 */
public sealed interface ModelSpec {
  /**
   * Column name of the label when a model is trained on a DataFrame (cannot clash with {@code
   * name=level}).
   */
  String LABEL = "__label__";

  /** The algorithm. */
  default Algorithm algorithm() {
    return switch (this) {
      case Logistic l -> Algorithm.LOGISTIC;
      case Svm s -> Algorithm.SVM;
      case RandomForestSpec f -> Algorithm.RANDOM_FOREST;
      case GradientBoosting g -> Algorithm.GRADIENT_BOOSTING;
      case DecisionTreeSpec t -> Algorithm.DECISION_TREE;
      case Knn k -> Algorithm.KNN;
      case NaiveBayesSpec b -> Algorithm.NAIVE_BAYES;
      case Lda l -> Algorithm.LDA;
    };
  }

  /** Hyperparameters by name, as logged to MLflow and stored in the model. */
  Map<String, String> params();

  /**
   * Trains on encoded rows; returns a Smile {@code Classifier<double[]>} or {@code
   * DataFrameClassifier}.
   */
  Object fit(double[][] x, int[] y, List<String> encodedNames, long seed);

  /**
   * How complex this model is within its algorithm, compared lexicographically (smaller is simpler)
   * and only between specs of the same algorithm; it breaks ties ({@link SearchResult#winner()}).
   * More regularization, fewer or shallower trees, more neighbours and wider kernels are simpler.
   */
  double[] complexity();

  /** A short display name, e.g. {@code svm(c=10, sigma=1)}. */
  default String label() {
    return params().entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(", ", algorithm().id() + "(", ")"));
  }

  /** L2-regularized multinomial logistic regression (L-BFGS). */
  record Logistic(double lambda) implements ModelSpec {
    public Logistic {
      Algorithm.LOGISTIC.requireInRange(lambda);
    }

    @Override
    public Map<String, String> params() {
      return ordered("lambda", num(lambda));
    }

    @Override
    public double[] complexity() {
      return new double[] {-lambda};
    }

    @Override
    public Object fit(double[][] x, int[] y, List<String> names, long seed) {
      MathEx.setSeed(seed);
      return LogisticRegression.fit(x, y, new LogisticRegression.Options(lambda, 1e-5, 500));
    }
  }

  /**
   * RBF-kernel SVM with Platt-scaled probabilities. The kernel width is {@code sigma_scale * sqrt(p
   * / 2)} for p encoded (standardized) columns, so {@code sigma_scale = 1} is scikit-learn's {@code
   * gamma="scale"} (gamma = 1 / (2 sigma^2) = 1 / p) whatever the number of features.
   *
   * <p>Two classes: one binary SVM ({@link PlattSvm}), its Platt scaling fitted on held-out
   * decision values (each row scored by a machine trained on the other inner folds, {@link
   * #PLATT_FOLDS} in all, as libsvm does); when a class has fewer rows than there are inner folds,
   * on the training decision values. More classes: Smile's one-versus-one, whose pairwise Platt
   * scalings are fitted on the training decision values.
   */
  record Svm(double c, double sigmaScale) implements ModelSpec {
    public Svm {
      Algorithm.SVM.requireInRange(c, sigmaScale);
    }

    @Override
    public Map<String, String> params() {
      return ordered("c", num(c), "sigma_scale", num(sigmaScale), "kernel", "gaussian");
    }

    /** The Gaussian kernel's sigma for {@code width} encoded columns. */
    public double sigma(int width) {
      return sigmaScale * Math.sqrt(Math.max(1, width) / 2.0);
    }

    /** Inner folds that give the binary Platt scaling its held-out decision values. */
    static final int PLATT_FOLDS = 3;

    @Override
    public double[] complexity() {
      return new double[] {c, -sigmaScale};
    }

    @Override
    public Object fit(double[][] x, int[] y, List<String> names, long seed) {
      GaussianKernel kernel = new GaussianKernel(sigma(names.size()));
      if (classCounts(y).length == 2) {
        return binary(x, y, kernel, seed);
      }
      MathEx.setSeed(seed);
      double cost = c;
      // OneVersusOne trains the pairs on the common pool, whose threads have their own RNGs: seed
      // each pair from the run's seed and the pair's labels, so the result does not depend on
      // which thread trains it.
      return OneVersusOne.fit(
          x,
          y,
          (xi, yi) -> {
            MathEx.setSeed(seed ^ (31L * Arrays.hashCode(yi) + xi.length));
            return SVM.fit(xi, yi, kernel, new SVM.Options(cost));
          });
    }

    private PlattSvm binary(double[][] x, int[] y, GaussianKernel kernel, long seed) {
      int[] signs = Arrays.stream(y).map(label -> label == 1 ? +1 : -1).toArray();
      SVM<double[]> svm = machine(x, signs, kernel, seed);
      double[] scores;
      if (Arrays.stream(classCounts(y)).min().orElse(0) >= PLATT_FOLDS) {
        scores = new double[x.length];
        for (int[] held : Split.folds(y, PLATT_FOLDS, seed)) {
          int[] rest = Split.complement(x.length, held);
          SVM<double[]> inner = machine(pick(x, rest), Split.pick(signs, rest), kernel, seed + 1);
          for (int row : held) {
            scores[row] = inner.score(x[row]);
          }
        }
      } else {
        scores = Arrays.stream(x).mapToDouble(svm::score).toArray();
      }
      return new PlattSvm(svm, PlattScaling.fit(scores, signs));
    }

    private SVM<double[]> machine(double[][] x, int[] signs, GaussianKernel kernel, long seed) {
      MathEx.setSeed(seed);
      return SVM.fit(x, signs, kernel, new SVM.Options(c));
    }
  }

  /** Random forest of CART trees; {@code mtry} 0 means sqrt(p). */
  record RandomForestSpec(int trees, int mtry, int maxDepth) implements ModelSpec {
    public RandomForestSpec {
      Algorithm.RANDOM_FOREST.requireInRange(trees, mtry, maxDepth);
    }

    @Override
    public Map<String, String> params() {
      return ordered("trees", num(trees), "mtry", num(mtry), "max_depth", num(maxDepth));
    }

    @Override
    public double[] complexity() {
      return new double[] {trees, maxDepth, mtry};
    }

    @Override
    public Object fit(double[][] x, int[] y, List<String> names, long seed) {
      MathEx.setSeed(seed);
      int p = names.size();
      int m = mtry == 0 ? Math.max(1, (int) Math.floor(Math.sqrt(p))) : Math.min(mtry, p);
      long[] seeds = new SplittableRandom(seed).longs(trees).toArray();
      var options =
          new RandomForest.Options(
              trees, m, SplitRule.GINI, maxDepth, 0, 1, 1.0, null, seeds, null);
      return RandomForest.fit(Formula.lhs(LABEL), frame(x, y, names), options);
    }
  }

  /** Gradient-boosted trees (softmax for more than two classes). */
  record GradientBoosting(int trees, int maxNodes, double shrinkage) implements ModelSpec {
    public GradientBoosting {
      Algorithm.GRADIENT_BOOSTING.requireInRange(trees, maxNodes, shrinkage);
    }

    @Override
    public Map<String, String> params() {
      return ordered("trees", num(trees), "max_nodes", num(maxNodes), "shrinkage", num(shrinkage));
    }

    @Override
    public double[] complexity() {
      return new double[] {trees, maxNodes, shrinkage};
    }

    @Override
    public Object fit(double[][] x, int[] y, List<String> names, long seed) {
      MathEx.setSeed(seed);
      var options =
          new GradientTreeBoost.Options(trees, 20, maxNodes, 5, shrinkage, 0.7, null, null);
      return GradientTreeBoost.fit(Formula.lhs(LABEL), frame(x, y, names), options);
    }
  }

  /** A single CART tree (Gini). */
  record DecisionTreeSpec(int maxDepth, int nodeSize) implements ModelSpec {
    public DecisionTreeSpec {
      Algorithm.DECISION_TREE.requireInRange(maxDepth, nodeSize);
    }

    @Override
    public Map<String, String> params() {
      return ordered("max_depth", num(maxDepth), "node_size", num(nodeSize));
    }

    @Override
    public double[] complexity() {
      return new double[] {maxDepth, -nodeSize};
    }

    @Override
    public Object fit(double[][] x, int[] y, List<String> names, long seed) {
      MathEx.setSeed(seed);
      var options = new DecisionTree.Options(SplitRule.GINI, maxDepth, 0, nodeSize);
      return DecisionTree.fit(Formula.lhs(LABEL), frame(x, y, names), options);
    }
  }

  /** k-nearest neighbours (Euclidean, on standardized features). */
  record Knn(int k) implements ModelSpec {
    public Knn {
      Algorithm.KNN.requireInRange(k);
    }

    @Override
    public Map<String, String> params() {
      return ordered("k", num(k));
    }

    @Override
    public double[] complexity() {
      return new double[] {-k};
    }

    @Override
    public Object fit(double[][] x, int[] y, List<String> names, long seed) {
      MathEx.setSeed(seed);
      // KDTree skips a query point that is the very same array as a key, so keep private copies of
      // the rows.
      double[][] copy = Arrays.stream(x).map(double[]::clone).toArray(double[][]::new);
      return KNN.fit(copy, y, Math.min(k, x.length));
    }
  }

  /** Gaussian naive Bayes; {@code var_smoothing} is added to every per-class variance. */
  record NaiveBayesSpec(double varSmoothing) implements ModelSpec {
    public NaiveBayesSpec {
      Algorithm.NAIVE_BAYES.requireInRange(varSmoothing);
    }

    @Override
    public Map<String, String> params() {
      return ordered("var_smoothing", num(varSmoothing));
    }

    @Override
    public double[] complexity() {
      return new double[] {-varSmoothing};
    }

    @Override
    public Object fit(double[][] x, int[] y, List<String> names, long seed) {
      int k = classCounts(y).length;
      int p = x[0].length;
      double[] priori = new double[k];
      double[][] sum = new double[k][p];
      double[][] squares = new double[k][p];
      for (int i = 0; i < x.length; i++) {
        priori[y[i]]++;
        for (int j = 0; j < p; j++) {
          sum[y[i]][j] += x[i][j];
          squares[y[i]][j] += x[i][j] * x[i][j];
        }
      }
      Distribution[][] condprob = new Distribution[k][p];
      for (int c = 0; c < k; c++) {
        double n = priori[c];
        for (int j = 0; j < p; j++) {
          double mean = sum[c][j] / n;
          double variance = Math.max(0, squares[c][j] / n - mean * mean) + varSmoothing;
          condprob[c][j] = new GaussianDistribution(mean, Math.sqrt(variance));
        }
        priori[c] = n / x.length;
      }
      return new NaiveBayes(priori, condprob);
    }
  }

  /**
   * Smile's linear discriminant analysis (needs native BLAS/LAPACK), with {@code ridge} added to
   * the diagonal of the covariance. Smile's own {@code LDA.fit} refuses a singular covariance,
   * which every one-hot encoded categorical column (its levels sum to one) and every constant
   * column produce; the ridge keeps those directions at a small, finite variance instead. Like
   * Smile, the covariance is the total one about the overall mean, divided by n - k.
   */
  record Lda(double ridge) implements ModelSpec {
    public Lda {
      Algorithm.LDA.requireInRange(ridge);
    }

    @Override
    public Map<String, String> params() {
      return ordered("ridge", num(ridge));
    }

    @Override
    public double[] complexity() {
      return new double[] {-ridge};
    }

    @Override
    public Object fit(double[][] x, int[] y, List<String> names, long seed) {
      int n = x.length;
      int p = x[0].length;
      int[] counts = classCounts(y);
      int k = counts.length;
      if (n <= k) {
        throw new IllegalArgumentException(
            "LDA needs more rows (" + n + ") than classes (" + k + ")");
      }
      double[] priori = new double[k];
      double[][] mu = new double[k][p];
      double[] mean = new double[p];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < p; j++) {
          mu[y[i]][j] += x[i][j];
          mean[j] += x[i][j] / n;
        }
      }
      for (int c = 0; c < k; c++) {
        priori[c] = (double) counts[c] / n;
        for (int j = 0; j < p; j++) {
          mu[c][j] /= counts[c];
        }
      }
      double[][] covariance = new double[p][p];
      for (double[] row : x) {
        for (int j = 0; j < p; j++) {
          for (int l = 0; l <= j; l++) {
            covariance[j][l] += (row[j] - mean[j]) * (row[l] - mean[l]);
          }
        }
      }
      for (int j = 0; j < p; j++) {
        for (int l = 0; l <= j; l++) {
          covariance[j][l] /= n - k;
          covariance[l][j] = covariance[j][l];
        }
        covariance[j][j] += ridge;
      }
      EVD eigen = DenseMatrix.of(covariance).withUplo(UPLO.LOWER).eigen().sort();
      return new LDA(priori, mu, eigen.wr(), eigen.Vr());
    }
  }

  /** Rows per class of labels {@code 0..k-1}, k being the largest label plus one. */
  private static int[] classCounts(int[] y) {
    int[] counts = new int[Arrays.stream(y).max().orElse(-1) + 1];
    for (int label : y) {
      counts[label]++;
    }
    return counts;
  }

  private static double[][] pick(double[][] x, int[] rows) {
    return Arrays.stream(rows).mapToObj(i -> x[i]).toArray(double[][]::new);
  }

  private static DataFrame frame(double[][] x, int[] y, List<String> names) {
    return DataFrame.of(x, names.toArray(String[]::new)).add(ValueVector.of(LABEL, y));
  }

  private static Map<String, String> ordered(String... keyValues) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      out.put(keyValues[i], keyValues[i + 1]);
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * A double without a trailing {@code .0} for whole numbers (so {@code c=10}, {@code lambda=0.1}).
   */
  static String num(double value) {
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return Double.toString(value);
  }
}
