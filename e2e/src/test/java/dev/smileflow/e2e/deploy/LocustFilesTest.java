package dev.smileflow.e2e.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * locust/: the routes it loads exist in the api, its default host is the api's port, and its pinned
 * version is the documented one.
 */
class LocustFilesTest {

  private static Map<String, String> conf() {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : Project.read("locust/locust.conf").split("\n")) {
      String l = line.strip();
      if (!l.isEmpty() && !l.startsWith("#")) {
        String[] kv = l.split("=", 2);
        out.put(kv[0].strip(), kv.length > 1 ? kv[1].strip() : "");
      }
    }
    return out;
  }

  @Test
  void locustfileLoadsRoutesTheApiServes() {
    Matcher route =
        Pattern.compile("(?m)^(CLASSIFY|BATCH) = \"(/[^\"]+)\"")
            .matcher(Project.read("locust/locustfile.py"));
    int found = 0;
    while (route.find()) {
      found++;
      assertTrue(
          Project.apiRoutes().contains(route.group(2)),
          "locustfile.py loads " + route.group(2) + ", not an api route");
    }
    assertEquals(2, found, "locustfile.py should name the single and the batch classify routes");
  }

  @Test
  void headlessConfigTargetsTheApiPortAndGatesOnSlos() {
    Map<String, String> conf = conf();
    int port = Dockerfile.parse(Project.read("Dockerfile.api")).exposed().getFirst();
    assertEquals("http://127.0.0.1:" + port, conf.get("host"));
    assertEquals("true", conf.get("headless"));
    assertEquals("locustfile.py", conf.get("locustfile"));
    String locustfile = Project.read("locust/locustfile.py");
    for (String key : new String[] {"slo-p95-ms", "slo-max-error-ratio", "think-time"}) {
      assertTrue(conf.containsKey(key), "locust.conf does not set " + key);
      assertTrue(
          locustfile.contains("\"--" + key + "\""),
          "locust.conf sets " + key + ", which locustfile.py does not define");
    }
  }

  @Test
  void pinnedLocustVersionIsTheDocumentedOne() {
    Matcher pinned =
        Pattern.compile("LOCUST_VERSION=(\\S+)").matcher(Project.read("benchmarks/lib.sh"));
    assertTrue(pinned.find(), "benchmarks/lib.sh pins no locust version");
    assertTrue(
        Project.read("locust/README.md").contains("(" + pinned.group(1) + ")")
            && Project.read("locust/README.md").contains("locust-" + pinned.group(1)),
        "locust/README.md does not name the pinned locust " + pinned.group(1));
  }
}
