package dev.smileflow.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.junit.jupiter.api.Test;

class ArtifactLocationTest {

  static final URI TRACKING = URI.create("http://localhost:5000");

  @Test
  void artifactPathGoesBehindTheProxyRouteOfTheTrackingServer() {
    ArtifactLocation l = ArtifactLocation.parse("mlflow-artifacts:/1/abc/artifacts", TRACKING);
    assertEquals(
        URI.create(
            "http://localhost:5000/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts/model/MLmodel"),
        l.file("model/MLmodel"));
    assertEquals(
        URI.create(
            "http://localhost:5000/api/2.0/mlflow-artifacts/artifacts?path=1%2Fabc%2Fartifacts"),
        l.listing(""));
    assertEquals(
        URI.create(
            "http://localhost:5000/api/2.0/mlflow-artifacts/artifacts?path=1%2Fabc%2Fartifacts%2Fplots"),
        l.listing("plots"));
  }

  @Test
  void hostInTheArtifactUriWinsWithTheTrackingScheme() {
    ArtifactLocation l =
        ArtifactLocation.parse(
            "mlflow-artifacts://other:4242/x", URI.create("https://ml.example.com"));
    assertEquals(
        URI.create("https://other:4242/api/2.0/mlflow-artifacts/artifacts/x/f"), l.file("f"));
  }

  @Test
  void trackingPathPrefixStaysInFrontOfApiAndDoubleSlashesCollapse() {
    ArtifactLocation l =
        ArtifactLocation.parse(
            "mlflow-artifacts:///1//models/m-1/artifacts/", URI.create("http://h:80/mlflow"));
    assertEquals(
        URI.create(
            "http://h:80/mlflow/api/2.0/mlflow-artifacts/artifacts/1/models/m-1/artifacts/a"),
        l.file("a"));
  }

  @Test
  void spacesAndOddCharactersArePercentEncodedPerSegment() {
    ArtifactLocation l = ArtifactLocation.parse("mlflow-artifacts:/1/r/artifacts", TRACKING);
    assertEquals(
        "/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/plots/confusion%20matrix%231.png",
        l.file("plots/confusion matrix#1.png").getRawPath());
  }

  @Test
  void otherSchemesAreRefusedWithTheProxyHint() {
    for (String uri : new String[] {"s3://bucket/1/abc", "file:///tmp/mlruns/1", "/tmp/mlruns/1"}) {
      MlflowException e =
          assertThrows(MlflowException.class, () -> ArtifactLocation.parse(uri, TRACKING));
      assertEquals(MlflowException.Kind.UNSUPPORTED, e.kind());
      assertTrue(e.message().contains("mlflow-artifacts:/"), e.message());
      assertTrue(e.message().contains(uri), e.message());
    }
  }

  @Test
  void traversalAndAbsoluteRelativePathsAreRejected() {
    ArtifactLocation l = ArtifactLocation.parse("mlflow-artifacts:/1", TRACKING);
    for (String bad : new String[] {"../x", "a/../../x", "/etc/passwd", "a//b", "a\\b", ""}) {
      assertThrows(IllegalArgumentException.class, () -> l.file(bad), bad);
    }
  }
}
