package dev.smileflow.api.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import org.jspecify.annotations.Nullable;

/**
 * Every response body: {@code {"message","data","error","version"}}. Success carries {@code data},
 * failure carries {@code error}; {@code version} is the service release ({@code TAG}).
 */
@JsonPropertyOrder({"message", "data", "error", "version"})
public record Envelope(
    String message, @Nullable Object data, @Nullable ErrorBody error, String version) {

  /**
   * The error part.
   *
   * @param raised the error kind, e.g. {@code ValidationError}
   * @param raisedOn the operation, e.g. {@code ApiClassify}
   * @param message what is wrong, naming the field
   * @param code the HTTP status, as a string
   */
  @JsonPropertyOrder({"raised", "raisedOn", "message", "code"})
  public record ErrorBody(
      String raised, @JsonProperty("raisedOn") String raisedOn, String message, String code) {}

  static Envelope success(Object data, String version) {
    return new Envelope("success", data, null, version);
  }

  static Envelope failure(ErrorBody error, String version) {
    return new Envelope("failed", null, error, version);
  }
}
