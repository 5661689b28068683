package dev.smileflow.train.validation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.smileflow.train.data.Column;
import dev.smileflow.train.data.DataError;
import dev.smileflow.train.data.DataException;
import dev.smileflow.train.data.Table;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;

/**
 * A training data profile: row count, class counts, and per feature its type, missing count and
 * either numeric summary statistics with a sorted sample of at most {@value #SAMPLE} values (evenly
 * spaced order statistics, enough for a Kolmogorov-Smirnov comparison) or the categorical level
 * counts. Written as {@code data_profile.json}; a previous model's profile is the {@code
 * --reference-profile} for drift checks.
 */
public record Profile(long rows, Map<String, Long> classes, Map<String, FeatureProfile> features) {
  /** Maximum sample size kept per numeric feature. */
  public static final int SAMPLE = 1000;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public Profile {
    classes = Collections.unmodifiableMap(new LinkedHashMap<>(classes));
    features = Collections.unmodifiableMap(new LinkedHashMap<>(features));
  }

  /** One feature's profile. */
  public record FeatureProfile(
      String type,
      long missing,
      @Nullable Double min,
      @Nullable Double max,
      @Nullable Double mean,
      @Nullable Double std,
      List<Double> sample,
      Map<String, Long> levels) {
    public FeatureProfile {
      sample = List.copyOf(sample);
      levels = Collections.unmodifiableMap(new LinkedHashMap<>(levels));
    }
  }

  /** Profiles {@code table}. */
  public static Profile of(Table table) {
    Map<String, Long> classes = new LinkedHashMap<>();
    int[] counts = table.classCounts();
    for (int c = 0; c < counts.length; c++) {
      classes.put(table.classes().get(c), (long) counts[c]);
    }
    Map<String, FeatureProfile> features = new LinkedHashMap<>();
    for (Column column : table.columns()) {
      long missing = 0;
      for (int i = 0; i < column.size(); i++) {
        if (column.isMissing(i)) {
          missing++;
        }
      }
      switch (column) {
        case Column.Numeric n -> {
          double[] v =
              Arrays.stream(n.values(IntStream.range(0, n.size()).toArray()))
                  .filter(x -> !Double.isNaN(x))
                  .sorted()
                  .toArray();
          double mean = Arrays.stream(v).average().orElse(0);
          double var = Arrays.stream(v).map(x -> (x - mean) * (x - mean)).average().orElse(0);
          features.put(
              n.name(),
              new FeatureProfile(
                  "double",
                  missing,
                  v.length == 0 ? 0 : v[0],
                  v.length == 0 ? 0 : v[v.length - 1],
                  mean,
                  Math.sqrt(var),
                  sample(v),
                  Map.of()));
        }
        case Column.Categorical c -> {
          Map<String, Long> levels = new LinkedHashMap<>();
          c.levels().forEach(l -> levels.put(l, 0L));
          for (int i = 0; i < c.size(); i++) {
            String v = c.value(i);
            if (v != null) {
              levels.merge(v, 1L, Long::sum);
            }
          }
          features.put(
              c.name(),
              new FeatureProfile("string", missing, null, null, null, null, List.of(), levels));
        }
      }
    }
    return new Profile(table.rows(), classes, features);
  }

  private static List<Double> sample(double[] sorted) {
    if (sorted.length <= SAMPLE) {
      return Arrays.stream(sorted).boxed().toList();
    }
    Double[] out = new Double[SAMPLE];
    for (int i = 0; i < SAMPLE; i++) {
      out[i] = sorted[(int) Math.round((double) i * (sorted.length - 1) / (SAMPLE - 1))];
    }
    return List.of(out);
  }

  /** This profile as indented JSON. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialize profile", e);
    }
  }

  /** Reads a profile written by {@link #toJson()}. */
  public static Profile read(Path file) {
    try {
      return JSON.readValue(file.toFile(), Profile.class);
    } catch (IOException e) {
      throw new DataException(
          DataError.REFERENCE_PROFILE,
          "cannot read reference profile "
              + file
              + ": "
              + Objects.requireNonNullElse(e.getMessage(), e.toString())
                  .lines()
                  .findFirst()
                  .orElse(""),
          e);
    }
  }
}
