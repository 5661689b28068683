package dev.smileflow.mlflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ErrorsTest {

  static final URI TRACKING = URI.create("http://mlflow:5000");
  static final URI CALL = URI.create("http://mlflow:5000/api/2.0/mlflow/experiments/create");

  static MlflowException map(int status, String body) {
    return Errors.fromResponse(
        "POST", CALL, status, body.getBytes(StandardCharsets.UTF_8), TRACKING, 1);
  }

  @Test
  void resourceAlreadyExistsSentAs400IsAlreadyExists() {
    MlflowException e =
        map(
            400,
            "{\"error_code\": \"RESOURCE_ALREADY_EXISTS\", \"message\": \"Experiment 'x' already exists.\"}");
    assertEquals(MlflowException.Kind.ALREADY_EXISTS, e.kind());
    assertEquals("RESOURCE_ALREADY_EXISTS", e.errorCode());
    assertEquals(400, e.httpStatus());
    assertEquals(
        "MLflow POST /api/2.0/mlflow/experiments/create failed: HTTP 400 RESOURCE_ALREADY_EXISTS:"
            + " Experiment 'x' already exists.",
        e.message());
  }

  @Test
  void errorCodesMapToKinds() {
    assertEquals(MlflowException.Kind.NOT_FOUND, Errors.kind(404, "RESOURCE_DOES_NOT_EXIST"));
    assertEquals(MlflowException.Kind.INVALID, Errors.kind(400, "INVALID_PARAMETER_VALUE"));
    assertEquals(MlflowException.Kind.CONFLICT, Errors.kind(409, "RESOURCE_CONFLICT"));
    assertEquals(MlflowException.Kind.ALREADY_EXISTS, Errors.kind(409, "ALREADY_EXISTS"));
    assertEquals(MlflowException.Kind.UNAVAILABLE, Errors.kind(503, "TEMPORARILY_UNAVAILABLE"));
    assertEquals(MlflowException.Kind.UNAVAILABLE, Errors.kind(500, "INTERNAL_ERROR"));
    assertEquals(MlflowException.Kind.UNSUPPORTED, Errors.kind(501, "NOT_IMPLEMENTED"));
    assertEquals(MlflowException.Kind.UNAUTHENTICATED, Errors.kind(401, null));
    assertEquals(MlflowException.Kind.PERMISSION_DENIED, Errors.kind(403, null));
    assertEquals(MlflowException.Kind.NOT_FOUND, Errors.kind(404, null));
    assertEquals(MlflowException.Kind.INVALID, Errors.kind(413, null));
    assertEquals(MlflowException.Kind.UNAVAILABLE, Errors.kind(502, null));
  }

  @Test
  void plainTextHostHeader403NamesAllowedHosts() {
    MlflowException e = map(403, "Invalid Host header - possible DNS rebinding attack detected");
    assertEquals(MlflowException.Kind.PERMISSION_DENIED, e.kind());
    assertNull(e.errorCode());
    assertTrue(e.message().contains("--allowed-hosts"), e.message());
    assertTrue(e.message().contains("mlflow:5000"), e.message());
  }

  @Test
  void plainText401PointsAtTheCredentialVariables() {
    MlflowException e = map(401, "You are not authenticated.\nPlease provide credentials.");
    assertEquals(MlflowException.Kind.UNAUTHENTICATED, e.kind());
    assertNull(e.errorCode());
    assertFalse(e.message().contains("\n"), e.message());
    assertTrue(e.message().contains("MLFLOW_TRACKING_USERNAME"), e.message());
  }

  @Test
  void htmlAndHugeBodiesStayOneShortLine() {
    MlflowException html = map(502, "<html><body>\n<h1>Bad Gateway</h1>\n</body></html>");
    assertEquals(MlflowException.Kind.UNAVAILABLE, html.kind());
    assertTrue(
        html.message().startsWith("MLflow at http://mlflow:5000 is unavailable:"), html.message());
    assertFalse(html.message().contains("<h1>"), html.message());
    MlflowException huge = map(400, "x".repeat(100_000));
    assertTrue(huge.message().length() < 500, "length " + huge.message().length());
  }
}
