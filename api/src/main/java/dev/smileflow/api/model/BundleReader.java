package dev.smileflow.api.model;

import java.nio.file.Path;

/** Verifies and loads a model directory. */
@FunctionalInterface
public interface BundleReader {
  /**
   * Verifies the directory's checksum, then deserializes the model through the allow-list.
   *
   * @throws ModelRejectedException when the files are missing, tampered with or unreadable
   */
  LoadedBundle read(Path dir);
}
