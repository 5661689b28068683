package dev.smileflow.mlflow;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * An {@code mlflow-artifacts:} URI mapped to MLflow's artifact proxy as MLflow's own client does:
 * the tracking URI's scheme; the artifact URI's host:port if it has one, else the tracking URI's;
 * and path {@code <tracking path>/api/2.0/mlflow-artifacts/artifacts/<artifact path>}. Other
 * schemes are refused.
 *
 * @param server scheme://authority + tracking path prefix, e.g. {@code
 *     http://127.0.0.1:5000/mlflow}
 * @param path the artifact path below the proxy root, without leading or trailing slash (may be
 *     empty)
 */
record ArtifactLocation(String server, String path) {

  static final String PROXY = "/api/2.0/mlflow-artifacts/artifacts";

  static ArtifactLocation parse(String artifactUri, URI trackingUri) {
    URI uri;
    try {
      uri = new URI(artifactUri);
    } catch (URISyntaxException e) {
      throw new MlflowException(
          MlflowException.Kind.INVALID,
          0,
          null,
          "artifact URI '" + artifactUri + "' is not a valid URI: " + e.getMessage(),
          e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("mlflow-artifacts")) {
      throw new MlflowException(
          MlflowException.Kind.UNSUPPORTED,
          0,
          null,
          "artifact URI '"
              + artifactUri
              + "' has scheme '"
              + (scheme.isEmpty() ? "none" : scheme)
              + "'; this client moves artifacts only"
              + " through MLflow's artifact proxy (mlflow-artifacts:/...): run the server with --serve-artifacts"
              + " and use an experiment whose artifact location is mlflow-artifacts:/");
    }
    String authority =
        uri.getRawAuthority() != null && !uri.getRawAuthority().isEmpty()
            ? uri.getRawAuthority()
            : trackingUri.getRawAuthority();
    String prefix =
        trackingUri.getRawPath() == null ? "" : trackingUri.getRawPath().replaceAll("/+$", "");
    String path = uri.getPath() == null ? "" : trimSlashes(uri.getPath().replaceAll("/+", "/"));
    return new ArtifactLocation(trackingUri.getScheme() + "://" + authority + prefix, path);
  }

  /** The URL of file {@code relative} (slash-separated) below this location. */
  URI file(String relative) {
    String full = join(path, checkRelative(relative));
    return URI.create(server + PROXY + "/" + encodePath(full));
  }

  /** The listing URL of directory {@code relative} ("" = this location). */
  URI listing(String relative) {
    String full = join(path, relative.isEmpty() ? "" : checkRelative(relative));
    return URI.create(server + PROXY + "?path=" + Query.encode(full));
  }

  /** {@code s} without leading and trailing slashes. */
  static String trimSlashes(String s) {
    return s.replaceAll("^/+|/+$", "");
  }

  static String join(String a, String b) {
    if (a.isEmpty()) {
      return b;
    }
    return b.isEmpty() ? a : a + "/" + b;
  }

  /** Rejects absolute paths, backslashes, empty, "." and ".." segments. */
  static String checkRelative(String relative) {
    if (relative.isEmpty() || relative.startsWith("/") || relative.contains("\\")) {
      throw new IllegalArgumentException(
          "artifact path must be relative with '/' separators: '" + relative + "'");
    }
    for (String segment : relative.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException(
            "artifact path has an empty, '.' or '..' segment: '" + relative + "'");
      }
    }
    return relative;
  }

  private static String encodePath(String p) {
    return Arrays.stream(p.split("/", -1)).map(Query::encode).collect(Collectors.joining("/"));
  }
}
