package dev.smileflow.api.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last-known-good copy of a registered model in {@code MODEL_CACHE_DIR}. Each stored copy has a
 * manifest with the SHA-256 of every file; a copy is used only when every file still matches.
 * Layout: {@code <root>/<model name>/current.json} (the manifest, replaced atomically) naming a
 * sibling directory with the files.
 */
final class ModelCache {
  private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);
  private static final ObjectMapper JSON = new ObjectMapper();

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

  ModelCache(Path root) {
    this.root = Objects.requireNonNull(root);
  }

  /**
   * Stores the files of {@code version} (already verified and loaded) as the last-known-good copy.
   */
  void store(RegistryVersion version, Path bundleDir) {
    try {
      Path modelDir = root.resolve(safe(version.name()));
      Files.createDirectories(modelDir);
      String dirName = "v" + safe(version.version()) + "-" + System.nanoTime();
      Path target = modelDir.resolve(dirName);
      Map<String, String> files = new TreeMap<>();
      try (Stream<Path> walk = Files.walk(bundleDir)) {
        for (Path p : walk.filter(Files::isRegularFile).toList()) {
          String rel = bundleDir.relativize(p).toString().replace('\\', '/');
          Path dest = target.resolve(rel);
          Files.createDirectories(dest.getParent());
          Files.copy(p, dest);
          files.put(rel, sha256(dest));
        }
      }
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
      Path tmp = modelDir.resolve("current.json.tmp");
      JSON.writeValue(tmp.toFile(), manifest);
      Files.move(
          tmp,
          modelDir.resolve("current.json"),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      try (Stream<Path> old = Files.list(modelDir)) {
        for (Path p :
            old.filter(p -> Files.isDirectory(p) && !p.getFileName().toString().equals(dirName))
                .toList()) {
          deleteTree(p);
        }
      }
      LOG.info("cached model {} version {} in {}", version.name(), version.version(), target);
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "could not cache model {} version {}: {}",
          version.name(),
          version.version(),
          e.toString());
    }
  }

  /** The cached copy of {@code name}, when one exists and every file matches its checksum. */
  Optional<Cached> find(String name) {
    Path modelDir = root.resolve(safe(name));
    Path current = modelDir.resolve("current.json");
    if (!Files.isRegularFile(current)) {
      return Optional.empty();
    }
    try {
      Manifest manifest = JSON.readValue(current.toFile(), Manifest.class);
      Path dir = modelDir.resolve(manifest.dir());
      for (var e : manifest.files().entrySet()) {
        Path file = dir.resolve(e.getKey()).normalize();
        if (!file.startsWith(dir)
            || !Files.isRegularFile(file)
            || !sha256(file).equals(e.getValue())) {
          LOG.warn(
              "cached model {} version {} fails its checksum at {}: not used",
              name,
              manifest.version(),
              e.getKey());
          return Optional.empty();
        }
      }
      return Optional.of(new Cached(dir, manifest));
    } catch (IOException | RuntimeException e) {
      LOG.warn("cached model {} unreadable: {}", name, e.toString());
      return Optional.empty();
    }
  }

  private static String safe(String s) {
    return s.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in =
        new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder())
          .forEach(p -> {
            try {
              Files.deleteIfExists(p);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    } catch (IOException | UncheckedIOException e) {
      LOG.debug("could not delete {}: {}", dir, e.toString());
    }
  }
}
