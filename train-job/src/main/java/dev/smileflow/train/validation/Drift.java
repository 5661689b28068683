package dev.smileflow.train.validation;

import dev.smileflow.train.data.Column;
import dev.smileflow.train.data.Table;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import smile.stat.hypothesis.KSTest;

/**
 * Distribution drift of the numeric features against a reference profile: Smile's two-sample
 * Kolmogorov-Smirnov test per feature (statistic D = sup |F_ref - F_now| and its two-sided p-value,
 * where the reference side is the profile's sample). A feature drifts when p is below {@value
 * #ALPHA}.
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
            Arrays.stream(n.values(IntStream.range(0, n.size()).toArray()))
                .filter(x -> !Double.isNaN(x))
                .sorted()
                .toArray();
        double[] before = ref.sample().stream().mapToDouble(Double::doubleValue).sorted().toArray();
        out.add(test(n.name(), before, now));
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

  /**
   * Smile's two-sample KS test of {@code before} against {@code now} (no drift if either is empty).
   */
  static Result test(String feature, double[] before, double[] now) {
    if (before.length == 0 || now.length == 0) {
      return new Result(feature, 0, 1, false);
    }
    KSTest ks = KSTest.test(before.clone(), now.clone());
    return new Result(feature, ks.d(), ks.pvalue(), ks.pvalue() < ALPHA);
  }
}
