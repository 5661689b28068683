package dev.smileflow.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.smileflow.bundle.testing.TestBundles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LDA needs native BLAS/LAPACK at prediction time (it deserializes fine without). A JVM whose BLAS
 * cannot be found must refuse the bundle at load, not fail the first request. Class-initialisation
 * failure is permanent per JVM, so the load runs in a child JVM. Fitting LDA here needs the
 * machine's libopenblas.
 */
class WarmupWithoutBlasTest {
  @TempDir Path dir;

  private static String load(Path bundle, String... jvmOptions)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--enable-native-access=ALL-UNNAMED");
    command.addAll(List.of(jvmOptions));
    command.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            LoadProbe.class.getName(),
            bundle.toString()));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("load probe timed out");
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    return out.lines().reduce((a, b) -> b).orElse("");
  }

  @Test
  void modelNeedingAbsentNativeBlasFailsAtLoadWithWarmupFailed() throws Exception {
    Path bundle = TestBundles.writeIris(dir, "lda");
    assertEquals("OK", load(bundle));
    assertEquals(
        "WARMUP_FAILED",
        load(
            bundle,
            "-Dsmile.lib.blas=smileflow-no-such-blas",
            "-Dsmile.lib.lapack=smileflow-no-such-lapack"));
  }
}
