package dev.smileflow.mlflow;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** A registered model version; {@code version} is a string on the wire ("3"). */
public record ModelVersion(
    String name,
    String version,
    @Nullable Long creationTimestamp,
    @Nullable Long lastUpdatedTimestamp,
    @Nullable String userId,
    @Nullable Stage currentStage,
    @Nullable String description,
    @Nullable String source,
    @Nullable String runId,
    ModelVersionStatus status,
    @Nullable String statusMessage,
    List<Tag> tags,
    @Nullable String runLink,
    List<String> aliases,
    @Nullable String modelId) {

  public ModelVersion {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    status = status == null ? ModelVersionStatus.UNKNOWN : status;
    tags = tags == null ? List.of() : List.copyOf(tags);
    aliases = aliases == null ? List.of() : List.copyOf(aliases);
  }

  /** The value of tag {@code key}, if set. */
  public Optional<String> tag(String key) {
    return tags.stream().filter(t -> t.key().equals(key)).map(Tag::value).reduce((a, b) -> b);
  }

  /** The version as a number. */
  public long number() {
    return Long.parseLong(version);
  }
}
