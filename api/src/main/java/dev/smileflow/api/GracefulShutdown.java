package dev.smileflow.api;

import dev.smileflow.api.http.Draining;
import dev.smileflow.api.model.ModelRefresher;
import dev.smileflow.api.monitor.ServingMonitor;
import io.javalin.Javalin;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.StatisticsHandler;
import org.eclipse.jetty.util.component.Graceful;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * What a SIGTERM does, run by the shutdown hook:
 *
 * <ol>
 *   <li>{@code /health/ready} answers 503 ({@code ServiceDraining}) at once; the model refresher
 *       stops, abandoning a version it was loading;
 *   <li>for the drain delay everything else serves as before, new connections included, so load
 *       balancers that still route here meet no errors while they notice;
 *   <li>Jetty stops accepting and waits, up to the timeout, for the requests in flight (a
 *       connection with none is closed once it has been idle for a second, and so is a request
 *       whose client sends nothing for a second);
 *   <li>whatever is still in flight then is abandoned, with its number logged, and the server
 *       stops;
 *   <li>the prediction log writes every row still queued and closes its file (for at most {@link
 *       #LOG_FLUSH}); the JVM exits with 143.
 * </ol>
 */
final class GracefulShutdown implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(GracefulShutdown.class);

  private final Javalin app;
  private final Draining draining;
  private final ModelRefresher refresher;
  private final ServingMonitor monitor;
  private final ShutdownBudget budget;

  /** The longest the prediction log gets to write what is queued once the server has stopped. */
  static final Duration LOG_FLUSH = Duration.ofSeconds(1);

  GracefulShutdown(
      Javalin app,
      Draining draining,
      ModelRefresher refresher,
      ServingMonitor monitor,
      ShutdownBudget budget) {
    this.app = Objects.requireNonNull(app);
    this.draining = Objects.requireNonNull(draining);
    this.refresher = Objects.requireNonNull(refresher);
    this.monitor = Objects.requireNonNull(monitor);
    this.budget = Objects.requireNonNull(budget);
  }

  @Override
  public void run() {
    long start = System.nanoTime();
    draining.begin();
    LOG.info(
        "shutting down: draining (/health/ready answers 503) for {} ms while serving as usual,"
            + " then up to {} ms for the requests in flight",
        budget.drain().toMillis(),
        budget.timeout().toMillis());
    refresher.close();
    Server server = app.jettyServer().server();
    StatisticsHandler requests = App.statistics(server);
    try {
      TimeUnit.NANOSECONDS.sleep(budget.drain().toNanos() - (System.nanoTime() - start));
      CompletableFuture<Void> stopping = Graceful.shutdown(server);
      LOG.info(
          "drain over: no new connections; waiting up to {} ms for {} request(s) in flight",
          budget.timeout().toMillis(),
          requests.getRequestsActive());
      stopping.get(budget.timeout().toMillis(), TimeUnit.MILLISECONDS);
      LOG.info("every request in flight finished");
    } catch (TimeoutException e) {
      int abandoned = requests.getRequestsActive();
      LOG.atLevel(abandoned > 0 ? Level.WARN : Level.INFO)
          .log(
              "shutdown timeout of {} ms reached: abandoning {} request(s) still in flight",
              budget.timeout().toMillis(),
              abandoned);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.warn("shutdown interrupted: stopping at once");
    } catch (ExecutionException e) {
      LOG.warn("graceful stop failed ({}): stopping at once", String.valueOf(e.getCause()));
    }
    app.stop();
    monitor.close(LOG_FLUSH);
    LOG.info("stopped {} ms after SIGTERM", (System.nanoTime() - start) / 1_000_000);
  }
}
