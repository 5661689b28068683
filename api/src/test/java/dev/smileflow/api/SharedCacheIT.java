package dev.smileflow.api;

import static java.util.Objects.requireNonNull;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smileflow.bundle.testing.TestBundles;
import dev.smileflow.mlflow.MlflowClient;
import dev.smileflow.mlflow.testing.MlflowTestServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code api.jar} replicas sharing one {@code MODEL_CACHE_DIR} (a compose volume, a node disk)
 * against a real MLflow server: both follow every promotion while answering, they never break each
 * other's last-known-good copy, and a third replica starts from that copy with MLflow down.
 */
class SharedCacheIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PROMOTIONS = 4;

  @TempDir Path dir;

  @Test
  void twoReplicasOnOneCacheFollowEveryPromotionAndAThirdStartsFromTheirCopyWithMlflowDown()
      throws Exception {
    MlflowTestServer server = MlflowTestServer.shared();
    Path cache = Files.createDirectories(dir.resolve("cache"));
    List<Path> bundles =
        List.of(
            TestBundles.writeIris(dir.resolve("logistic"), "logistic"),
            TestBundles.writeIris(dir.resolve("knn"), "knn"));
    String modelName = MlflowTestServer.uniqueName("iris");
    List<String> versions = new ArrayList<>();
    try (MlflowClient client = server.newClient()) {
      Publisher publisher =
          new Publisher(client, MlflowTestServer.uniqueName("shared-cache"), modelName);
      for (int i = 0; i <= PROMOTIONS; i++) {
        versions.add(publisher.publish(bundles.get(i % bundles.size())));
      }
      publisher.alias("production", versions.get(0));

      var env = new HashMap<>(server.env());
      env.putAll(
          Map.of(
              "MODEL_NAME",
              modelName,
              "MODEL_CACHE_DIR",
              cache.toString(),
              "MODEL_REFRESH_SECONDS",
              "1",
              "LOG_FORMAT",
              "text"));
      List<ApiProcess> replicas = new ArrayList<>();
      AtomicBoolean stop = new AtomicBoolean();
      try {
        replicas.add(ApiProcess.launch(dir, env));
        replicas.add(ApiProcess.launch(dir, env));
        for (ApiProcess replica : replicas) {
          replica.awaitReady();
        }
        assertCurrentCopyIsComplete(cache.resolve(modelName), versions.get(0));

        Queue<String> failures = new ConcurrentLinkedQueue<>();
        Map<Integer, Set<String>> served = new ConcurrentHashMap<>();
        AtomicInteger answered = new AtomicInteger();
        List<Future<?>> running = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(replicas.size());
        for (int r = 0; r < replicas.size(); r++) {
          int index = r;
          ApiProcess replica = replicas.get(r);
          served.put(index, ConcurrentHashMap.newKeySet());
          running.add(
              clients.submit(() -> {
                while (!stop.get()) {
                  try {
                    var response = replica.classify();
                    if (response.statusCode() != 200) {
                      failures.add(
                          "replica "
                              + index
                              + ": "
                              + response.statusCode()
                              + " "
                              + response.body());
                    } else {
                      served
                          .get(index)
                          .add(JSON.readTree(response.body()).at("/data/model_version").asText());
                      answered.incrementAndGet();
                    }
                    Thread.sleep(20); // a steady trickle, not a load test
                  } catch (IOException e) {
                    failures.add("replica " + index + ": " + e);
                  }
                }
                return null;
              }));
        }

        for (String version : versions.subList(1, versions.size())) {
          publisher.alias("production", version);
          for (int r = 0; r < replicas.size(); r++) {
            awaitServedVersion(replicas.get(r), version);
            awaitClassifiedWith(requireNonNull(served.get(r)), version, "replica " + r);
          }
          // Both replicas stored this version (they cache before they swap), so current.json
          // names a copy of it, whoever wrote last, and that copy is whole.
          assertCurrentCopyIsComplete(cache.resolve(modelName), version);
        }

        stop.set(true);
        clients.shutdown();
        assertTrue(clients.awaitTermination(30, TimeUnit.SECONDS));
        for (Future<?> trickle : running) {
          trickle.get();
        }
        assertEquals(List.of(), List.copyOf(failures), answered + " answered");
        for (ApiProcess replica : replicas) {
          String log = replica.output();
          for (String version : versions) {
            assertTrue(
                log.contains("cached model " + modelName + " version " + version + " in "),
                "stored " + version + ":\n" + log);
          }
          assertFalse(log.contains("could not cache"), log);
        }
      } finally {
        stop.set(true);
        for (ApiProcess replica : replicas) {
          replica.process().destroy();
          replica.awaitExit();
        }
      }
    }

    try (ClosedPort down = new ClosedPort();
        ApiProcess third = ApiProcess.launchFromCache(dir, down, modelName, cache)) {
      third.awaitReady();
      JsonNode model = JSON.readTree(third.get("/v1/model").body()).get("data");
      assertEquals("cache", model.get("source").asText(), model.toString());
      assertEquals(versions.getLast(), model.get("version").asText());
      var response = third.classify();
      assertEquals(200, response.statusCode(), response.body());
      assertEquals(
          versions.getLast(), JSON.readTree(response.body()).at("/data/model_version").asText());
    }
  }

  private static void awaitServedVersion(ApiProcess replica, String version) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String seen = "";
    while (System.nanoTime() < deadline) {
      seen = JSON.readTree(replica.get("/v1/model").body()).at("/data/version").asText();
      if (seen.equals(version)) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        "still serving " + seen + ", not " + version + ":\n" + replica.output());
  }

  /** Waits until the replica's client has had an answer from {@code version}. */
  private static void awaitClassifiedWith(Set<String> served, String version, String replica)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!served.contains(version)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(replica + " answered only with " + served + ", not " + version);
      }
      Thread.sleep(20);
    }
  }

  /**
   * Checks the cache the way an independent reader would: {@code current.json} names a directory
   * that is there, of {@code version}, and every file in it matches its SHA-256.
   */
  private static void assertCurrentCopyIsComplete(Path modelDir, String version) throws Exception {
    JsonNode manifest = JSON.readTree(modelDir.resolve("current.json").toFile());
    assertEquals(version, manifest.get("version").asText(), manifest.toString());
    Path copy = modelDir.resolve(manifest.get("dir").asText());
    assertTrue(Files.isDirectory(copy), "current.json names a missing directory " + copy);
    assertTrue(manifest.get("files").has("model.ser"), manifest.toString());
    for (var file : manifest.get("files").properties()) {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      try (InputStream in = Files.newInputStream(copy.resolve(file.getKey()))) {
        sha.update(in.readAllBytes());
      }
      assertEquals(file.getValue().asText(), HexFormat.of().formatHex(sha.digest()), file.getKey());
    }
  }
}
