package dev.smileflow.bundle;

import java.nio.file.Path;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A bundle could not be loaded. {@link #code()} says why, machine-readably; the message names the
 * file and the problem, never file contents.
 */
public final class BundleException extends Exception {

  /** Why a bundle was refused. */
  public enum Code {
    /**
     * A required file ({@code bundle.json}, {@code model.ser}, {@code input_example.json}) is
     * absent.
     */
    MISSING_FILE,
    /** {@code bundle.json} names a format version this release cannot read. */
    UNSUPPORTED_FORMAT,
    /**
     * {@code bundle.json} (or {@code input_example.json}) is not valid JSON or fails validation.
     */
    CORRUPT_DESCRIPTOR,
    /**
     * {@code model.ser}'s size or SHA-256 differs from {@code bundle.json}; nothing was
     * deserialized.
     */
    CHECKSUM_MISMATCH,
    /** {@code model.ser} names a class outside the allow-list; it was never instantiated. */
    FORBIDDEN_CLASS,
    /** A file or the object graph exceeds a size, depth, reference or array limit. */
    LIMIT_EXCEEDED,
    /** The deserialized object is not a usable classifier for this descriptor. */
    INCOMPATIBLE_MODEL,
    /** The warm-up prediction on the input example failed (e.g. a missing native BLAS). */
    WARMUP_FAILED
  }

  private final Code code;
  private final Path file;

  BundleException(Code code, Path file, String problem) {
    this(code, file, problem, null);
  }

  BundleException(Code code, Path file, String problem, @Nullable Throwable cause) {
    super(file + ": " + problem, cause);
    this.code = code;
    this.file = file;
  }

  public Code code() {
    return code;
  }

  /** The file the problem was found in. */
  public Path file() {
    return file;
  }

  /** Never null: every constructor takes the message. */
  @Override
  public String getMessage() {
    return Objects.requireNonNull(super.getMessage());
  }
}
