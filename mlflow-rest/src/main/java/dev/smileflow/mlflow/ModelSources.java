package dev.smileflow.mlflow;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Turns a model version's source or download URI into the {@code mlflow-artifacts:} URI its files
 * are at, as MLflow's Python client does: {@code runs:/<run id>/<path>} is the run's artifact URI
 * plus the path (what MLflow 2.x servers hand back), {@code models:/m-…} is the LoggedModel's
 * artifact location (MLflow 3), a registered {@link ModelUri} is its version's files; anything else
 * is returned as it is. Also turns a registered {@link ModelUri} into its version.
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
      String rest = ArtifactLocation.trimSlashes(uri.substring("runs:/".length()));
      int slash = rest.indexOf('/');
      String runId = slash < 0 ? rest : rest.substring(0, slash);
      String path = slash < 0 ? "" : ArtifactLocation.trimSlashes(rest.substring(slash + 1));
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
      return path.isEmpty() ? root : ArtifactLocation.trimSlashes(root) + "/" + path;
    }
    if (ModelUri.isModelUri(uri)) {
      ModelUri parsed;
      try {
        parsed = ModelUri.parse(uri);
      } catch (IllegalArgumentException e) {
        throw invalid(uri, Objects.requireNonNullElse(e.getMessage(), e.toString()));
      }
      return switch (parsed) {
        case ModelUri.Logged l -> client.loggedModels().get(l.modelId()).artifactUri();
        case ModelUri.Registered r ->
            client.registry().getDownloadUri(r.name(), version(client, r).version());
      };
    }
    return uri;
  }

  /** The version {@code uri} names: the alias's, the numbered one, or the latest in the stage. */
  static ModelVersion version(MlflowClient client, ModelUri.Registered uri) {
    return switch (uri) {
      case ModelUri.Alias a -> client.registry().getVersionByAlias(a.name(), a.alias());
      case ModelUri.Version v -> client.registry().getModelVersion(v.name(), v.version());
      case ModelUri.Stage s -> latest(client, s);
    };
  }

  private static ModelVersion latest(MlflowClient client, ModelUri.Stage uri) {
    List<Stage> stages;
    try {
      stages =
          uri.stage().equalsIgnoreCase("latest") ? List.of() : List.of(Stage.parse(uri.stage()));
    } catch (IllegalArgumentException e) {
      throw new MlflowException(
          MlflowException.Kind.NOT_FOUND,
          0,
          null,
          Objects.requireNonNullElse(e.getMessage(), e.toString()));
    }
    return client.registry().getLatestVersions(uri.name(), stages).stream()
        .max(Comparator.comparingLong(ModelVersion::number))
        .orElseThrow(() ->
            new MlflowException(
                MlflowException.Kind.NOT_FOUND, 0, null, "no version in stage " + uri.stage()));
  }

  private static MlflowException invalid(String uri, String why) {
    return new MlflowException(
        MlflowException.Kind.INVALID, 0, null, "model source '" + uri + "': " + why);
  }
}
