package dev.smileflow.api.http;

/**
 * Whether the service is draining before it stops: set once, when a SIGTERM arrives, and never
 * cleared. From then on {@code /health/ready} answers 503 ({@code ServiceDraining}) so load
 * balancers send new traffic elsewhere, while every route, {@code /v1/*} included, keeps serving.
 */
public final class Draining {
  private volatile boolean draining;

  /** Starts draining, for good. */
  public void begin() {
    draining = true;
  }

  /** True once {@link #begin()} was called. */
  public boolean isDraining() {
    return draining;
  }
}
