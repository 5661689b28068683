package dev.smileflow.mlflow;

import java.util.List;

/**
 * Probes a server for the routes of {@link ServerCapabilities}. Each probe is a harmless call about
 * an entity that cannot exist: a server that has the route answers with one of MLflow's JSON errors
 * (its handler ran), a server without it answers its generic 404 page (no {@code error_code}) or
 * {@code ENDPOINT_NOT_FOUND}. Failures that say nothing about the route (unreachable,
 * unauthenticated) are thrown.
 */
final class Capabilities {

  static final String PROBE_ID = "smileflow-capability-probe";

  private Capabilities() {}

  static ServerCapabilities probe(Transport transport) {
    List<Runnable> probes =
        List.of(
            () -> transport.get("mlflow/logged-models/" + PROBE_ID, null),
            () ->
                transport.get(
                    "mlflow/registered-models/alias",
                    Query.of("name", PROBE_ID).add("alias", "probe")),
            () ->
                transport.post(
                    "mlflow/runs/log-inputs",
                    Json.object().put("run_id", PROBE_ID),
                    Transport.Replay.ALWAYS));
    // independent reads: asked side by side, the probe costs one round trip, not three
    List<Boolean> served = Concurrently.map(probes, Capabilities::exists);
    return new ServerCapabilities(served.get(0), served.get(1), served.get(2));
  }

  /** Whether the route behind {@code call} is served. */
  static boolean exists(Runnable call) {
    try {
      call.run();
      return true;
    } catch (MlflowException e) {
      return switch (e.kind()) {
        case UNAVAILABLE, UNAUTHENTICATED -> throw e;
        // MLflow's auth app guards only the routes the server has: a user without permission on
        // the probe's (absent) entity is refused on a route that exists
        case PERMISSION_DENIED -> true;
        default -> routeServed(e);
      };
    }
  }

  /** Whether an error came from one of MLflow's handlers rather than from routing. */
  static boolean routeServed(MlflowException e) {
    String code = e.errorCode();
    return code != null && !code.equals("ENDPOINT_NOT_FOUND");
  }
}
