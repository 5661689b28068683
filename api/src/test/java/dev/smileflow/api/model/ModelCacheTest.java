package dev.smileflow.api.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One {@code MODEL_CACHE_DIR} shared by several caches (replicas) and threads. */
class ModelCacheTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NAME = "iris";

  @TempDir Path work;

  private static RegistryVersion version(String v) {
    return new RegistryVersion(
        NAME, v, "run-" + v, "models:/m-" + v, "mlflow-artifacts:/1/models/m-" + v + "/artifacts");
  }

  /** A bundle directory whose files say which version they belong to. */
  private Path bundle(String v) throws IOException {
    Path dir = Files.createDirectories(work.resolve("bundles").resolve(v));
    byte[] model = new byte[16 * 1024];
    Arrays.fill(model, (byte) v.hashCode());
    byte[] header = ("version " + v + "\n").getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(header, 0, model, 0, header.length);
    Files.write(dir.resolve("model.ser"), model);
    Files.writeString(dir.resolve("bundle.json"), "{\"version\": \"" + v + "\"}");
    return dir;
  }

  /**
   * Reads the copy as the api's loader does after verification: the files again, refusing the copy
   * when one is gone. Returns the version its {@code model.ser} belongs to.
   */
  private static String loadModel(ModelCache.Cached cached) {
    try {
      byte[] model = Files.readAllBytes(cached.dir().resolve("model.ser"));
      String header = new String(model, 0, 16, StandardCharsets.US_ASCII);
      return header.substring("version ".length(), header.indexOf('\n'));
    } catch (IOException e) {
      throw new ModelRejectedException("MISSING_FILE", e.toString(), e);
    }
  }

  /** The version that the manifest and the files of a copy agree on; a mix is a failure. */
  private static String consistentVersion(ModelCache.Cached cached) {
    String files = loadModel(cached);
    if (!files.equals(cached.manifest().version())) {
      throw new AssertionError(
          "manifest of version " + cached.manifest().version() + " over files of " + files);
    }
    return files;
  }

  private Path modelDir() {
    return work.resolve("cache").resolve(NAME);
  }

  private String currentDir() throws IOException {
    return JSON.readTree(modelDir().resolve("current.json").toFile()).get("dir").asText();
  }

  private Set<String> entries() throws IOException {
    try (Stream<Path> list = Files.list(modelDir())) {
      return list.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
  }

  private void age(String entry) throws IOException {
    Files.setLastModifiedTime(
        modelDir().resolve(entry),
        FileTime.from(Instant.now().minus(ModelCache.GRACE).minusSeconds(60)));
  }

  @Test
  void twoCachesOnOneRootStoringConcurrentlyNeverPublishOrServeABrokenCopy() throws Exception {
    Duration grace = Duration.ofSeconds(1);
    List<ModelCache> caches =
        List.of(
            new ModelCache(work.resolve("cache"), grace),
            new ModelCache(work.resolve("cache"), grace));
    int writersPerCache = 3;
    int writers = writersPerCache * caches.size();
    List<Path> bundles = new ArrayList<>();
    for (int i = 0; i <= writers; i++) {
      bundles.add(bundle(Integer.toString(i)));
    }
    caches.get(0).store(version("0"), bundles.get(0));

    Queue<String> failures = new ConcurrentLinkedQueue<>();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger reads = new AtomicInteger();
    AtomicInteger rounds = new AtomicInteger();
    // After every round, with the writers paused: current.json names a directory that is there,
    // and the copy in it verifies and is the version the manifest says.
    var roundDone =
        new CyclicBarrier(
            writers,
            () -> {
              rounds.incrementAndGet();
              try {
                String dir = currentDir();
                if (!Files.isDirectory(modelDir().resolve(dir))) {
                  failures.add("current.json names a missing directory " + dir);
                }
              } catch (IOException | RuntimeException e) {
                failures.add("current.json unreadable: " + e);
              }
              try {
                if (caches.get(0).read(NAME, ModelCacheTest::consistentVersion).isEmpty()) {
                  failures.add("after a round, no usable copy");
                }
              } catch (AssertionError e) {
                failures.add("after a round, " + e.getMessage());
              }
            });
    // Long enough for copies to outlive the grace period, so clean-up runs during the race.
    long deadline = System.nanoTime() + 3 * grace.toNanos();
    AtomicBoolean finished = new AtomicBoolean();
    var roundStart = new CyclicBarrier(writers, () -> finished.set(System.nanoTime() > deadline));
    ExecutorService pool = Executors.newFixedThreadPool(writers + 2);
    List<Future<?>> tasks = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      ModelCache cache = caches.get(w % caches.size());
      String v = Integer.toString(w + 1);
      Path bundle = bundles.get(w + 1);
      tasks.add(
          pool.submit(() -> {
            while (true) {
              roundStart.await();
              if (finished.get()) {
                return null;
              }
              if (!cache.store(version(v), bundle)) {
                failures.add("storing version " + v + " failed");
              }
              roundDone.await();
            }
          }));
    }
    for (ModelCache cache : caches) {
      tasks.add(
          pool.submit(() -> {
            while (!stop.get()) {
              reads.incrementAndGet();
              try {
                if (cache.read(NAME, ModelCacheTest::consistentVersion).isEmpty()) {
                  failures.add("a reader found no usable copy");
                }
              } catch (AssertionError e) {
                failures.add("a reader got " + e.getMessage());
              }
            }
            return null;
          }));
    }
    for (Future<?> writer : tasks.subList(0, writers)) {
      writer.get(60, TimeUnit.SECONDS);
    }
    stop.set(true);
    pool.shutdown();
    assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
    for (Future<?> reader : tasks.subList(writers, tasks.size())) {
      reader.get();
    }

    assertEquals(List.of(), List.copyOf(failures), "after " + rounds + " rounds, " + reads);
    assertTrue(rounds.get() >= 5 && reads.get() >= 20, rounds + " rounds, " + reads + " reads");
    long copies = entries().stream().filter(e -> e.startsWith("v")).count();
    assertTrue(
        copies < rounds.get() * writers,
        "superseded copies older than the grace period were removed: "
            + copies
            + " left of "
            + rounds.get() * writers);
    assertTrue(entries().stream().noneMatch(e -> e.startsWith(".")), entries().toString());
  }

  @Test
  void aReaderWhoseCopyIsReplacedAndRemovedUnderItReadsTheNewCopy() throws IOException {
    var mine = new ModelCache(work.resolve("cache"), ModelCache.GRACE);
    var other = new ModelCache(work.resolve("cache"), ModelCache.GRACE);
    mine.store(version("1"), bundle("1"));
    Path v2 = bundle("2");
    List<String> seen = new ArrayList<>();
    Optional<String> read =
        mine.read(
            NAME,
            c -> {
              seen.add(c.manifest().version());
              if (seen.size() == 1) {
                other.store(version("2"), v2);
                ModelCache.deleteTree(c.dir()); // the other replica's clean-up, mid-read
              }
              return loadModel(c);
            });
    assertEquals(Optional.of("2"), read);
    assertEquals(List.of("1", "2"), seen);
  }

  @Test
  void aRefusedCopyThatIsStillCurrentIsNotUsedAndNotReadAgain() throws IOException {
    var cache = new ModelCache(work.resolve("cache"), ModelCache.GRACE);
    cache.store(version("1"), bundle("1"));
    AtomicInteger calls = new AtomicInteger();
    Optional<String> read =
        cache.read(
            NAME,
            c -> {
              calls.incrementAndGet();
              throw new ModelRejectedException("WARMUP_FAILED", "no", new IllegalStateException());
            });
    assertEquals(Optional.empty(), read);
    assertEquals(1, calls.get());
  }

  @Test
  void cleanUpRemovesOnlyEntriesTheManifestDoesNotNameOnceOlderThanTheGracePeriod()
      throws IOException {
    var cache = new ModelCache(work.resolve("cache"), ModelCache.GRACE);
    cache.store(version("1"), bundle("1"));
    String v1 = currentDir();
    cache.store(version("2"), bundle("2"));
    String v2 = currentDir();
    assertEquals(Set.of("current.json", v1, v2), entries(), "a young superseded copy is kept");

    Files.createDirectories(modelDir().resolve(".copy-crashed-writer"));
    Files.createDirectories(modelDir().resolve(".copy-writer-at-work"));
    age(v1);
    age(v2);
    age(".copy-crashed-writer");
    assertFalse(cache.store(version("3"), work.resolve("no-such-bundle")));
    assertEquals(
        Set.of("current.json", v2, ".copy-writer-at-work"),
        entries(),
        "a failed store changes nothing current; the current copy stays however old it is");
    assertEquals(Optional.of("2"), cache.read(NAME, ModelCacheTest::loadModel));

    cache.store(version("3"), bundle("3"));
    String v3 = currentDir();
    assertFalse(entries().contains(v1));
    assertEquals(Set.of("current.json", v3, ".copy-writer-at-work"), entries());
    assertEquals(Optional.of("3"), cache.read(NAME, ModelCacheTest::loadModel));
  }
}
