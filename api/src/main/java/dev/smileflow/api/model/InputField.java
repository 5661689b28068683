package dev.smileflow.api.model;

import java.util.List;
import java.util.Objects;

/** One input column of a model's signature: what a request must send under {@link #name()}. */
public sealed interface InputField {

  /** The field name, as in the request body. */
  String name();

  /** A number; {@code min}/{@code max} are the range seen in training (infinite when unknown). */
  record Numeric(String name, double min, double max) implements InputField {
    public Numeric {
      Objects.requireNonNull(name, "name");
      if (Double.isNaN(min) || Double.isNaN(max) || min > max) {
        throw new IllegalArgumentException(
            "invalid training range for " + name + ": [" + min + ", " + max + "]");
      }
    }

    /** True when {@code value} lies outside the training range. */
    public boolean outOfRange(double value) {
      return value < min || value > max;
    }
  }

  /** A string taking one of {@code levels}. */
  record Categorical(String name, List<String> levels) implements InputField {
    public Categorical {
      Objects.requireNonNull(name, "name");
      levels = List.copyOf(levels);
      if (levels.isEmpty()) {
        throw new IllegalArgumentException("categorical field " + name + " has no levels");
      }
    }
  }
}
