package dev.smileflow.api.model;

import dev.smileflow.mlflow.ModelUri;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * An in-memory registry over real bundle directories, for unit-level edge cases (outages, bad
 * credentials) that a real server cannot be made to show on demand. The real server is used in the
 * ITs.
 */
final class FakeRegistry implements ModelRegistry {
  enum Mode {
    UP,
    DOWN,
    UNAUTHORIZED
  }

  final Map<String, Path> versions = new ConcurrentHashMap<>();
  final Map<String, String> aliases = new ConcurrentHashMap<>();
  final AtomicInteger resolves = new AtomicInteger();
  final AtomicInteger downloads = new AtomicInteger();
  volatile Mode mode = Mode.UP;
  volatile int failNextResolves;

  /**
   * When set, a download waits until it opens (a permit in {@link #downloadsWaiting} says one is
   * waiting); interrupted meanwhile, it fails the way the real client reports an interrupt.
   */
  volatile @Nullable CountDownLatch downloadGate;

  final Semaphore downloadsWaiting = new Semaphore(0);

  FakeRegistry version(String v, Path dir) {
    versions.put(v, dir);
    return this;
  }

  FakeRegistry alias(String alias, String v) {
    aliases.put(alias, v);
    return this;
  }

  private void check() {
    if (failNextResolves > 0) {
      failNextResolves--;
      throw new RegistryException(RegistryException.Kind.UNREACHABLE, "connection refused");
    }
    switch (mode) {
      case DOWN ->
          throw new RegistryException(RegistryException.Kind.UNREACHABLE, "connection refused");
      case UNAUTHORIZED ->
          throw new RegistryException(RegistryException.Kind.UNAUTHORIZED, "HTTP 401");
      case UP -> {}
    }
  }

  @Override
  public RegistryVersion resolve(ModelSource.Registered source) {
    resolves.incrementAndGet();
    check();
    String v =
        switch (source.model()) {
          case ModelUri.Alias a -> aliases.get(a.alias());
          case ModelUri.Version n -> n.version();
          case ModelUri.Stage s -> null;
        };
    if (v == null || !versions.containsKey(v)) {
      throw new RegistryException(
          RegistryException.Kind.NOT_FOUND, source.uri() + ": alias or version not found");
    }
    return new RegistryVersion(
        source.name(), v, "run-" + v, "models:/m-" + v, "mlflow-artifacts:/1/models/m-" + v);
  }

  @Override
  public void download(RegistryVersion version, Path target) {
    downloads.incrementAndGet();
    check();
    CountDownLatch gate = downloadGate;
    if (gate != null) {
      downloadsWaiting.release();
      try {
        gate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RegistryException(
            RegistryException.Kind.UNREACHABLE, "interrupted while calling MLflow", e);
      }
    }
    Path from = versions.get(version.version());
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, target.resolve(f.getFileName()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
