package dev.smileflow.mlflow;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * A {@code models:/} URI, parsed and printed only here: a registered model's version chosen by
 * alias ({@code models:/name@alias}), number ({@code models:/name/3}) or stage ({@code
 * models:/name/Production}, {@code models:/name/latest}), or, as MLflow 3 reads any other single
 * segment, a LoggedModel ({@code models:/m-…}). A name holding {@code /}, {@code @} or {@code %} is
 * percent-encoded ({@code models:/team%2Firis@prod}). {@link MlflowClient#resolve} finds the
 * version, {@link MlflowClient#modelVersionArtifactUri} the version's files.
 */
public sealed interface ModelUri {
  /** The registered forms, for error messages. */
  String FORMS = "models:/<name>@<alias>, models:/<name>/<version> or models:/<name>/<stage>";

  /** The URI text, e.g. {@code models:/iris@production}. */
  String uri();

  /** Whether {@code text} is in the {@code models:} scheme (so {@link #parse} applies). */
  static boolean isModelUri(String text) {
    return text.regionMatches(true, 0, "models:", 0, "models:".length());
  }

  /**
   * Parses a {@code models:/} URI.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  static ModelUri parse(String text) {
    String[] parts = text.substring(Math.min(text.length(), 8)).split("/", -1);
    boolean rooted = isModelUri(text) && text.startsWith("/", 7) && !text.startsWith("//", 7);
    int at = parts[0].indexOf('@');
    if (rooted && parts.length == 1 && at < 0 && !parts[0].isEmpty()) {
      return new Logged(parts[0]);
    }
    if (rooted && parts.length == 1 && at > 0) {
      return new Alias(decode(parts[0].substring(0, at), text), parts[0].substring(at + 1));
    }
    check(
        rooted
            && parts.length == 2
            && !parts[0].isEmpty()
            && !parts[1].isEmpty()
            && at < 0
            && parts[1].indexOf('@') < 0,
        "expected " + FORMS + " (or models:/m-<id>), got '" + text + "'");
    String name = decode(parts[0], text);
    return parts[1].chars().allMatch(Character::isDigit)
        ? new Version(name, parts[1])
        : new Stage(name, parts[1]);
  }

  /** A registered model's version, chosen by alias, number or stage. */
  sealed interface Registered extends ModelUri {
    /** The registered model name, decoded. */
    String name();

    @Override
    default String uri() {
      String model =
          "models:/" + name().replace("%", "%25").replace("/", "%2F").replace("@", "%40");
      return switch (this) {
        case Alias a -> model + "@" + a.alias();
        case Version v -> model + "/" + v.version();
        case Stage s -> model + "/" + s.stage();
      };
    }
  }

  /** The version an alias points at ({@code models:/name@alias}); follows alias moves. */
  record Alias(String name, String alias) implements Registered {
    public Alias {
      checkName(name);
      check(
          alias != null && alias.matches("[\\w-]{1,255}"),
          "invalid alias: '" + alias + "' (letters, digits, _ and -)");
    }
  }

  /** One fixed version number ({@code models:/name/3}); never changes. */
  record Version(String name, String version) implements Registered {
    public Version {
      checkName(name);
      check(
          version != null && version.matches("[1-9][0-9]{0,17}"),
          "invalid version number: '" + version + "'");
    }
  }

  /** The latest version in a (deprecated) stage, or in any stage for {@code latest}. */
  record Stage(String name, String stage) implements Registered {
    public Stage {
      checkName(name);
      check(
          stage != null && !stage.isBlank() && !stage.contains("/") && !stage.contains("@"),
          "invalid stage: '" + stage + "'");
    }
  }

  /** An MLflow 3 LoggedModel by id ({@code models:/m-…}). */
  record Logged(String modelId) implements ModelUri {
    public Logged {
      check(
          modelId != null && !modelId.isBlank() && !modelId.contains("/") && !modelId.contains("@"),
          "invalid logged model id: '" + modelId + "'");
    }

    @Override
    public String uri() {
      return "models:/" + modelId;
    }
  }

  private static void checkName(String name) {
    check(name != null && !name.isBlank(), "invalid registered model name: '" + name + "'");
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  private static String decode(String segment, String text) {
    try {
      return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad percent-encoding in '" + text + "'", e);
    }
  }
}
