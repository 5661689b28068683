package dev.smileflow.api;

import static java.util.Objects.requireNonNull;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smileflow.api.model.MlflowRegistry;
import dev.smileflow.api.model.ModelFetcher;
import dev.smileflow.api.model.ModelRefresher;
import dev.smileflow.api.model.ModelStartup;
import dev.smileflow.api.model.WarmupBudget;
import dev.smileflow.bundle.testing.TestBundles;
import dev.smileflow.mlflow.MlflowClient;
import dev.smileflow.mlflow.Stage;
import dev.smileflow.mlflow.testing.MlflowTestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The api against a real MLflow server: resolve, download over the proxy, verify, load, follow,
 * refuse.
 */
class RegistryServingIT {
  private static final String VIRGINICA =
      "{\"sepal_length\": 7.7, \"sepal_width\": 2.6, \"petal_length\": 6.9, \"petal_width\": 2.3}";
  private static final WarmupBudget NO_WARMUP = new WarmupBudget(Duration.ZERO, 0);

  @TempDir static Path dir;
  static MlflowTestServer server;
  static MlflowClient client;
  static Path logistic;
  static Path knn;

  @BeforeAll
  static void setUp() throws IOException {
    server = MlflowTestServer.shared();
    client = server.newClient();
    logistic = TestBundles.writeIris(dir.resolve("logistic"), "logistic");
    knn = TestBundles.writeIris(dir.resolve("knn"), "knn");
  }

  @AfterAll
  static void tearDown() {
    client.close();
  }

  private static Publisher publisher() {
    return new Publisher(
        client, MlflowTestServer.uniqueName("api-it"), MlflowTestServer.uniqueName("iris"));
  }

  /** A started api whose model comes from the registry through the real read path. */
  private record Served(RunningApi api, MlflowRegistry registry, ModelFetcher fetcher)
      implements AutoCloseable {
    static Served start(Map<String, String> extra) {
      var env = new HashMap<>(server.env());
      env.putAll(extra);
      RunningApi api = RunningApi.start(env);
      MlflowRegistry registry = MlflowRegistry.create(requireNonNull(api.config.mlflow()));
      var fetcher =
          new ModelFetcher(api.config.model(), registry, api.config.cacheDir(), Clock.systemUTC());
      api.holder.swap(new ModelStartup(fetcher, api.config.startupRetry(), Thread::sleep).load());
      return new Served(api, registry, fetcher);
    }

    @Override
    public void close() {
      api.close();
      registry.close();
    }
  }

  @Test
  void servesTheVersionTheProductionAliasPointsAt() {
    Publisher p = publisher();
    String v1 = p.publish(logistic);
    p.alias("production", v1);
    try (Served s = Served.start(Map.of("MODEL_NAME", p.modelName))) {
      var r = s.api().postJson("/v1/classify", VIRGINICA);
      assertEquals(200, r.status(), r.body());
      assertEquals(v1, r.json().at("/data/model_version").asText());
      assertEquals("Iris-virginica", r.json().at("/data/pred_label").asText());
      JsonNode model = s.api().get("/v1/model").json().get("data");
      assertEquals(p.modelName, model.get("name").asText());
      assertEquals("production", model.get("alias").asText());
      assertEquals("registry", model.get("source").asText());
      assertEquals("models:/" + p.modelName + "@production", model.get("uri").asText());
    }
  }

  @Test
  void versionNumberAndStageUrisResolve() {
    Publisher p = publisher();
    String v1 = p.publish(logistic);
    String v2 = p.publish(knn);
    client.registry().transitionStage(p.modelName, v1, Stage.PRODUCTION, true);
    try (Served byNumber = Served.start(Map.of("MODEL_URI", "models:/" + p.modelName + "/" + v2));
        Served byStage =
            Served.start(Map.of("MODEL_URI", "models:/" + p.modelName + "/Production"))) {
      assertEquals(
          v2,
          byNumber
              .api()
              .postJson("/v1/classify", VIRGINICA)
              .json()
              .at("/data/model_version")
              .asText());
      assertEquals("knn", byNumber.api().get("/v1/model").json().at("/data/algorithm").asText());
      assertEquals(
          v1,
          byStage
              .api()
              .postJson("/v1/classify", VIRGINICA)
              .json()
              .at("/data/model_version")
              .asText());
    }
  }

  @Test
  void hotSwapUnderConcurrentLoadFailsNoRequestAndServesTheNewVersion() throws Exception {
    Publisher p = publisher();
    String v1 = p.publish(logistic);
    String v2 = p.publish(knn);
    p.alias("production", v1);
    try (Served s = Served.start(Map.of("MODEL_NAME", p.modelName));
        var refresher =
            new ModelRefresher(s.fetcher(), s.api().holder, s.api().metrics, NO_WARMUP)) {
      AtomicBoolean stop = new AtomicBoolean();
      Set<String> failures = ConcurrentHashMap.newKeySet();
      Map<String, AtomicInteger> served = new ConcurrentHashMap<>();
      ExecutorService clients = Executors.newFixedThreadPool(4);
      for (int t = 0; t < 4; t++) {
        clients.submit(() -> {
          while (!stop.get()) {
            try {
              var r = s.api().postJson("/v1/classify", VIRGINICA);
              if (r.status() != 200) {
                failures.add(r.status() + " " + r.body());
              } else {
                served
                    .computeIfAbsent(
                        r.json().at("/data/model_version").asText(), v -> new AtomicInteger())
                    .incrementAndGet();
              }
            } catch (RuntimeException e) {
              failures.add(e.toString());
            }
          }
        });
      }
      refresher.start(Duration.ofMillis(200));
      // The load runs on v1 for a while, the alias moves, and the load runs on v2 for a while.
      Await.until(
          "200 requests on v1", Duration.ofSeconds(30), () -> count(served, v1), n -> n >= 200);
      p.alias("production", v2);
      Await.until(
          "200 requests on v2", Duration.ofSeconds(30), () -> count(served, v2), n -> n >= 200);
      stop.set(true);
      clients.shutdown();
      assertTrue(clients.awaitTermination(20, TimeUnit.SECONDS));
      assertEquals(Set.of(), failures);
      assertEquals(Set.of(v1, v2), served.keySet(), "both versions served: " + served);
      assertEquals(
          v2,
          s.api().postJson("/v1/classify", VIRGINICA).json().at("/data/model_version").asText());
      assertTrue(s.api().get("/metrics").body().contains("model_swaps_total 1.0"));
    }
  }

  private static int count(Map<String, AtomicInteger> served, String version) {
    AtomicInteger n = served.get(version);
    return n == null ? 0 : n.get();
  }

  @Test
  void aTamperedVersionIsRefusedWhileTheOldOneKeepsServing() throws IOException {
    Publisher p = publisher();
    String v1 = p.publish(logistic);
    Path tampered = Files.createDirectories(dir.resolve("tampered-" + System.nanoTime()));
    TestBundles.writeIris(tampered, "logistic");
    TestBundles.flipModelByte(tampered);
    String bad = p.publish(tampered);
    p.alias("production", v1);
    try (Served s = Served.start(Map.of("MODEL_NAME", p.modelName));
        var refresher =
            new ModelRefresher(s.fetcher(), s.api().holder, s.api().metrics, NO_WARMUP)) {
      p.alias("production", bad);
      refresher.checkOnce();
      var r = s.api().postJson("/v1/classify", VIRGINICA);
      assertEquals(200, r.status());
      assertEquals(v1, r.json().at("/data/model_version").asText());
      JsonNode refused = s.api().get("/v1/model").json().at("/data/last_refused");
      assertEquals(bad, refused.get("version").asText());
      assertEquals("CHECKSUM_MISMATCH", refused.get("code").asText());
      assertTrue(
          s.api()
              .get("/metrics")
              .body()
              .contains("model_load_failures_total{reason=\"CHECKSUM_MISMATCH\"} 1.0"));
      p.alias("production", v1);
      refresher.checkOnce();
      assertEquals(v1, s.api().get("/v1/model").json().at("/data/version").asText());
    }
  }

  @Test
  void startUpWithMlflowDownAndACachePresentServesTheCachedVersion() throws IOException {
    Publisher p = publisher();
    String v1 = p.publish(logistic);
    p.alias("production", v1);
    Path cache = dir.resolve("cache-" + System.nanoTime());
    try (Served first =
        Served.start(Map.of("MODEL_NAME", p.modelName, "MODEL_CACHE_DIR", cache.toString()))) {
      assertEquals("registry", first.api().get("/v1/model").json().at("/data/source").asText());
    }
    try (Stream<Path> cached = Files.walk(cache)) {
      assertTrue(cached.anyMatch(f -> f.getFileName().toString().equals("model.ser")));
    }
    try (ClosedPort mlflowDown = new ClosedPort();
        Served down =
            Served.start(
                Map.of(
                    "MLFLOW_TRACKING_URI",
                    mlflowDown.uri().toString(),
                    "MODEL_NAME",
                    p.modelName,
                    "MODEL_CACHE_DIR",
                    cache.toString(),
                    "MODEL_STARTUP_RETRY_SECONDS",
                    "1"))) {
      JsonNode model = down.api().get("/v1/model").json().get("data");
      assertEquals("cache", model.get("source").asText());
      assertEquals(v1, model.get("version").asText());
      var r = down.api().postJson("/v1/classify", VIRGINICA);
      assertEquals(200, r.status());
      assertEquals(v1, r.json().at("/data/model_version").asText());
    }
  }
}
