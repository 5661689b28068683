package dev.smileflow.bundle;

import dev.smileflow.bundle.testing.TestBundles;
import java.nio.file.Path;

/**
 * Writes the checked-in fixture bundles. Run by hand, once per new format version, never by the
 * build; never regenerate an existing version's fixture (that would defeat its purpose): {@code
 * java -cp <test classpath> dev.smileflow.bundle.FixtureGenerator
 * model-bundle/src/test/resources/fixtures/v1}
 */
final class FixtureGenerator {
  private FixtureGenerator() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: FixtureGenerator <fixtures/vN directory>");
    }
    WrittenBundle written =
        TestBundles.writeIrisBundle(Path.of(args[0]).resolve("iris-logistic"), "logistic");
    System.out.println("wrote " + written.dir() + " sha256=" + written.modelSha256());
  }
}
