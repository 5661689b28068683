package dev.smileflow.api.model;

import dev.smileflow.mlflow.ModelUri;
import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where the served model comes from: a registered model version named by a {@link ModelUri}, or a
 * directory.
 */
public sealed interface ModelSource {

  /** A text form for logs and {@code /v1/model}: a {@code models:/} URI or the directory. */
  String uri();

  /** A registered model in the MLflow registry, followed through its alias, number or stage. */
  record Registered(ModelUri.Registered model) implements ModelSource {
    public Registered {
      Objects.requireNonNull(model, "model");
    }

    /** The registered model name. */
    public String name() {
      return model.name();
    }

    @Override
    public String uri() {
      return model.uri();
    }
  }

  /** A model bundle directory on local disk: no MLflow needed at all. */
  record LocalDirectory(Path dir) implements ModelSource {
    public LocalDirectory {
      Objects.requireNonNull(dir, "dir");
      dir = dir.toAbsolutePath().normalize();
    }

    @Override
    public String uri() {
      return dir.toString();
    }
  }

  /**
   * Parses a {@code MODEL_URI}: a registered {@link ModelUri} or a local directory path (optionally
   * {@code file:}).
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  static ModelSource parse(String uri) {
    if (ModelUri.isModelUri(uri)) {
      return switch (ModelUri.parse(uri)) {
        case ModelUri.Registered r -> new Registered(r);
        case ModelUri.Logged _ ->
            throw new IllegalArgumentException(
                "expected "
                    + ModelUri.FORMS
                    + ", got '"
                    + uri
                    + "' (a logged model, not a registered version)");
      };
    }
    String path = uri.startsWith("file:") ? Path.of(URI.create(uri)).toString() : uri;
    if (path.isBlank()) {
      throw new IllegalArgumentException("empty model location");
    }
    return new LocalDirectory(Path.of(path));
  }
}
