package dev.smileflow.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.smileflow.api.http.Draining;
import dev.smileflow.api.metrics.ApiMetrics;
import dev.smileflow.api.model.ModelHolder;
import dev.smileflow.api.monitor.ServingMonitor;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The real app on an ephemeral loopback port, with a plain JDK client. */
public final class RunningApi implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public final ApiConfig config;
  public final ApiMetrics metrics;
  public final ModelHolder holder;
  public final Draining draining;
  public final ServingMonitor monitor;
  private final Javalin app;

  /** A response: status, headers and body. */
  public record Reply(int status, HttpHeaders headers, String body) {
    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + body, e);
      }
    }

    /** {@code error.message} of an error envelope. */
    public String errorMessage() {
      return json().path("error").path("message").asText();
    }
  }

  private RunningApi(ApiConfig config) {
    this.config = config;
    this.metrics = new ApiMetrics();
    this.holder = new ModelHolder(metrics, Clock.systemUTC());
    this.draining = new Draining();
    this.monitor =
        ServingMonitor.start(
            config.predictionLogPath(),
            config.predictionLogSample(),
            config.driftWindow(),
            metrics);
    this.app = App.create(config, holder, metrics, draining, monitor).start();
  }

  /** Config from {@code env} plus loopback, port 0 and TAG 9.9.9 unless given. */
  public static RunningApi start(Map<String, String> env) {
    var all = new HashMap<String, String>();
    all.put("HOST", "127.0.0.1");
    all.put("PORT", "0");
    all.put("TAG", "9.9.9");
    all.put("LOG_FORMAT", "text");
    all.putAll(env);
    return new RunningApi(ApiConfig.fromEnv(all));
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + app.port() + path);
  }

  public Reply get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  public Reply postJson(String path, String body) {
    return post(path, "application/json", body);
  }

  public Reply post(String path, @Nullable String contentType, String body) {
    var b = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return send(b);
  }

  public Reply send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> r =
          CLIENT.send(
              request.timeout(Duration.ofSeconds(20)).build(),
              HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.headers(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    app.stop();
    monitor.close(Duration.ofSeconds(5));
    metrics.close();
  }
}
