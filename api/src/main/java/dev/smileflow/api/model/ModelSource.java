package dev.smileflow.api.model;

import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where the served model comes from: a registered model version chosen by a selector, or a
 * directory.
 */
public sealed interface ModelSource {

  /** A text form for logs and {@code /v1/model}: a {@code models:/} URI or the directory. */
  String uri();

  /** A registered model in the MLflow registry, followed through {@code selector}. */
  record Registered(String name, Selector selector) implements ModelSource {
    public Registered {
      Objects.requireNonNull(selector, "selector");
      if (name == null || name.isBlank() || name.contains("/") || name.contains("@")) {
        throw new IllegalArgumentException("invalid registered model name: '" + name + "'");
      }
    }

    @Override
    public String uri() {
      return switch (selector) {
        case Selector.Alias a -> "models:/" + name + "@" + a.alias();
        case Selector.Stage s -> "models:/" + name + "/" + s.stage();
        case Selector.Version v -> "models:/" + name + "/" + v.number();
      };
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

  /** How a version of a registered model is chosen. */
  sealed interface Selector {
    /** The version an alias points at ({@code models:/name@alias}); follows alias moves. */
    record Alias(String alias) implements Selector {
      private static final Pattern VALID = Pattern.compile("[\\w-]{1,255}");

      public Alias {
        if (alias == null || !VALID.matcher(alias).matches()) {
          throw new IllegalArgumentException(
              "invalid alias: '" + alias + "' (letters, digits, _ and -)");
        }
      }
    }

    /** The latest version in a (deprecated) stage ({@code models:/name/Production}). */
    record Stage(String stage) implements Selector {
      public Stage {
        if (stage == null || stage.isBlank() || stage.contains("/")) {
          throw new IllegalArgumentException("invalid stage: '" + stage + "'");
        }
      }
    }

    /** One fixed version number ({@code models:/name/3}); never changes. */
    record Version(String number) implements Selector {
      public Version {
        if (number == null || !number.matches("[1-9][0-9]{0,17}")) {
          throw new IllegalArgumentException("invalid version number: '" + number + "'");
        }
      }
    }
  }

  /**
   * Parses a {@code MODEL_URI}: {@code models:/name@alias}, {@code models:/name/3}, {@code
   * models:/name/Production}, or a local directory path (optionally {@code file:}).
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  static ModelSource parse(String uri) {
    if (uri.startsWith("models:")) {
      String rest = uri.substring("models:".length());
      if (!rest.startsWith("/") || rest.startsWith("//")) {
        throw new IllegalArgumentException(
            "expected models:/<name>@<alias>, models:/<name>/<version> or models:/<name>/<stage>, got '"
                + uri
                + "'");
      }
      rest = rest.substring(1);
      int at = rest.indexOf('@');
      int slash = rest.indexOf('/');
      if (at > 0 && slash < 0) {
        return new Registered(rest.substring(0, at), new Selector.Alias(rest.substring(at + 1)));
      }
      if (slash > 0 && at < 0 && rest.indexOf('/', slash + 1) < 0) {
        String name = rest.substring(0, slash);
        String second = rest.substring(slash + 1);
        Selector selector =
            second.chars().allMatch(Character::isDigit) && !second.isEmpty()
                ? new Selector.Version(second)
                : new Selector.Stage(second);
        return new Registered(name, selector);
      }
      throw new IllegalArgumentException(
          "expected models:/<name>@<alias>, models:/<name>/<version> or models:/<name>/<stage>, got '"
              + uri
              + "'");
    }
    String path = uri.startsWith("file:") ? Path.of(java.net.URI.create(uri)).toString() : uri;
    if (path.isBlank()) {
      throw new IllegalArgumentException("empty model location");
    }
    return new LocalDirectory(Path.of(path));
  }
}
