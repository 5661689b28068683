package dev.smileflow.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Maps an MLflow error response to one {@link MlflowException}: by {@code error_code} when JSON,
 * else by status.
 */
final class Errors {

  private static final int MAX_TEXT = 300;

  private Errors() {}

  static MlflowException fromResponse(
      String method, URI uri, int status, byte[] body, URI trackingUri, int attempts) {
    String errorCode = null;
    String serverMessage = null;
    if (body.length > 0) {
      try {
        JsonNode node = Json.MAPPER.readTree(body);
        if (node != null && node.isObject() && node.hasNonNull("error_code")) {
          errorCode = node.get("error_code").asText();
          serverMessage = node.hasNonNull("message") ? node.get("message").asText() : null;
        }
      } catch (IOException notJson) {
        // plain-text or HTML error body: handled below
      }
    }
    String text = serverMessage != null ? serverMessage : plainText(body);
    MlflowException.Kind kind = kind(status, errorCode);
    String call = method + " " + uri.getPath();
    StringBuilder msg =
        new StringBuilder("MLflow ").append(call).append(" failed: HTTP ").append(status);
    if (errorCode != null) {
      msg.append(' ').append(errorCode);
    }
    if (!text.isEmpty()) {
      msg.append(": ").append(truncate(text));
    }
    if (attempts > 1) {
      msg.append(" (after ").append(attempts).append(" attempts)");
    }
    switch (kind) {
      case PERMISSION_DENIED -> {
        if (errorCode == null && text.toLowerCase(Locale.ROOT).contains("host header")) {
          msg.append("; the MLflow server rejected the Host header '")
              .append(hostPort(uri))
              .append(
                  "': start it with --allowed-hosts (or MLFLOW_SERVER_ALLOWED_HOSTS) including it");
        } else {
          msg.append("; the credentials lack permission for this call");
        }
      }
      case UNAUTHENTICATED ->
          msg.append(
              "; check MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD or MLFLOW_TRACKING_TOKEN");
      case UNAVAILABLE -> msg.insert(0, "MLflow at " + trackingUri + " is unavailable: ");
      default -> {
        if (status >= 300 && status < 400) {
          msg.append("; the server redirects, point MLFLOW_TRACKING_URI at the final URL (https?)");
        }
      }
    }
    return new MlflowException(kind, status, errorCode, msg.toString());
  }

  static MlflowException.Kind kind(int status, @Nullable String errorCode) {
    MlflowException.Kind byCode =
        switch (errorCode) {
          case "RESOURCE_DOES_NOT_EXIST", "NOT_FOUND", "ENDPOINT_NOT_FOUND" ->
              MlflowException.Kind.NOT_FOUND;
          case "RESOURCE_ALREADY_EXISTS", "ALREADY_EXISTS" -> MlflowException.Kind.ALREADY_EXISTS;
          case "RESOURCE_CONFLICT", "ABORTED" -> MlflowException.Kind.CONFLICT;
          case "PERMISSION_DENIED" -> MlflowException.Kind.PERMISSION_DENIED;
          case "UNAUTHENTICATED", "CUSTOMER_UNAUTHORIZED" -> MlflowException.Kind.UNAUTHENTICATED;
          case "INVALID_PARAMETER_VALUE", "BAD_REQUEST", "MALFORMED_REQUEST", "INVALID_STATE" ->
              MlflowException.Kind.INVALID;
          case "NOT_IMPLEMENTED" -> MlflowException.Kind.UNSUPPORTED;
          case "TEMPORARILY_UNAVAILABLE",
              "REQUEST_LIMIT_EXCEEDED",
              "RESOURCE_EXHAUSTED",
              "DEADLINE_EXCEEDED" ->
              MlflowException.Kind.UNAVAILABLE;
          case null, default -> null;
        };
    if (byCode != null) {
      return byCode;
    }
    return switch (status) {
      case 401 -> MlflowException.Kind.UNAUTHENTICATED;
      case 403 -> MlflowException.Kind.PERMISSION_DENIED;
      case 404 -> MlflowException.Kind.NOT_FOUND;
      case 409 -> MlflowException.Kind.CONFLICT;
      case 501 -> MlflowException.Kind.UNSUPPORTED;
      case 408, 429 -> MlflowException.Kind.UNAVAILABLE;
      default ->
          status >= 500
              ? MlflowException.Kind.UNAVAILABLE
              : status >= 400 ? MlflowException.Kind.INVALID : MlflowException.Kind.PROTOCOL;
    };
  }

  private static String plainText(byte[] body) {
    if (body.length == 0) {
      return "";
    }
    String s = new String(body, StandardCharsets.UTF_8).strip();
    if (s.startsWith("<")) {
      return "(HTML error page)";
    }
    return s;
  }

  private static String truncate(String s) {
    String flat = MlflowException.oneLine(s);
    return flat.length() > MAX_TEXT ? flat.substring(0, MAX_TEXT) + "…" : flat;
  }

  private static String hostPort(URI uri) {
    return uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
  }
}
