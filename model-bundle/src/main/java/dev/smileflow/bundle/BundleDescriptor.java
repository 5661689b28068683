package dev.smileflow.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What a bundle says about itself ({@code bundle.json}): the format version, the algorithm and its
 * hyperparameters, the features (which are the preprocessing, including the fitted imputation
 * values and the categorical other buckets), the training columns it ignores, the class labels
 * (index i = label index i), the metrics, the training data's fingerprint, the seed, the library
 * versions, the checksum of {@code model.ser}, and (optional, format version 2) the training
 * profile of the features, against which a serving process measures drift. Maps are copied sorted
 * by key, so the same descriptor always serializes to the same JSON.
 *
 * <p>Build one with {@link #of} before writing; {@link ModelBundle#write} fills {@code modelSha256}
 * and {@code modelSizeBytes}. Until then {@code modelSha256} is null and {@code modelSizeBytes} 0.
 */
public record BundleDescriptor(
    int formatVersion,
    String algorithm,
    Map<String, String> hyperparameters,
    List<Feature> features,
    List<String> ignoredInputs,
    String labelColumn,
    List<String> classLabels,
    Map<String, Double> metrics,
    String dataDigest,
    long trainingRows,
    long seed,
    String smileVersion,
    String javaVersion,
    Instant createdAt,
    @Nullable String modelSha256,
    long modelSizeBytes,
    @Nullable TrainingProfile trainingProfile) {

  /**
   * The format version this release writes: 2, which added imputation fills and the categorical
   * other bucket to the features.
   */
  public static final int FORMAT_VERSION = 2;

  /**
   * The oldest format version this release reads: 1 (every field required, every level its own
   * column).
   */
  public static final int OLDEST_FORMAT_VERSION = 1;

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  public BundleDescriptor {
    if (formatVersion < OLDEST_FORMAT_VERSION || formatVersion > FORMAT_VERSION) {
      throw new IllegalArgumentException(
          "unsupported format version "
              + formatVersion
              + " (this release supports "
              + OLDEST_FORMAT_VERSION
              + " to "
              + FORMAT_VERSION
              + ")");
    }
    requireText("algorithm", algorithm);
    hyperparameters = sortedCopy(hyperparameters);
    features = Features.validate(features);
    if (formatVersion == 1) {
      for (Feature f : features) {
        if (f.fill() != null || (f instanceof Feature.Categorical c && c.otherBucket())) {
          throw new IllegalArgumentException(
              "feature " + f.name() + ": format version 1 has no imputation fill or other bucket");
        }
      }
    }
    requireText("labelColumn", labelColumn);
    Set<String> seen = new HashSet<>();
    features.forEach(f -> seen.add(f.name()));
    if (!seen.add(labelColumn)) {
      throw new IllegalArgumentException("label column " + labelColumn + " is also a feature");
    }
    ignoredInputs = List.copyOf(ignoredInputs);
    if (formatVersion == 1 && !ignoredInputs.isEmpty()) {
      throw new IllegalArgumentException("format version 1 has no ignored inputs");
    }
    for (String name : ignoredInputs) {
      requireText("ignored input", name);
      if (!seen.add(name)) {
        throw new IllegalArgumentException(
            "ignored input " + name + " is a feature, the label or listed twice");
      }
    }
    classLabels = List.copyOf(classLabels);
    if (classLabels.size() < 2) {
      throw new IllegalArgumentException("need at least 2 class labels, got " + classLabels.size());
    }
    if (classLabels.stream().distinct().count() != classLabels.size()) {
      throw new IllegalArgumentException("duplicate class labels: " + classLabels);
    }
    for (String label : classLabels) {
      requireText("class label", label);
    }
    metrics = sortedCopy(metrics);
    metrics.forEach((name, value) -> {
      if (!Double.isFinite(value)) {
        throw new IllegalArgumentException("metric " + name + " must be finite, got " + value);
      }
    });
    requireText("dataDigest", dataDigest);
    if (trainingRows < 1) {
      throw new IllegalArgumentException("trainingRows must be >= 1, got " + trainingRows);
    }
    requireText("smileVersion", smileVersion);
    requireText("javaVersion", javaVersion);
    Objects.requireNonNull(createdAt, "createdAt");
    if (modelSha256 != null && !SHA256.matcher(modelSha256).matches()) {
      throw new IllegalArgumentException("modelSha256 must be 64 lowercase hex digits");
    }
    if (modelSizeBytes < 0) {
      throw new IllegalArgumentException("modelSizeBytes must be >= 0, got " + modelSizeBytes);
    }
    if ((modelSha256 == null) != (modelSizeBytes == 0)) {
      throw new IllegalArgumentException(
          "modelSha256 and modelSizeBytes are set together (by ModelBundle.write)");
    }
    if (trainingProfile != null) {
      if (formatVersion == 1) {
        throw new IllegalArgumentException("format version 1 has no training profile");
      }
      trainingProfile.requireMatches(features);
    }
  }

  /**
   * A descriptor for a model about to be written: format version {@value #FORMAT_VERSION}, the
   * Smile version this module was built with, the running Java version, no checksum yet.
   */
  public static BundleDescriptor of(
      String algorithm,
      Map<String, String> hyperparameters,
      List<Feature> features,
      String labelColumn,
      List<String> classLabels,
      Map<String, Double> metrics,
      String dataDigest,
      long trainingRows,
      long seed,
      Instant createdAt) {
    return new BundleDescriptor(
        FORMAT_VERSION,
        algorithm,
        hyperparameters,
        features,
        List.of(),
        labelColumn,
        classLabels,
        metrics,
        dataDigest,
        trainingRows,
        seed,
        smileVersionInUse(),
        Runtime.version().toString(),
        createdAt,
        null,
        0,
        null);
  }

  /** This descriptor with the checksum and size of its {@code model.ser}. */
  public BundleDescriptor withModelFile(String sha256, long sizeBytes) {
    return copy(ignoredInputs, sha256, sizeBytes, trainingProfile);
  }

  /**
   * This descriptor with the columns of the training data that the model leaves out on purpose
   * (identifiers, constants, dates, dropped columns): a request may carry them, and they are
   * ignored rather than refused as unknown fields.
   */
  public BundleDescriptor withIgnoredInputs(List<String> names) {
    return copy(names, modelSha256, modelSizeBytes, trainingProfile);
  }

  /**
   * This descriptor with the distribution of the training rows' features, which the api compares
   * the rows it serves with.
   */
  public BundleDescriptor withTrainingProfile(TrainingProfile profile) {
    return copy(ignoredInputs, modelSha256, modelSizeBytes, profile);
  }

  private BundleDescriptor copy(
      List<String> ignored, @Nullable String sha256, long size, @Nullable TrainingProfile profile) {
    return new BundleDescriptor(
        formatVersion,
        algorithm,
        hyperparameters,
        features,
        ignored,
        labelColumn,
        classLabels,
        metrics,
        dataDigest,
        trainingRows,
        seed,
        smileVersion,
        javaVersion,
        createdAt,
        sha256,
        size,
        profile);
  }

  /** The encoded column names, in vector order. */
  public List<String> encodedNames() {
    return Features.encodedNames(features);
  }

  /** The version of smile-core this module was built against (from the parent pom). */
  static String smileVersionInUse() {
    Properties p = new Properties();
    try (InputStream in = BundleDescriptor.class.getResourceAsStream("versions.properties")) {
      if (in == null) {
        throw new IllegalStateException("versions.properties missing from the model-bundle jar");
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p.getProperty("smile.version", "unknown");
  }

  static String requireText(String what, String value) {
    if (value.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
    return value;
  }

  private static <V> Map<String, V> sortedCopy(Map<String, V> map) {
    var sorted = new TreeMap<String, V>();
    map.forEach((k, v) -> {
      requireText("map key", k);
      sorted.put(k, Objects.requireNonNull(v, () -> "null value for " + k));
    });
    return Collections.unmodifiableMap(sorted);
  }
}
