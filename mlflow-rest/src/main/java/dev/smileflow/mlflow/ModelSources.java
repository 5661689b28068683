package dev.smileflow.mlflow;

import java.util.Locale;

/**
 * Turns a model version's source or download URI into the {@code mlflow-artifacts:} URI its files
 * are at, as MLflow's Python client does: {@code runs:/<run id>/<path>} is the run's artifact URI
 * plus the path (what MLflow 2.x servers hand back), {@code models:/m-…} is the LoggedModel's
 * artifact location (MLflow 3), {@code models:/<name>/<version>} is that version's files; anything
 * else is returned as it is.
 */
final class ModelSources {

  private static final int MAX_HOPS = 4;

  private ModelSources() {}

  static String resolve(MlflowClient client, String uri) {
    String current = uri;
    for (int hop = 0; hop < MAX_HOPS; hop++) {
      String next = step(client, current);
      if (next.equals(current)) {
        return current;
      }
      current = next;
    }
    throw new MlflowException(
        MlflowException.Kind.PROTOCOL,
        0,
        null,
        "model source '" + uri + "' does not resolve to files within " + MAX_HOPS + " steps");
  }

  private static String step(MlflowClient client, String uri) {
    String lower = uri.toLowerCase(Locale.ROOT);
    if (lower.startsWith("runs:/")) {
      String rest = strip(uri.substring("runs:/".length()));
      int slash = rest.indexOf('/');
      String runId = slash < 0 ? rest : rest.substring(0, slash);
      String path = slash < 0 ? "" : strip(rest.substring(slash + 1));
      if (runId.isEmpty()) {
        throw invalid(uri, "it names no run");
      }
      String root = client.tracking().getRun(runId).info().artifactUri();
      if (root == null) {
        throw new MlflowException(
            MlflowException.Kind.PROTOCOL,
            0,
            null,
            "run " + runId + " of model source '" + uri + "' has no artifact URI");
      }
      return path.isEmpty() ? root : strip(root) + "/" + path;
    }
    if (lower.startsWith("models:/")) {
      String rest = strip(uri.substring("models:/".length()));
      if (rest.isEmpty() || rest.contains("@")) {
        throw invalid(uri, "expected models:/m-<id> or models:/<name>/<version>");
      }
      int slash = rest.indexOf('/');
      if (slash < 0) {
        return client.loggedModels().get(rest).artifactUri();
      }
      String name = rest.substring(0, slash);
      String version = rest.substring(slash + 1);
      if (!version.chars().allMatch(Character::isDigit) || version.isEmpty()) {
        throw invalid(uri, "only a version number is resolved, not '" + version + "'");
      }
      return client.registry().getDownloadUri(name, version);
    }
    return uri;
  }

  private static String strip(String s) {
    String out = s;
    while (out.startsWith("/")) {
      out = out.substring(1);
    }
    while (out.endsWith("/")) {
      out = out.substring(0, out.length() - 1);
    }
    return out;
  }

  private static MlflowException invalid(String uri, String why) {
    return new MlflowException(
        MlflowException.Kind.INVALID, 0, null, "model source '" + uri + "': " + why);
  }
}
