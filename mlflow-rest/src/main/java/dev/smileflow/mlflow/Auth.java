package dev.smileflow.mlflow;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * How requests authenticate: nothing, HTTP Basic or a bearer token. {@code toString()} never shows
 * a secret.
 */
public sealed interface Auth {

  /** No {@code Authorization} header. */
  record None() implements Auth {
    @Override
    public String toString() {
      return "none";
    }
  }

  /** HTTP Basic ({@code MLFLOW_TRACKING_USERNAME} / {@code MLFLOW_TRACKING_PASSWORD}). */
  record Basic(String username, String password) implements Auth {
    public Basic {
      if (username.isEmpty()) {
        throw new IllegalArgumentException("basic auth username must not be empty");
      }
    }

    @Override
    public String toString() {
      return "basic(user=" + username + ", password=****)";
    }
  }

  /** {@code Authorization: Bearer} ({@code MLFLOW_TRACKING_TOKEN}). */
  record Bearer(String token) implements Auth {
    public Bearer {
      if (token.isEmpty()) {
        throw new IllegalArgumentException("bearer token must not be empty");
      }
    }

    @Override
    public String toString() {
      return "bearer(****)";
    }
  }

  /** The value of the {@code Authorization} header, if any. */
  default Optional<String> header() {
    return switch (this) {
      case None n -> Optional.empty();
      case Basic b ->
          Optional.of(
              "Basic "
                  + Base64.getEncoder()
                      .encodeToString(
                          (b.username() + ":" + b.password()).getBytes(StandardCharsets.UTF_8)));
      case Bearer t -> Optional.of("Bearer " + t.token());
    };
  }
}
