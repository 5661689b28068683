package dev.smileflow.mlflow;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** A registered model with its aliases and (per stage) latest versions. */
public record RegisteredModel(
    String name,
    @Nullable Long creationTimestamp,
    @Nullable Long lastUpdatedTimestamp,
    @Nullable String userId,
    @Nullable String description,
    List<ModelVersion> latestVersions,
    List<Tag> tags,
    List<Alias> aliases) {

  public RegisteredModel {
    Objects.requireNonNull(name, "name");
    latestVersions = latestVersions == null ? List.of() : List.copyOf(latestVersions);
    tags = tags == null ? List.of() : List.copyOf(tags);
    aliases = aliases == null ? List.of() : List.copyOf(aliases);
  }

  /** An alias ({@code production}, {@code champion}...) and the version it points to. */
  public record Alias(String alias, String version) {}
}
