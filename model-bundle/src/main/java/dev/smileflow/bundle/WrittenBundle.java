package dev.smileflow.bundle;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The result of {@link ModelBundle#write}: the directory, the files written (upload all of them as
 * the model's artifacts), and the final descriptor with {@code model.ser}'s checksum and size.
 */
public record WrittenBundle(Path dir, List<Path> files, BundleDescriptor descriptor) {
  public WrittenBundle {
    files = List.copyOf(files);
    if (descriptor.modelSha256() == null) {
      throw new IllegalArgumentException("a written bundle's descriptor carries its checksum");
    }
  }

  /** The SHA-256 of {@code model.ser}, lowercase hex. */
  public String modelSha256() {
    return Objects.requireNonNull(descriptor.modelSha256());
  }

  /** The size of {@code model.ser} in bytes. */
  public long modelSizeBytes() {
    return descriptor.modelSizeBytes();
  }
}
