package dev.smileflow.mlflow;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The deprecated (but still served) registry stages, as MLflow spells them on the wire. */
public enum Stage {
  NONE("None"),
  STAGING("Staging"),
  PRODUCTION("Production"),
  ARCHIVED("Archived");

  private final String wireName;

  Stage(String wireName) {
    this.wireName = wireName;
  }

  /** The name MLflow uses ({@code Production}, ...). */
  @JsonValue
  public String wireName() {
    return wireName;
  }

  /** Parses a stage name case-insensitively ({@code production}, {@code Production}...). */
  @JsonCreator
  public static Stage parse(String name) {
    for (Stage s : values()) {
      if (s.wireName.equalsIgnoreCase(name.strip())) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "unknown stage '" + name + "' (None, Staging, Production, Archived)");
  }
}
