package dev.smileflow.api.model;

import dev.smileflow.bundle.BundleException;
import dev.smileflow.bundle.LoadedModel;
import dev.smileflow.bundle.ModelBundle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one read path shared by start-up and the poller: resolve the version a source points at,
 * download its files, load them with {@link ModelBundle#load} (which verifies the checksum,
 * deserializes through the allow-list and runs a warm-up prediction on the input example), and keep
 * a last-known-good copy.
 */
public final class ModelFetcher {
  private static final Logger LOG = LoggerFactory.getLogger(ModelFetcher.class);

  private final ModelSource source;
  private final @Nullable ModelRegistry registry;
  private final @Nullable ModelCache cache;
  private final Clock clock;

  /**
   * @param registry required when {@code source} is a registered model
   * @param cacheDir where to keep the last-known-good copy, or null for none
   */
  public ModelFetcher(
      ModelSource source, @Nullable ModelRegistry registry, @Nullable Path cacheDir, Clock clock) {
    this.source = Objects.requireNonNull(source);
    if (source instanceof ModelSource.Registered && registry == null) {
      throw new IllegalArgumentException("a registered model source needs a registry");
    }
    this.registry = registry;
    this.cache = cacheDir == null ? null : new ModelCache(cacheDir, ModelCache.GRACE);
    this.clock = Objects.requireNonNull(clock);
  }

  /** The configured source. */
  public ModelSource source() {
    return source;
  }

  /**
   * Which version the registered source points at now.
   *
   * @throws RegistryException when the registry cannot say
   */
  public RegistryVersion resolve() {
    if (!(source instanceof ModelSource.Registered registered)) {
      throw new IllegalStateException("not a registry source: " + source.uri());
    }
    return Objects.requireNonNull(registry).resolve(registered);
  }

  /**
   * Downloads, verifies, loads and warms up {@code version}, then caches it.
   *
   * @throws RegistryException when the download fails
   * @throws ModelRejectedException when the files fail verification, loading or the warm-up
   */
  public ServedModel fetch(RegistryVersion version) {
    Path dir;
    try {
      dir = Files.createTempDirectory("smileflow-model-");
    } catch (IOException e) {
      throw new ModelRejectedException(
          "DOWNLOAD_FAILED", "cannot create a temporary directory: " + e.getMessage(), e);
    }
    try {
      long t0 = System.nanoTime();
      Objects.requireNonNull(registry).download(version, dir);
      long t1 = System.nanoTime();
      ServedModel served =
          load(
              dir, version.name(), version.version(), version.runId(), ServedModel.Origin.REGISTRY);
      LOG.info(
          "model {} version {} downloaded in {} ms, verified and loaded in {} ms",
          version.name(),
          version.version(),
          (t1 - t0) / 1_000_000,
          (System.nanoTime() - t1) / 1_000_000);
      if (cache != null) {
        cache.store(version, dir);
      }
      return served;
    } finally {
      ModelCache.deleteTree(dir);
    }
  }

  /**
   * Loads the local directory source.
   *
   * @throws ModelRejectedException when the directory fails verification, loading or the warm-up
   */
  public ServedModel loadLocal() {
    if (!(source instanceof ModelSource.LocalDirectory(Path dir))) {
      throw new IllegalStateException("not a local source: " + source.uri());
    }
    Path fileName = dir.getFileName();
    String name = fileName == null ? "model" : fileName.toString();
    return load(dir, name, "local", null, ServedModel.Origin.LOCAL);
  }

  /** The last-known-good copy of the registered model, when a verified one exists and loads. */
  public Optional<ServedModel> loadCached() {
    if (cache == null || !(source instanceof ModelSource.Registered registered)) {
      return Optional.empty();
    }
    return cache.read(
        registered.name(),
        cached -> {
          var m = cached.manifest();
          return load(cached.dir(), m.name(), m.version(), m.runId(), ServedModel.Origin.CACHE);
        });
  }

  /** Loads the bundle in {@code dir} to serve as {@code version} of {@code name}. */
  private ServedModel load(
      Path dir, String name, String version, @Nullable String runId, ServedModel.Origin origin) {
    LoadedModel model;
    try {
      model = ModelBundle.load(dir);
    } catch (BundleException e) {
      throw new ModelRejectedException(e.code().name(), e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new ModelRejectedException(
          "LOAD_FAILED", "cannot load " + dir.getFileName() + ": " + e, e);
    }
    return new ServedModel(name, version, source.uri(), runId, origin, clock.instant(), model);
  }
}
