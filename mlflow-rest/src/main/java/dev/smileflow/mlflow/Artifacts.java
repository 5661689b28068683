package dev.smileflow.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Files through MLflow's artifact proxy ({@code /api/2.0/mlflow-artifacts/artifacts}). Artifact
 * URIs are a run's or a LoggedModel's {@code artifact_uri} ({@code mlflow-artifacts:/...}); other
 * schemes ({@code file:}, {@code s3:}...) are refused with {@link
 * MlflowException.Kind#UNSUPPORTED}.
 */
public final class Artifacts {

  private final Transport transport;

  Artifacts(Transport transport) {
    this.transport = transport;
  }

  /**
   * Uploads {@code file} as {@code relativePath} (slash-separated) below {@code artifactUri};
   * overwrites.
   */
  public void uploadFile(String artifactUri, Path file, String relativePath) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("not a regular file: " + file);
    }
    transport.upload(location(artifactUri).file(relativePath), file);
  }

  /**
   * Uploads every regular file below {@code dir} (recursively, relative paths kept) below {@code
   * artifactUri}.
   *
   * @return the uploaded relative paths, sorted
   */
  public List<String> uploadDirectory(String artifactUri, Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("not a directory: " + dir);
    }
    ArtifactLocation location = location(artifactUri);
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    return Concurrently.map(
        files,
        f -> {
          String rel = dir.relativize(f).toString().replace(f.getFileSystem().getSeparator(), "/");
          transport.upload(location.file(rel), f);
          return rel;
        });
  }

  /**
   * The direct children of {@code relativeDir} ("" = the root), with paths relative to {@code
   * artifactUri}.
   */
  public List<ArtifactFile> list(String artifactUri, String relativeDir) {
    ArtifactLocation location = location(artifactUri);
    JsonNode r =
        transport.json("GET", location.listing(relativeDir), null, Transport.Replay.ALWAYS);
    List<ArtifactFile> out = new ArrayList<>();
    for (JsonNode f : r.path("files")) {
      String name = f.path("path").asText();
      String base = name.substring(name.lastIndexOf('/') + 1);
      out.add(
          new ArtifactFile(
              ArtifactLocation.join(relativeDir, base),
              f.path("is_dir").asBoolean(false),
              f.hasNonNull("file_size") ? f.get("file_size").asLong() : null));
    }
    return out;
  }

  /**
   * Every file (not directory) below {@code artifactUri}, recursively, with paths relative to it,
   * sorted.
   */
  public List<ArtifactFile> listFiles(String artifactUri) {
    List<ArtifactFile> out = new ArrayList<>();
    Deque<String> dirs = new ArrayDeque<>(List.of(""));
    while (!dirs.isEmpty()) {
      for (ArtifactFile f : list(artifactUri, dirs.pop())) {
        if (f.isDir()) {
          dirs.push(f.path());
        } else {
          out.add(f);
        }
      }
    }
    out.sort(Comparator.comparing(ArtifactFile::path));
    return out;
  }

  /** Downloads one file to {@code target} (via a temporary file moved into place). */
  public void downloadFile(String artifactUri, String relativePath, Path target) {
    transport.download(location(artifactUri).file(relativePath), target);
  }

  /**
   * Downloads the whole tree below {@code artifactUri} into {@code target}, which must not exist or
   * be an empty directory. Files are streamed into a temporary sibling directory that is moved into
   * place only when complete, so a failed download never leaves a partial tree at {@code target}.
   *
   * @return the downloaded files
   * @throws MlflowException NOT_FOUND when there is nothing below {@code artifactUri}
   */
  public List<ArtifactFile> downloadDirectory(String artifactUri, Path target) {
    Path dest = target.toAbsolutePath().normalize();
    if (Files.exists(dest) && !isEmptyDirectory(dest)) {
      throw new IllegalArgumentException(
          "download target exists and is not an empty directory: " + dest);
    }
    List<ArtifactFile> files = listFiles(artifactUri);
    if (files.isEmpty()) {
      throw new MlflowException(
          MlflowException.Kind.NOT_FOUND, 0, null, "no artifacts below " + artifactUri);
    }
    ArtifactLocation location = location(artifactUri);
    Path tmp = dest.resolveSibling("." + dest.getFileName() + ".download-" + UUID.randomUUID());
    boolean done = false;
    try {
      Files.createDirectories(tmp);
      // Every path is checked before the first request; each file goes to the path checked.
      record Download(URI from, Path to) {}
      List<Download> downloads = new ArrayList<>(files.size());
      for (ArtifactFile f : files) {
        Path local = tmp.resolve(f.path()).normalize();
        if (!local.startsWith(tmp)) {
          throw new MlflowException(
              MlflowException.Kind.PROTOCOL,
              0,
              null,
              "artifact path escapes the download directory: " + f.path());
        }
        downloads.add(new Download(location.file(f.path()), local));
      }
      Concurrently.forEach(downloads, d -> transport.download(d.from(), d.to()));
      Files.deleteIfExists(dest);
      try {
        Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, dest);
      }
      done = true;
      return files;
    } catch (DirectoryNotEmptyException e) {
      throw new IllegalArgumentException("download target is not empty: " + dest, e);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write the download of " + artifactUri + " to " + dest, e);
    } finally {
      if (!done) {
        deleteTree(tmp);
      }
    }
  }

  private ArtifactLocation location(String artifactUri) {
    return ArtifactLocation.parse(artifactUri, transport.config().trackingUri());
  }

  private static boolean isEmptyDirectory(Path p) {
    if (!Files.isDirectory(p)) {
      return false;
    }
    try (Stream<Path> s = Files.list(p)) {
      return s.findAny().isEmpty();
    } catch (IOException e) {
      return false;
    }
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(p -> {
            try {
              Files.deleteIfExists(p);
            } catch (IOException ignored) {
              // best effort clean-up of a failed download
            }
          });
    } catch (IOException ignored) {
      // best effort
    }
  }
}
