package dev.smileflow.bundle;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * Writes and loads bundle directories. {@link #write} is used by train-job, {@link #load} by api.
 * Loading verifies before it trusts: descriptor format, then {@code model.ser}'s size and SHA-256,
 * then deserialization through an allow-list filter with limits, then the class count, then one
 * warm-up prediction on the input example.
 */
public final class ModelBundle {
  /** The Java-serialized Smile model. */
  public static final String MODEL_FILE = "model.ser";

  /** The descriptor. */
  public static final String DESCRIPTOR_FILE = "bundle.json";

  /** One training row by feature name. */
  public static final String INPUT_EXAMPLE_FILE = "input_example.json";

  /** The input example in MLflow's scoring-server form ({@code {"inputs": {...}}}). */
  public static final String SERVING_INPUT_FILE = "serving_input_example.json";

  static final long MAX_DESCRIPTOR_BYTES = 4L * 1024 * 1024;
  static final long MAX_EXAMPLE_BYTES = 1024L * 1024;

  private ModelBundle() {}

  /**
   * Writes a bundle into {@code dir} (created if absent; existing bundle files are replaced):
   * {@code model.ser}, {@code bundle.json} (with the model's SHA-256 and size), {@code MLmodel},
   * {@code input_example.json} and {@code serving_input_example.json}.
   *
   * @return the descriptor as written, with {@code model.ser}'s checksum and size
   * @param smileModel a fitted Smile classifier that {@link Predictor#of} accepts, trained on
   *     labels {@code 0..k-1} with k = the descriptor's class labels
   * @param inputExample one row by feature name; it must encode and predict
   * @param mlmodel sets MLflow-side fields of {@code MLmodel} (artifact path, model id, run id)
   * @throws IllegalArgumentException if the model does not fit the descriptor or the example is
   *     invalid
   */
  public static BundleDescriptor write(
      Path dir,
      Object smileModel,
      BundleDescriptor descriptor,
      Map<String, ?> inputExample,
      UnaryOperator<MlModelFile.Builder> mlmodel)
      throws IOException {
    if (!(smileModel instanceof Serializable serializable)) {
      throw new IllegalArgumentException(
          "model is not Serializable: " + smileModel.getClass().getName());
    }
    Predictor predictor = Predictor.of(smileModel, descriptor.encodedNames());
    if (predictor.numClasses() != descriptor.classLabels().size()) {
      throw new IllegalArgumentException(
          "model has "
              + predictor.numClasses()
              + " classes but the descriptor names "
              + descriptor.classLabels().size()
              + " labels");
    }
    try {
      predictor.predict(Features.encode(descriptor.features(), inputExample));
    } catch (InvalidInputException e) {
      throw new IllegalArgumentException(
          "input example does not fit the features: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("model cannot predict the input example: " + e, e);
    }
    byte[] example = DescriptorJson.writeRow(descriptor.features(), inputExample);
    byte[] model = serialize(serializable);
    BundleDescriptor written = descriptor.withModelFile(sha256(model), model.length);

    Files.createDirectories(dir);
    writeAtomically(dir.resolve(MODEL_FILE), model);
    writeAtomically(dir.resolve(DESCRIPTOR_FILE), DescriptorJson.write(written));
    writeAtomically(dir.resolve(INPUT_EXAMPLE_FILE), example);
    writeAtomically(dir.resolve(SERVING_INPUT_FILE), DescriptorJson.writeServingInput(example));
    mlmodel.apply(MlModelFile.builder(written)).write(dir);
    return written;
  }

  /**
   * Loads a bundle directory.
   *
   * @throws BundleException with a {@link BundleException.Code} and a message naming the file
   */
  public static LoadedModel load(Path dir) throws BundleException {
    return load(dir, ModelDeserializer.Limits.DEFAULT);
  }

  static LoadedModel load(Path dir, ModelDeserializer.Limits limits) throws BundleException {
    Path descriptorFile = dir.resolve(DESCRIPTOR_FILE);
    BundleDescriptor descriptor =
        DescriptorJson.read(readLimited(descriptorFile, MAX_DESCRIPTOR_BYTES), descriptorFile);

    Path modelFile = dir.resolve(MODEL_FILE);
    byte[] model = readVerified(modelFile, descriptor, limits.maxBytes());
    Object object = ModelDeserializer.read(model, modelFile, limits);

    Predictor predictor;
    try {
      predictor = Predictor.of(object, descriptor.encodedNames());
    } catch (IllegalArgumentException e) {
      throw new BundleException(
          BundleException.Code.INCOMPATIBLE_MODEL,
          modelFile,
          Objects.requireNonNullElse(e.getMessage(), e.toString()));
    } catch (RuntimeException e) {
      throw new BundleException(
          BundleException.Code.INCOMPATIBLE_MODEL, modelFile, "not a usable classifier: " + e, e);
    }
    if (predictor.numClasses() != descriptor.classLabels().size()) {
      throw new BundleException(
          BundleException.Code.INCOMPATIBLE_MODEL,
          modelFile,
          "model has "
              + predictor.numClasses()
              + " classes but "
              + DESCRIPTOR_FILE
              + " names "
              + descriptor.classLabels().size()
              + " labels");
    }

    Path exampleFile = dir.resolve(INPUT_EXAMPLE_FILE);
    Map<String, Object> example =
        DescriptorJson.readRow(readLimited(exampleFile, MAX_EXAMPLE_BYTES), exampleFile);
    var loaded = new LoadedModel(dir, descriptor, predictor, example);
    try {
      loaded.predict(example);
    } catch (InvalidInputException e) {
      throw new BundleException(
          BundleException.Code.WARMUP_FAILED,
          exampleFile,
          "the input example does not fit the features: " + e.getMessage(),
          e);
    } catch (RuntimeException | LinkageError e) {
      // LinkageError: e.g. a model needing native BLAS that is not installed.
      throw new BundleException(
          BundleException.Code.WARMUP_FAILED, exampleFile, "warm-up prediction failed: " + e, e);
    }
    return loaded;
  }

  /** The lowercase hex SHA-256 of some bytes. */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  private static byte[] serialize(Serializable model) throws IOException {
    var bytes = new ByteArrayOutputStream();
    try (var out = new ObjectOutputStream(bytes)) {
      out.writeObject(model);
    }
    return bytes.toByteArray();
  }

  private static byte[] readVerified(Path file, BundleDescriptor descriptor, long maxBytes)
      throws BundleException {
    long size = size(file);
    if (size > maxBytes) {
      throw new BundleException(
          BundleException.Code.LIMIT_EXCEEDED,
          file,
          "size " + size + " bytes exceeds the limit of " + maxBytes);
    }
    if (size != descriptor.modelSizeBytes()) {
      throw new BundleException(
          BundleException.Code.CHECKSUM_MISMATCH,
          file,
          "size is "
              + size
              + " bytes but "
              + DESCRIPTOR_FILE
              + " says "
              + descriptor.modelSizeBytes());
    }
    byte[] bytes = readLimited(file, maxBytes);
    String expected = descriptor.modelSha256();
    String actual = sha256(bytes);
    if (expected == null
        || !MessageDigest.isEqual(
            expected.getBytes(StandardCharsets.US_ASCII),
            actual.getBytes(StandardCharsets.US_ASCII))) {
      throw new BundleException(
          BundleException.Code.CHECKSUM_MISMATCH,
          file,
          "SHA-256 is " + actual + " but " + DESCRIPTOR_FILE + " says " + expected);
    }
    return bytes;
  }

  private static long size(Path file) throws BundleException {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw unreadable(file, e);
    }
  }

  private static BundleException unreadable(Path file, IOException e) {
    return e instanceof NoSuchFileException
        ? new BundleException(BundleException.Code.MISSING_FILE, file, "file not found")
        : new BundleException(
            BundleException.Code.MISSING_FILE, file, "cannot read: " + e.getMessage(), e);
  }

  /** Reads a whole file, refusing more than {@code max} bytes (even if it grows while read). */
  private static byte[] readLimited(Path file, long max) throws BundleException {
    if (!Files.isRegularFile(file)) {
      throw new BundleException(
          BundleException.Code.MISSING_FILE,
          file,
          Files.exists(file) ? "not a regular file" : "file not found");
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes((int) Math.min(max + 1, Integer.MAX_VALUE - 8));
      if (bytes.length > max) {
        throw new BundleException(
            BundleException.Code.LIMIT_EXCEEDED,
            file,
            "larger than the limit of " + max + " bytes");
      }
      return bytes;
    } catch (IOException e) {
      throw unreadable(file, e);
    }
  }

  static void writeAtomically(Path file, byte[] bytes) throws IOException {
    Path tmp =
        file.toAbsolutePath()
            .resolveSibling("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      Files.write(tmp, bytes);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
