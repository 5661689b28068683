package dev.smileflow.api.model;

import java.nio.file.Path;

/** The registry operations the service needs: which version a source points at, and its files. */
public interface ModelRegistry {
  /**
   * Resolves the version {@code source} currently points at.
   *
   * @throws RegistryException when the registry cannot answer or the version does not exist
   */
  RegistryVersion resolve(ModelSource.Registered source);

  /**
   * Downloads every file of {@code version} into the empty directory {@code target}.
   *
   * @throws RegistryException when the download fails
   */
  void download(RegistryVersion version, Path target);
}
