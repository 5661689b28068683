package dev.smileflow.bundle;

import java.nio.file.Path;

/**
 * Loads a bundle in a fresh JVM and prints {@code OK} or the failure code (see
 * WarmupWithoutBlasTest).
 */
final class LoadProbe {
  private LoadProbe() {}

  public static void main(String[] args) {
    try {
      ModelBundle.load(Path.of(args[0]));
      System.out.println("OK");
    } catch (BundleException e) {
      System.out.println(e.code());
    }
  }
}
