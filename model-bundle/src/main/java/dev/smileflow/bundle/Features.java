package dev.smileflow.bundle;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The one preprocessing path: turns a row of named values into the vector a model was trained on.
 * Training, cross-validation and serving all call {@link #encode}, so they cannot drift apart: the
 * imputation of a missing value and the folding of a rare or unseen level into a categorical's
 * other bucket happen here, for all three.
 */
public final class Features {
  private static final int MAX_ECHOED_VALUE = 64;

  /**
   * How many training standard deviations from the training mean a numeric value may lie. Beyond
   * that a value is no measurement the model can say anything about, and its encoding can overflow
   * a model's arithmetic into a non-number (a logistic regression's score of {@code 1e308}).
   */
  public static final double MAX_STANDARD_DEVIATIONS = 1e6;

  private Features() {}

  /**
   * Checks a feature list: at least one feature, no duplicate names, no clashes between encoded
   * column names. Returns an immutable copy.
   */
  public static List<Feature> validate(List<Feature> features) {
    List<Feature> copy = List.copyOf(features);
    if (copy.isEmpty()) {
      throw new IllegalArgumentException("a model needs at least one feature");
    }
    Set<String> names = new HashSet<>();
    for (Feature f : copy) {
      if (!names.add(f.name())) {
        throw new IllegalArgumentException("duplicate feature name: " + f.name());
      }
    }
    Set<String> encoded = new HashSet<>();
    for (String name : encodedNames(copy)) {
      if (!encoded.add(name)) {
        throw new IllegalArgumentException("encoded column name clash: " + name);
      }
    }
    return copy;
  }

  /**
   * The names of the encoded columns, in vector order: a numeric feature's own name, then one
   * {@code name=level} per level of a categorical feature, and {@code name=__other__} for its other
   * bucket.
   */
  public static List<String> encodedNames(List<Feature> features) {
    List<String> names = new ArrayList<>();
    for (Feature f : features) {
      switch (f) {
        case Feature.Numeric n -> names.add(n.name());
        case Feature.Categorical c -> {
          c.levels().forEach(level -> names.add(c.name() + "=" + level));
          if (c.otherBucket()) {
            names.add(c.name() + "=" + Feature.Categorical.OTHER_LEVEL);
          }
        }
      }
    }
    return List.copyOf(names);
  }

  /** The length of the encoded vector. */
  public static int width(List<Feature> features) {
    return features.stream().mapToInt(Feature::width).sum();
  }

  /**
   * Encodes one row: numeric values as {@code (x - mean) / std} (0 when std is 0), categorical
   * values one-hot in level order, a value outside the levels into the feature's other bucket. A
   * null or absent field takes the feature's {@link Feature#fill() fill} when it has one, and is
   * then encoded exactly as if the fill had been sent.
   *
   * @throws InvalidInputException listing every missing (without a fill), unknown, null (without a
   *     fill), wrongly typed, non-finite or unknown-level field
   */
  public static double[] encode(List<Feature> features, Map<String, ?> row) {
    double[] out = new double[width(features)];
    List<FieldError> errors = new ArrayList<>();
    int at = 0;
    for (Feature f : features) {
      String name = f.name();
      Object value = row.get(name);
      if (value == null) {
        value = f.fill();
      }
      if (value == null) {
        errors.add(
            new FieldError(name, row.containsKey(name) ? "must not be null" : "field required"));
      } else {
        switch (f) {
          case Feature.Numeric n -> {
            if (!(value instanceof Number number)) {
              errors.add(new FieldError(name, "must be a number (got " + jsonType(value) + ")"));
            } else {
              double x = number.doubleValue();
              if (!Double.isFinite(x)) {
                errors.add(new FieldError(name, "must be a finite number"));
              } else if (x < lowestAccepted(n) || x > highestAccepted(n)) {
                errors.add(
                    new FieldError(
                        name,
                        "must be within ["
                            + lowestAccepted(n)
                            + ", "
                            + highestAccepted(n)
                            + "] ("
                            + MAX_STANDARD_DEVIATIONS
                            + " training standard deviations of the mean)"));
              } else {
                out[at] = n.std() == 0.0 ? 0.0 : (x - n.mean()) / n.std();
              }
            }
          }
          case Feature.Categorical c -> {
            if (!(value instanceof String level)) {
              errors.add(new FieldError(name, "must be a string (got " + jsonType(value) + ")"));
            } else {
              int index = c.levels().indexOf(level);
              if (index >= 0) {
                out[at + index] = 1.0;
              } else if (c.otherBucket()) {
                out[at + c.levels().size()] = 1.0;
              } else {
                errors.add(
                    new FieldError(
                        name,
                        "unknown level '"
                            + echo(level)
                            + "' (expected one of: "
                            + String.join(", ", c.levels())
                            + ")"));
              }
            }
          }
        }
      }
      at += f.width();
    }
    Set<String> known = features.stream().map(Feature::name).collect(Collectors.toSet());
    row.keySet().stream()
        .filter(key -> !known.contains(key))
        .sorted()
        .forEach(key -> errors.add(new FieldError(echo(key), "unknown field")));
    if (!errors.isEmpty()) {
      throw new InvalidInputException(errors);
    }
    return out;
  }

  /**
   * The lowest value {@link #encode} accepts for {@code n}: {@link #MAX_STANDARD_DEVIATIONS} below
   * the training mean ({@code -Double.MAX_VALUE} when the training values were all equal, as the
   * encoding is then 0 whatever the value).
   */
  public static double lowestAccepted(Feature.Numeric n) {
    return n.std() == 0.0
        ? -Double.MAX_VALUE
        : Math.max(-Double.MAX_VALUE, n.mean() - MAX_STANDARD_DEVIATIONS * n.std());
  }

  /** The highest value {@link #encode} accepts for {@code n}; see {@link #lowestAccepted}. */
  public static double highestAccepted(Feature.Numeric n) {
    return n.std() == 0.0
        ? Double.MAX_VALUE
        : Math.min(Double.MAX_VALUE, n.mean() + MAX_STANDARD_DEVIATIONS * n.std());
  }

  /**
   * The numeric fields of a row whose value lies outside the [min, max] range seen in training, in
   * feature order. Fields that are missing or not finite numbers are ignored here ({@link #encode}
   * reports them).
   */
  public static List<String> outOfRange(List<Feature> features, Map<String, ?> row) {
    List<String> names = new ArrayList<>();
    for (Feature f : features) {
      if (f instanceof Feature.Numeric n && row.get(n.name()) instanceof Number number) {
        double x = number.doubleValue();
        if (Double.isFinite(x) && (x < n.min() || x > n.max())) {
          names.add(n.name());
        }
      }
    }
    return List.copyOf(names);
  }

  private static String jsonType(Object value) {
    return switch (value) {
      case String _ -> "string";
      case Boolean _ -> "boolean";
      case Number _ -> "number";
      case Map<?, ?> _ -> "object";
      case Collection<?> _ -> "array";
      case Object o when o.getClass().isArray() -> "array";
      default -> "object";
    };
  }

  private static String echo(String text) {
    return text.length() <= MAX_ECHOED_VALUE ? text : text.substring(0, MAX_ECHOED_VALUE) + "...";
  }
}
