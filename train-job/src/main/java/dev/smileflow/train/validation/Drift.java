package dev.smileflow.train.validation;

import dev.smileflow.train.data.Column;
import dev.smileflow.train.data.Table;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Distribution drift of the numeric features against a reference profile: a two-sample
 * Kolmogorov-Smirnov test per feature (statistic D = sup |F_ref - F_now|, asymptotic p-value with
 * effective size n*m/(n+m), where n is the reference's sample size). A feature drifts when p is
 * below {@value #ALPHA}.
 */
public final class Drift {
  /** Significance level. */
  public static final double ALPHA = 0.05;

  private Drift() {}

  /** One feature's comparison; {@code drifted} when {@code pValue < ALPHA}. */
  public record Result(String feature, double statistic, double pValue, boolean drifted) {}

  /**
   * Compares every numeric feature present in both; features missing on either side are reported as
   * findings.
   */
  public static List<Result> compare(Profile reference, Table current, List<Finding> findings) {
    List<Result> out = new ArrayList<>();
    for (Column column : current.columns()) {
      Profile.FeatureProfile ref = reference.features().get(column.name());
      if (ref == null) {
        findings.add(
            new Finding(
                "schema_drift", "column '" + column.name() + "' is not in the reference profile"));
        continue;
      }
      if (column instanceof Column.Numeric n) {
        if (!ref.type().equals("double") || ref.sample().isEmpty()) {
          findings.add(
              new Finding(
                  "schema_drift",
                  "column '"
                      + n.name()
                      + "' is numeric now but "
                      + ref.type()
                      + " in the reference profile"));
          continue;
        }
        double[] now =
            Arrays.stream(n.values(java.util.stream.IntStream.range(0, n.size()).toArray()))
                .filter(x -> !Double.isNaN(x))
                .sorted()
                .toArray();
        double[] before = ref.sample().stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double d = statistic(before, now);
        double p = pValue(d, before.length, now.length);
        out.add(new Result(n.name(), d, p, p < ALPHA));
      } else if (!ref.type().equals("string")) {
        findings.add(
            new Finding(
                "schema_drift",
                "column '"
                    + column.name()
                    + "' is categorical now but "
                    + ref.type()
                    + " in the reference profile"));
      }
    }
    for (String name : reference.features().keySet()) {
      if (current.column(name).isEmpty()) {
        findings.add(
            new Finding(
                "schema_drift", "reference column '" + name + "' is missing from the data"));
      }
    }
    return out;
  }

  /** The two-sample KS statistic of two sorted samples. */
  public static double statistic(double[] a, double[] b) {
    int i = 0;
    int j = 0;
    double d = 0;
    while (i < a.length && j < b.length) {
      double x = Math.min(a[i], b[j]);
      while (i < a.length && a[i] <= x) {
        i++;
      }
      while (j < b.length && b[j] <= x) {
        j++;
      }
      d = Math.max(d, Math.abs((double) i / a.length - (double) j / b.length));
    }
    return d;
  }

  /**
   * Asymptotic two-sided p-value of the KS statistic {@code d} for sample sizes {@code n} and
   * {@code m}.
   */
  public static double pValue(double d, int n, int m) {
    if (n == 0 || m == 0) {
      return 1;
    }
    double en = Math.sqrt((double) n * m / (n + m));
    double lambda = (en + 0.12 + 0.11 / en) * d;
    if (lambda < 1e-3) {
      return 1;
    }
    double sum = 0;
    for (int k = 1; k <= 100; k++) {
      double term = 2 * Math.pow(-1, k - 1) * Math.exp(-2 * k * k * lambda * lambda);
      sum += term;
      if (Math.abs(term) < 1e-12) {
        break;
      }
    }
    return Math.max(0, Math.min(1, sum));
  }
}
