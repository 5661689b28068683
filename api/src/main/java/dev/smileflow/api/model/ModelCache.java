package dev.smileflow.api.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smileflow.bundle.ModelBundle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last-known-good copy of a registered model in {@code MODEL_CACHE_DIR}, which several
 * processes (replicas on one volume) and threads may share. Layout: {@code <root>/<model
 * name>/current.json}, the manifest with the SHA-256 of every file, naming a sibling directory that
 * holds the files; a copy is used only when every file still matches.
 *
 * <p>Sharing, in two sentences: each copy is written into a fresh hidden directory and renamed,
 * complete, to a name no other writer uses, then its manifest is written under a unique temporary
 * name and moved atomically over {@code current.json} (the last writer wins), and clean-up removes
 * only entries that the current manifest does not name and that were last modified longer than
 * {@link #GRACE} ago. A reader whose copy fails or disappears under it reads {@code current.json}
 * again and moves on to the copy it now names, so it never uses a half-copied or half-deleted copy
 * (the checksums) and gives up only on a copy that is still current, or after three copies in a row
 * were replaced under it.
 *
 * <p>No locks are taken: the only primitive relied on is an atomic rename within one directory,
 * which local disks, Docker volumes and NFS provide. The grace period covers the moment between a
 * writer renaming its copy into place and publishing the manifest, and clock skew between hosts.
 */
final class ModelCache {
  private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CURRENT = "current.json";
  private static final int READ_ATTEMPTS = 3;

  /** How long an entry the manifest does not name is left alone after it was last modified. */
  static final Duration GRACE = Duration.ofMinutes(10);

  /** What {@code current.json} holds. */
  record Manifest(
      String name,
      String version,
      @Nullable String runId,
      String source,
      String artifactUri,
      String storedAt,
      String dir,
      Map<String, String> files) {
    Manifest {
      Objects.requireNonNull(name);
      Objects.requireNonNull(version);
      Objects.requireNonNull(dir);
      files = Map.copyOf(files);
      if (dir.contains("/") || dir.contains("\\") || dir.startsWith(".")) {
        throw new IllegalArgumentException("invalid cache directory name: " + dir);
      }
    }
  }

  /** A verified cached copy. */
  record Cached(Path dir, Manifest manifest) {}

  private final Path root;
  private final Duration grace;

  ModelCache(Path root, Duration grace) {
    this.root = Objects.requireNonNull(root);
    this.grace = Objects.requireNonNull(grace);
  }

  /**
   * Stores the files of {@code version} (already verified and loaded) as the last-known-good copy,
   * then removes stale entries.
   *
   * @return whether the copy was stored; a failure is logged and leaves the current copy as it was
   */
  boolean store(RegistryVersion version, Path bundleDir) {
    Path modelDir = root.resolve(safe(version.name()));
    String unique = UUID.randomUUID().toString();
    Path staging = modelDir.resolve(".copy-" + unique);
    Path manifestTmp = modelDir.resolve(".current-" + unique + ".json");
    boolean stored = false;
    try {
      Files.createDirectories(staging);
      Map<String, String> files = new TreeMap<>();
      try (Stream<Path> walk = Files.walk(bundleDir)) {
        for (Path p : walk.filter(Files::isRegularFile).toList()) {
          String rel = bundleDir.relativize(p).toString().replace('\\', '/');
          Path dest = staging.resolve(rel);
          Files.createDirectories(dest.getParent());
          Files.copy(p, dest);
          files.put(rel, ModelBundle.sha256(Files.readAllBytes(dest)));
        }
      }
      String dirName = "v" + safe(version.version()) + "-" + unique;
      Path target = modelDir.resolve(dirName);
      // Clean-up goes by age: a copy is young from here until well after its manifest is current.
      Files.setLastModifiedTime(staging, FileTime.from(Instant.now()));
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      var manifest =
          new Manifest(
              version.name(),
              version.version(),
              version.runId(),
              version.source(),
              version.artifactUri(),
              Instant.now().toString(),
              dirName,
              files);
      JSON.writeValue(manifestTmp.toFile(), manifest);
      Files.move(
          manifestTmp,
          modelDir.resolve(CURRENT),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      LOG.info("cached model {} version {} in {}", version.name(), version.version(), target);
      stored = true;
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "could not cache model {} version {}: {}",
          version.name(),
          version.version(),
          e.toString());
      deleteTree(staging);
      deleteTree(manifestTmp);
    }
    removeStale(modelDir, version.name());
    return stored;
  }

  /**
   * Applies {@code reader} to the current copy of {@code name} once every file matches its
   * checksum. When the files fail, or {@code reader} refuses them, because another writer replaced
   * the copy and removed it meanwhile, the replacement is read instead (three copies at most).
   *
   * @param reader reads the copy's files, throwing {@link ModelRejectedException} to refuse them
   * @return what {@code reader} returned, or empty (logged) when there is no usable copy
   */
  <T> Optional<T> read(String name, Function<Cached, T> reader) {
    Path modelDir = root.resolve(safe(name));
    for (int attempt = 1; ; attempt++) {
      Optional<Manifest> found = manifest(modelDir, name);
      if (found.isEmpty()) {
        return Optional.empty();
      }
      Manifest manifest = found.get();
      Path dir = modelDir.resolve(manifest.dir());
      String problem = verify(dir, manifest);
      if (problem == null) {
        try {
          return Optional.of(reader.apply(new Cached(dir, manifest)));
        } catch (ModelRejectedException e) {
          problem = "refused (" + e.code() + "): " + e.getMessage();
        }
      }
      if (attempt == READ_ATTEMPTS || !replaced(modelDir, name, manifest)) {
        LOG.warn("cached model {} version {} {}: not used", name, manifest.version(), problem);
        return Optional.empty();
      }
      LOG.info(
          "cached model {} version {} {} after another writer replaced it; reading the new copy",
          name,
          manifest.version(),
          problem);
    }
  }

  /** What is wrong with the files of {@code dir}, or null when every one matches its checksum. */
  private static @Nullable String verify(Path dir, Manifest manifest) {
    if (!Files.isDirectory(dir)) {
      return "is missing its directory " + manifest.dir();
    }
    for (var e : manifest.files().entrySet()) {
      Path file = dir.resolve(e.getKey()).normalize();
      try {
        if (!file.startsWith(dir)
            || !Files.isRegularFile(file)
            || !ModelBundle.sha256(Files.readAllBytes(file)).equals(e.getValue())) {
          return "fails its checksum at " + e.getKey();
        }
      } catch (IOException ex) {
        return "unreadable at " + e.getKey() + " (" + ex + ")";
      }
    }
    return null;
  }

  private static Optional<Manifest> manifest(Path modelDir, String name) {
    try {
      return Optional.of(
          JSON.readValue(Files.readAllBytes(modelDir.resolve(CURRENT)), Manifest.class));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      LOG.warn("cached model {} unreadable: {}", name, e.toString());
      return Optional.empty();
    }
  }

  private static boolean replaced(Path modelDir, String name, Manifest read) {
    return manifest(modelDir, name).filter(now -> !now.dir().equals(read.dir())).isPresent();
  }

  /**
   * Removes every entry of {@code modelDir} but {@code current.json} and the copy it names that was
   * last modified longer than the grace period ago: superseded copies, and what a writer that
   * stopped half-way left behind. Nothing is removed while the manifest cannot be read.
   */
  private void removeStale(Path modelDir, String name) {
    Optional<Manifest> current = manifest(modelDir, name);
    if (current.isEmpty()) {
      return;
    }
    Instant cutoff = Instant.now().minus(grace);
    try (Stream<Path> entries = Files.list(modelDir)) {
      for (Path p : entries.toList()) {
        String entry = p.getFileName().toString();
        if (!entry.equals(CURRENT)
            && !entry.equals(current.get().dir())
            && modifiedBefore(p, cutoff)) {
          LOG.debug("removing stale cache entry {}", p);
          deleteTree(p);
        }
      }
    } catch (IOException e) {
      LOG.debug("could not list {}: {}", modelDir, e.toString());
    }
  }

  private static boolean modifiedBefore(Path p, Instant cutoff) {
    try {
      return Files.getLastModifiedTime(p).toInstant().isBefore(cutoff);
    } catch (IOException goneAlready) {
      return false;
    }
  }

  private static String safe(String s) {
    return s.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  /** Deletes {@code path} and everything under it, as far as it can (another process may race). */
  static void deleteTree(Path path) {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(p -> {
            try {
              Files.deleteIfExists(p);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    } catch (IOException | UncheckedIOException e) {
      LOG.debug("could not delete {}: {}", path, e.toString());
    }
  }
}
