package dev.smileflow.api.model;

import static java.util.Objects.requireNonNull;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smileflow.api.metrics.ApiMetrics;
import dev.smileflow.bundle.testing.TestBundles;
import dev.smileflow.mlflow.ModelUri;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up, the last-known-good cache, following the alias and refusing bad versions. */
class ModelLifecycleTest {
  private static final ModelSource.Registered SOURCE =
      new ModelSource.Registered(new ModelUri.Alias("iris", "production"));
  private static final WarmupBudget NO_WARMUP = new WarmupBudget(Duration.ZERO, 0);

  @TempDir static Path bundles;
  static Path logistic;
  static Path knn;

  @TempDir Path work;
  final ApiMetrics metrics = new ApiMetrics();
  final List<Duration> sleeps = new ArrayList<>();

  @BeforeAll
  static void writeBundles() throws IOException {
    logistic = TestBundles.writeIris(bundles.resolve("logistic"), "logistic");
    knn = TestBundles.writeIris(bundles.resolve("knn"), "knn");
  }

  @AfterEach
  void closeMetrics() {
    metrics.close();
  }

  private Path copy(Path bundle, String name) throws IOException {
    Path dir = Files.createDirectories(work.resolve(name));
    try (Stream<Path> files = Files.list(bundle)) {
      for (Path f : files.toList()) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
    return dir;
  }

  private ModelFetcher fetcher(FakeRegistry registry, @Nullable Path cacheDir) {
    return new ModelFetcher(SOURCE, registry, cacheDir, Clock.systemUTC());
  }

  private ModelStartup startup(ModelFetcher fetcher, Duration window) {
    return new ModelStartup(fetcher, window, sleeps::add);
  }

  @Test
  void startupResolvesTheAliasDownloadsVerifiesAndLoads() {
    var registry = new FakeRegistry().version("1", logistic).alias("production", "1");
    ServedModel m = startup(fetcher(registry, null), Duration.ofSeconds(5)).load();
    assertEquals("1", m.version());
    assertEquals("run-1", m.runId());
    assertEquals(ServedModel.Origin.REGISTRY, m.origin());
    assertEquals("Iris-virginica", m.model().predict(TestBundles.virginica()).label());
  }

  @Test
  void startupRetriesWithBackoffWhileMlflowIsUnreachable() {
    var registry = new FakeRegistry().version("1", logistic).alias("production", "1");
    registry.failNextResolves = 3;
    ServedModel m = startup(fetcher(registry, null), Duration.ofSeconds(60)).load();
    assertEquals("1", m.version());
    assertEquals(3, sleeps.size());
    assertTrue(sleeps.get(2).compareTo(sleeps.get(0)) > 0, "backoff grows: " + sleeps);
  }

  @Test
  void unreachableMlflowWithoutCacheRefusesToStartWithTheReason() {
    var registry = new FakeRegistry();
    registry.mode = FakeRegistry.Mode.DOWN;
    var e =
        assertThrows(
            StartupFailedException.class,
            () -> startup(fetcher(registry, null), Duration.ZERO).load());
    assertEquals("REGISTRY_UNREACHABLE", e.code());
    assertTrue(e.getMessage().contains("MLflow unreachable"), e.getMessage());
    assertTrue(e.getMessage().contains("connection refused"), e.getMessage());
  }

  @Test
  void unauthorizedMlflowRefusesToStartAtOnce() {
    var registry = new FakeRegistry();
    registry.mode = FakeRegistry.Mode.UNAUTHORIZED;
    var e =
        assertThrows(
            StartupFailedException.class,
            () -> startup(fetcher(registry, null), Duration.ofSeconds(60)).load());
    assertEquals("REGISTRY_UNAUTHORIZED", e.code());
    assertEquals(1, registry.resolves.get());
    assertTrue(sleeps.isEmpty());
  }

  @Test
  void unknownAliasRefusesToStartWithItsName() {
    var registry = new FakeRegistry().version("1", logistic);
    var e =
        assertThrows(
            StartupFailedException.class,
            () -> startup(fetcher(registry, null), Duration.ofSeconds(60)).load());
    assertEquals("REGISTRY_NOT_FOUND", e.code());
    assertTrue(e.getMessage().contains("models:/iris@production"), e.getMessage());
  }

  @Test
  void startupWithMlflowDownServesTheVerifiedCachedCopy() {
    Path cache = work.resolve("cache");
    var registry = new FakeRegistry().version("4", logistic).alias("production", "4");
    startup(fetcher(registry, cache), Duration.ZERO).load();
    registry.mode = FakeRegistry.Mode.DOWN;
    ServedModel m = startup(fetcher(registry, cache), Duration.ZERO).load();
    assertEquals("4", m.version());
    assertEquals(ServedModel.Origin.CACHE, m.origin());
    assertEquals("run-4", m.runId());
    assertEquals("Iris-setosa", m.model().predict(TestBundles.setosa()).label());
  }

  @Test
  void aTamperedCachedCopyIsNotUsed() throws IOException {
    Path cache = work.resolve("cache");
    var registry = new FakeRegistry().version("4", logistic).alias("production", "4");
    startup(fetcher(registry, cache), Duration.ZERO).load();
    try (Stream<Path> files = Files.walk(cache)) {
      Path json =
          files
              .filter(p -> p.getFileName().toString().equals("input_example.json"))
              .findFirst()
              .orElseThrow();
      Files.writeString(json, "{}");
    }
    registry.mode = FakeRegistry.Mode.DOWN;
    var e =
        assertThrows(
            StartupFailedException.class,
            () -> startup(fetcher(registry, cache), Duration.ZERO).load());
    assertTrue(e.getMessage().contains("no verified last-known-good copy"), e.getMessage());
  }

  @Test
  void pollerSwapsInTheVersionTheAliasMovesToAndRollsBack() {
    var registry =
        new FakeRegistry().version("1", logistic).version("2", knn).alias("production", "1");
    var fetcher = fetcher(registry, null);
    var holder = new ModelHolder(metrics, Clock.systemUTC());
    holder.swap(startup(fetcher, Duration.ZERO).load());
    ServedModel first = holder.current().orElseThrow();
    var poller = new ModelRefresher(fetcher, holder, metrics, NO_WARMUP);
    poller.checkOnce();
    assertSame(first, holder.current().orElseThrow(), "same version: nothing reloaded");
    registry.alias("production", "2");
    poller.checkOnce();
    assertEquals("2", holder.current().orElseThrow().version());
    assertEquals("knn", holder.current().orElseThrow().model().descriptor().algorithm());
    registry.alias("production", "1");
    poller.checkOnce();
    assertEquals("1", holder.current().orElseThrow().version());
    assertTrue(metrics.scrape().contains("model_swaps_total 2.0"), metrics.scrape());
  }

  @Test
  void aTamperedVersionIsRefusedLoggedCountedAndTheCurrentModelKeepsServing() throws IOException {
    Path tampered = copy(knn, "tampered");
    TestBundles.flipModelByte(tampered);
    var registry =
        new FakeRegistry().version("1", logistic).version("2", tampered).alias("production", "1");
    var fetcher = fetcher(registry, null);
    var holder = new ModelHolder(metrics, Clock.systemUTC());
    holder.swap(startup(fetcher, Duration.ZERO).load());
    var poller = new ModelRefresher(fetcher, holder, metrics, NO_WARMUP);
    registry.alias("production", "2");
    poller.checkOnce();
    assertEquals("1", holder.current().orElseThrow().version());
    ModelHolder.Refusal refusal = holder.lastRefusal().orElseThrow();
    assertEquals("2", refusal.version());
    assertEquals("CHECKSUM_MISMATCH", refusal.code());
    assertTrue(
        metrics.scrape().contains("model_load_failures_total{reason=\"CHECKSUM_MISMATCH\"} 1.0"),
        metrics.scrape());
    int downloads = registry.downloads.get();
    poller.checkOnce();
    assertEquals(downloads, registry.downloads.get(), "a refused version is not downloaded again");
  }

  @Test
  void aVersionWhoseWarmUpPredictionFailsIsRefusedBeforeItServes() throws IOException {
    Path cold = copy(knn, "cold");
    Files.writeString(cold.resolve("input_example.json"), "{\"petal_colour\": \"blue\"}");
    var registry =
        new FakeRegistry().version("1", logistic).version("2", cold).alias("production", "1");
    var fetcher = fetcher(registry, null);
    var holder = new ModelHolder(metrics, Clock.systemUTC());
    holder.swap(startup(fetcher, Duration.ZERO).load());
    registry.alias("production", "2");
    new ModelRefresher(fetcher, holder, metrics, NO_WARMUP).checkOnce();
    ModelHolder.Refusal refusal = holder.lastRefusal().orElseThrow();
    assertEquals("WARMUP_FAILED", refusal.code());
    assertTrue(refusal.message().contains("petal_colour: unknown field"), refusal.message());
    assertEquals("1", holder.current().orElseThrow().version());
  }

  /** Not a model: a class outside the allow-list. */
  record Gadget(String command) implements Serializable {}

  @Test
  void aCraftedSerializedPayloadOfAnotherClassIsRefusedBeforeItIsInstantiated() throws IOException {
    Path crafted = copy(logistic, "crafted");
    TestBundles.smuggleModel(crafted, new Gadget("rm -rf /"));
    var registry =
        new FakeRegistry().version("1", logistic).version("2", crafted).alias("production", "1");
    var fetcher = fetcher(registry, null);
    var holder = new ModelHolder(metrics, Clock.systemUTC());
    holder.swap(startup(fetcher, Duration.ZERO).load());
    registry.alias("production", "2");
    new ModelRefresher(fetcher, holder, metrics, NO_WARMUP).checkOnce();
    assertEquals("FORBIDDEN_CLASS", holder.lastRefusal().orElseThrow().code());
    assertEquals("1", holder.current().orElseThrow().version());
  }

  /** Runs one poll on its own thread, stopped in its download of version 2 until the test acts. */
  private Thread pollStuckInTheDownloadOf2(FakeRegistry registry, ModelRefresher poller)
      throws InterruptedException {
    registry.downloadGate = new CountDownLatch(1);
    registry.alias("production", "2");
    Thread poll = Thread.ofPlatform().start(poller::checkOnce);
    assertTrue(registry.downloadsWaiting.tryAcquire(30, TimeUnit.SECONDS), "the poll downloads");
    return poll;
  }

  @Test
  void closingThePollerMidDownloadAbandonsTheVersionWithoutRefusingIt() throws Exception {
    var registry =
        new FakeRegistry().version("1", logistic).version("2", knn).alias("production", "1");
    var fetcher = fetcher(registry, null);
    var holder = new ModelHolder(metrics, Clock.systemUTC());
    holder.swap(startup(fetcher, Duration.ZERO).load());
    var poller = new ModelRefresher(fetcher, holder, metrics, NO_WARMUP);
    Thread poll = pollStuckInTheDownloadOf2(registry, poller);

    poller.close();
    poll.interrupt(); // what close() does to the poller's own thread
    poll.join(Duration.ofSeconds(30));

    assertFalse(poll.isAlive());
    assertEquals("1", holder.current().orElseThrow().version());
    assertTrue(holder.lastRefusal().isEmpty(), "an interrupted download says nothing of version 2");
    assertFalse(metrics.scrape().contains("model_refresh_errors_total{"), metrics.scrape());
  }

  @Test
  void aVersionThatFinishesLoadingAfterTheCloseIsNeverSwappedIn() throws Exception {
    var registry =
        new FakeRegistry().version("1", logistic).version("2", knn).alias("production", "1");
    var fetcher = fetcher(registry, null);
    var holder = new ModelHolder(metrics, Clock.systemUTC());
    holder.swap(startup(fetcher, Duration.ZERO).load());
    var poller =
        new ModelRefresher(fetcher, holder, metrics, new WarmupBudget(Duration.ofSeconds(30), 100));
    Thread poll = pollStuckInTheDownloadOf2(registry, poller);

    poller.close();
    requireNonNull(registry.downloadGate).countDown(); // the download completes regardless
    poll.join(Duration.ofSeconds(30));

    assertFalse(poll.isAlive());
    assertEquals("1", holder.current().orElseThrow().version());
    assertTrue(holder.lastRefusal().isEmpty());
    assertTrue(metrics.scrape().contains("model_swaps_total 0.0"), metrics.scrape());
  }

  @Test
  void aPollerClosedByASigtermDuringStartUpDoesNotStart() {
    var registry = new FakeRegistry().version("1", logistic).alias("production", "1");
    var holder = new ModelHolder(metrics, Clock.systemUTC());
    var poller = new ModelRefresher(fetcher(registry, null), holder, metrics, NO_WARMUP);
    poller.close();
    assertDoesNotThrow(() -> poller.start(Duration.ofSeconds(1)));
  }

  @Test
  void registryOutageDuringAPollKeepsServingAndIsCounted() {
    var registry = new FakeRegistry().version("1", logistic).alias("production", "1");
    var fetcher = fetcher(registry, null);
    var holder = new ModelHolder(metrics, Clock.systemUTC());
    holder.swap(startup(fetcher, Duration.ZERO).load());
    registry.mode = FakeRegistry.Mode.DOWN;
    new ModelRefresher(fetcher, holder, metrics, NO_WARMUP).checkOnce();
    assertEquals("1", holder.current().orElseThrow().version());
    assertTrue(
        metrics
            .scrape()
            .contains("model_refresh_errors_total{reason=\"REGISTRY_UNREACHABLE\"} 1.0"));
  }

  @Test
  void aCacheStartIsConfirmedWhenTheRegistryComesBackWithTheSameVersion() {
    Path cache = work.resolve("cache");
    var registry = new FakeRegistry().version("4", logistic).alias("production", "4");
    startup(fetcher(registry, cache), Duration.ZERO).load();
    registry.mode = FakeRegistry.Mode.DOWN;
    var fetcher = fetcher(registry, cache);
    var holder = new ModelHolder(metrics, Clock.systemUTC());
    holder.swap(startup(fetcher, Duration.ZERO).load());
    assertEquals(ServedModel.Origin.CACHE, holder.current().orElseThrow().origin());
    registry.mode = FakeRegistry.Mode.UP;
    int downloads = registry.downloads.get();
    new ModelRefresher(fetcher, holder, metrics, NO_WARMUP).checkOnce();
    assertEquals(ServedModel.Origin.REGISTRY, holder.current().orElseThrow().origin());
    assertEquals(downloads, registry.downloads.get());
  }

  @Test
  void localDirectoryLoadsWithNoRegistry() {
    var fetcher =
        new ModelFetcher(new ModelSource.LocalDirectory(logistic), null, null, Clock.systemUTC());
    ServedModel m = new ModelStartup(fetcher, Duration.ZERO, d -> {}).load();
    assertEquals(ServedModel.Origin.LOCAL, m.origin());
    assertEquals("local", m.version());
  }
}
