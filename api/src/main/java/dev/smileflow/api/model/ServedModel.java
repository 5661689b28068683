package dev.smileflow.api.model;

import dev.smileflow.bundle.LoadedModel;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A model ready to serve: model-bundle's verified, warmed-up {@link LoadedModel} and where it came
 * from. Immutable: a swap replaces the whole value, so a request that took one keeps using it to
 * the end.
 *
 * @param name the registered model name (the directory name for a local model)
 * @param version the registered version ({@code local} for a local directory)
 * @param location the {@code models:/} URI or directory it was resolved from
 * @param runId the producing run, when known
 * @param origin where the files were read from this time
 * @param loadedAt when it finished loading
 * @param model the loaded model, which validates rows and predicts
 */
public record ServedModel(
    String name,
    String version,
    String location,
    @Nullable String runId,
    Origin origin,
    Instant loadedAt,
    LoadedModel model) {

  /** Where the model's files came from. */
  public enum Origin {
    /** Downloaded from the MLflow registry. */
    REGISTRY,
    /**
     * The last-known-good copy in {@code MODEL_CACHE_DIR}, because the registry was unavailable.
     */
    CACHE,
    /** A local directory given as {@code MODEL_URI}. */
    LOCAL
  }

  public ServedModel {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(loadedAt, "loadedAt");
    Objects.requireNonNull(model, "model");
  }

  /** The same model, now known to match the registry again. */
  ServedModel withOrigin(Origin newOrigin) {
    return new ServedModel(name, version, location, runId, newOrigin, loadedAt, model);
  }
}
