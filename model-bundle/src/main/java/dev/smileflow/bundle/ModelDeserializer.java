package dev.smileflow.bundle;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Deserializes a verified {@code model.ser} through an allow-list {@link ObjectInputFilter} with
 * depth, reference, array and byte limits. The allow-list holds the Smile model packages, the few
 * JDK value and collection classes Smile models contain, and one smileflow class ({@link
 * PlattSvm}). Every entry outside the Smile packages is an exact class name that a real model
 * needs, and a test fails without it (docs/security.md lists them and why).
 */
final class ModelDeserializer {

  /** Limits on the object graph; {@link #DEFAULT} is far above what real Smile models need. */
  record Limits(long maxDepth, long maxRefs, long maxArrayLength, long maxBytes) {
    // Observed maxima over Smile's classifiers (smile.md section 4): depth 14, 4.9k references.
    static final Limits DEFAULT = new Limits(100, 2_000_000, 20_000_000, 512L * 1024 * 1024);

    Limits {
      if (maxDepth < 1 || maxRefs < 1 || maxArrayLength < 1 || maxBytes < 1) {
        throw new IllegalArgumentException("limits must be positive");
      }
    }
  }

  /** Package prefixes whose classes Smile classifiers are made of. */
  static final List<String> ALLOWED_PACKAGES =
      List.of(
          "smile.classification.",
          "smile.data.formula.",
          "smile.data.measure.",
          "smile.data.type.",
          "smile.data.transform.",
          "smile.feature.transform.",
          "smile.math.kernel.",
          "smile.math.distance.",
          "smile.math.rbf.",
          "smile.model.",
          "smile.neighbor.",
          "smile.regression.",
          "smile.stat.distribution.",
          "smile.tensor.",
          "smile.util.",
          "smile.validation.");

  /** Individual classes found inside the models train-job writes. */
  static final Set<String> ALLOWED_CLASSES =
      Set.of(
          // The binary SVM with Platt scaling: Smile has no calibrated two-class SVM.
          "dev.smileflow.bundle.PlattSvm",
          "java.lang.Object",
          "java.lang.Number",
          "java.lang.Enum",
          "java.lang.String",
          "java.lang.Boolean",
          "java.lang.Byte",
          "java.lang.Character",
          "java.lang.Short",
          "java.lang.Integer",
          "java.lang.Long",
          "java.lang.Float",
          "java.lang.Double",
          "java.util.ArrayList",
          "java.util.HashMap",
          "java.util.LinkedHashMap",
          "java.util.Hashtable",
          "java.util.Properties",
          "java.util.Map$Entry",
          // KNN on 10 or more features searches a CoverTree, which keeps its points in
          // Arrays.asList(...) views; their elements are still checked one by one.
          "java.util.Arrays$ArrayList",
          // ... and measures distances with the method reference MathEx::distance. Resolving it
          // calls $deserializeLambda$ of the capturing class, which is read (and so checked) as a
          // class too: only lambdas compiled into allow-listed classes can come back.
          "java.lang.invoke.SerializedLambda");

  private ModelDeserializer() {}

  static Object read(byte[] bytes, Path file, Limits limits) throws BundleException {
    var filter = new AllowListFilter(limits);
    try (var in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      in.setObjectInputFilter(filter);
      return in.readObject();
    } catch (InvalidClassException e) {
      String rejection = filter.rejection;
      if (rejection != null) {
        throw new BundleException(
            filter.forLimit
                ? BundleException.Code.LIMIT_EXCEEDED
                : BundleException.Code.FORBIDDEN_CLASS,
            file,
            rejection);
      }
      throw new BundleException(
          BundleException.Code.INCOMPATIBLE_MODEL,
          file,
          "incompatible class " + e.classname + " (was it written by another Smile version?)",
          e);
    } catch (ClassNotFoundException e) {
      throw new BundleException(
          BundleException.Code.INCOMPATIBLE_MODEL, file, "class not found: " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      throw new BundleException(
          BundleException.Code.INCOMPATIBLE_MODEL,
          file,
          "cannot deserialize: " + e.getClass().getSimpleName(),
          e);
    } catch (StackOverflowError e) {
      throw new BundleException(BundleException.Code.LIMIT_EXCEEDED, file, "object graph too deep");
    }
  }

  static boolean allowed(Class<?> type) {
    Class<?> c = type;
    while (c.isArray()) {
      c = c.getComponentType();
    }
    String name = c.getName();
    return c.isPrimitive()
        || ALLOWED_CLASSES.contains(name)
        || ALLOWED_PACKAGES.stream().anyMatch(name::startsWith);
  }

  /**
   * Rejects anything outside the allow-list or the limits, and remembers why (first reason wins).
   */
  private static final class AllowListFilter implements ObjectInputFilter {
    private final Limits limits;
    private @Nullable String rejection;
    private boolean forLimit;

    AllowListFilter(Limits limits) {
      this.limits = limits;
    }

    @Override
    public Status checkInput(FilterInfo info) {
      if (info.depth() > limits.maxDepth()) {
        return reject(true, "object graph deeper than " + limits.maxDepth());
      }
      if (info.references() > limits.maxRefs()) {
        return reject(true, "more than " + limits.maxRefs() + " object references");
      }
      if (info.streamBytes() > limits.maxBytes()) {
        return reject(true, "more than " + limits.maxBytes() + " bytes");
      }
      if (info.arrayLength() > limits.maxArrayLength()) {
        return reject(
            true,
            "array of " + info.arrayLength() + " elements (limit " + limits.maxArrayLength() + ")");
      }
      Class<?> type = info.serialClass();
      if (type != null && !allowed(type)) {
        return reject(
            false, "class " + type.getName() + " is not on the deserialization allow-list");
      }
      return Status.ALLOWED;
    }

    private Status reject(boolean limit, String reason) {
      if (rejection == null) {
        rejection = reason;
        forLimit = limit;
      }
      return Status.REJECTED;
    }
  }
}
