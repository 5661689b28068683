package dev.smileflow.mlflow;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where MLflow is and how to talk to it, read once at the edge (usually from the environment with
 * {@link #fromEnv}).
 *
 * @param trackingUri {@code http(s)://host:port[/prefix]}; a path prefix is kept in front of {@code
 *     /api/2.0}
 * @param auth basic, bearer or none
 * @param insecureTls skip TLS certificate and host name checks ({@code
 *     MLFLOW_TRACKING_INSECURE_TLS})
 * @param serverCertPath a PEM file of the CA certificates that alone are trusted for the server
 *     ({@code MLFLOW_TRACKING_SERVER_CERT_PATH}, e.g. a private CA), or null for the JDK's trust
 *     store
 * @param requestTimeout timeout of every single HTTP call
 * @param maxRetries retries after the first attempt (0 = no retries)
 * @param backoffFactor first retry delay; doubles per retry, capped at {@link #MAX_BACKOFF}, with
 *     jitter
 */
public record MlflowConfig(
    URI trackingUri,
    Auth auth,
    boolean insecureTls,
    @Nullable Path serverCertPath,
    Duration requestTimeout,
    int maxRetries,
    Duration backoffFactor) {

  /** The longest computed delay between two retries. */
  public static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
  static final int DEFAULT_MAX_RETRIES = 5;
  static final Duration DEFAULT_BACKOFF = Duration.ofSeconds(1);
  static final int MAX_RETRIES_LIMIT = 20;

  public MlflowConfig {
    Objects.requireNonNull(trackingUri, "trackingUri");
    Objects.requireNonNull(auth, "auth");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    Objects.requireNonNull(backoffFactor, "backoffFactor");
    List<String> problems = new ArrayList<>();
    String uriProblem = uriProblem(trackingUri);
    if (uriProblem != null) {
      problems.add("MLFLOW_TRACKING_URI " + uriProblem);
    }
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      problems.add("request timeout must be positive, got " + requestTimeout);
    }
    if (maxRetries < 0 || maxRetries > MAX_RETRIES_LIMIT) {
      problems.add("max retries must be within 0.." + MAX_RETRIES_LIMIT + ", got " + maxRetries);
    }
    if (backoffFactor.isNegative()) {
      problems.add("backoff factor must not be negative, got " + backoffFactor);
    }
    checkCert(serverCertPath, insecureTls, problems);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "invalid MLflow configuration: " + String.join("; ", problems));
    }
    trackingUri = URI.create(trackingUri.toString().replaceAll("/+$", ""));
  }

  /** This configuration with other retry settings. */
  public MlflowConfig withRetries(int newMaxRetries, Duration newBackoffFactor) {
    return new MlflowConfig(
        trackingUri,
        auth,
        insecureTls,
        serverCertPath,
        requestTimeout,
        newMaxRetries,
        newBackoffFactor);
  }

  /** This configuration with another per-request timeout. */
  public MlflowConfig withRequestTimeout(Duration newTimeout) {
    return new MlflowConfig(
        trackingUri, auth, insecureTls, serverCertPath, newTimeout, maxRetries, backoffFactor);
  }

  /**
   * Reads {@code MLFLOW_TRACKING_URI} (required), {@code MLFLOW_TRACKING_USERNAME}/{@code
   * _PASSWORD} (basic, wins), {@code MLFLOW_TRACKING_TOKEN} (bearer), {@code
   * MLFLOW_TRACKING_INSECURE_TLS}, {@code MLFLOW_TRACKING_SERVER_CERT_PATH} (a PEM CA bundle),
   * {@code MLFLOW_HTTP_REQUEST_TIMEOUT} (seconds, default 60), {@code
   * MLFLOW_HTTP_REQUEST_MAX_RETRIES} (default 5) and {@code MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR}
   * (seconds, default 1).
   *
   * @throws IllegalArgumentException listing every problem found
   */
  public static MlflowConfig fromEnv(Map<String, String> env) {
    List<String> problems = new ArrayList<>();
    URI uri = null;
    String rawUri = blankToNull(env.get("MLFLOW_TRACKING_URI"));
    if (rawUri == null) {
      problems.add("MLFLOW_TRACKING_URI is required (e.g. http://127.0.0.1:5000)");
    } else {
      try {
        uri = new URI(rawUri);
        String p = uriProblem(uri);
        if (p != null) {
          problems.add("MLFLOW_TRACKING_URI " + p);
        }
      } catch (URISyntaxException e) {
        problems.add("MLFLOW_TRACKING_URI is not a valid URI: " + e.getMessage());
      }
    }
    String user = blankToNull(env.get("MLFLOW_TRACKING_USERNAME"));
    String password = env.get("MLFLOW_TRACKING_PASSWORD");
    String token = blankToNull(env.get("MLFLOW_TRACKING_TOKEN"));
    Auth auth = new Auth.None();
    if (user != null && password != null && !password.isEmpty()) {
      auth = new Auth.Basic(user, password);
    } else if (user != null) {
      problems.add("MLFLOW_TRACKING_USERNAME is set but MLFLOW_TRACKING_PASSWORD is not");
    } else if (password != null && !password.isEmpty()) {
      problems.add("MLFLOW_TRACKING_PASSWORD is set but MLFLOW_TRACKING_USERNAME is not");
    }
    if (auth instanceof Auth.None && token != null) {
      auth = new Auth.Bearer(token);
    }
    boolean insecure = parseBoolean(env, "MLFLOW_TRACKING_INSECURE_TLS", problems);
    String rawCert = blankToNull(env.get("MLFLOW_TRACKING_SERVER_CERT_PATH"));
    Path cert = null;
    if (rawCert != null) {
      try {
        cert = Path.of(rawCert);
      } catch (InvalidPathException e) {
        problems.add("MLFLOW_TRACKING_SERVER_CERT_PATH is not a valid path: '" + rawCert + "'");
      }
    }
    Duration timeout =
        parseSeconds(env, "MLFLOW_HTTP_REQUEST_TIMEOUT", DEFAULT_TIMEOUT, true, problems);
    Duration backoff =
        parseSeconds(env, "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR", DEFAULT_BACKOFF, false, problems);
    int retries = DEFAULT_MAX_RETRIES;
    String rawRetries = blankToNull(env.get("MLFLOW_HTTP_REQUEST_MAX_RETRIES"));
    if (rawRetries != null) {
      try {
        retries = Integer.parseInt(rawRetries.strip());
        if (retries < 0 || retries > MAX_RETRIES_LIMIT) {
          problems.add(
              "MLFLOW_HTTP_REQUEST_MAX_RETRIES must be within 0.."
                  + MAX_RETRIES_LIMIT
                  + ", got "
                  + rawRetries);
          retries = DEFAULT_MAX_RETRIES;
        }
      } catch (NumberFormatException e) {
        problems.add(
            "MLFLOW_HTTP_REQUEST_MAX_RETRIES must be an integer, got '" + rawRetries + "'");
      }
    }
    checkCert(cert, insecure, problems);
    if (!problems.isEmpty() || uri == null) {
      throw new IllegalArgumentException(
          "invalid MLflow configuration: " + String.join("; ", problems));
    }
    return new MlflowConfig(uri, auth, insecure, cert, timeout, retries, backoff);
  }

  private static @Nullable String uriProblem(URI uri) {
    String scheme = uri.getScheme();
    if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
      return "must be an http:// or https:// URL, got '"
          + uri
          + "' (file and database URIs need Python MLflow)";
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      return "has no host: '" + uri + "'";
    }
    if (uri.getRawUserInfo() != null) {
      return "must not contain credentials; use MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD";
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      return "must not have a query or fragment: '" + uri + "'";
    }
    return null;
  }

  private static void checkCert(@Nullable Path cert, boolean insecureTls, List<String> problems) {
    if (cert != null && insecureTls) {
      problems.add(
          "MLFLOW_TRACKING_SERVER_CERT_PATH and MLFLOW_TRACKING_INSECURE_TLS exclude each other");
    } else if (cert != null && (!Files.isRegularFile(cert) || !Files.isReadable(cert))) {
      problems.add("MLFLOW_TRACKING_SERVER_CERT_PATH " + cert + " is not a readable file");
    }
  }

  private static @Nullable String blankToNull(@Nullable String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  private static boolean parseBoolean(Map<String, String> env, String name, List<String> problems) {
    String raw = blankToNull(env.get(name));
    if (raw == null) {
      return false;
    }
    return switch (raw.toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes" -> true;
      case "false", "0", "no" -> false;
      default -> {
        problems.add(name + " must be true or false, got '" + raw + "'");
        yield false;
      }
    };
  }

  private static Duration parseSeconds(
      Map<String, String> env,
      String name,
      Duration dflt,
      boolean positive,
      List<String> problems) {
    String raw = blankToNull(env.get(name));
    if (raw == null) {
      return dflt;
    }
    try {
      double seconds = Double.parseDouble(raw);
      if (!Double.isFinite(seconds)
          || seconds < 0
          || (positive && seconds == 0)
          || seconds > 86_400) {
        problems.add(
            name
                + " must be "
                + (positive ? "a positive" : "a non-negative")
                + " number of seconds (at most 86400), got '"
                + raw
                + "'");
        return dflt;
      }
      return Duration.ofNanos(Math.round(seconds * 1e9));
    } catch (NumberFormatException e) {
      problems.add(name + " must be a number of seconds, got '" + raw + "'");
      return dflt;
    }
  }
}
