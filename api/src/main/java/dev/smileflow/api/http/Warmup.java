package dev.smileflow.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.smileflow.api.model.WarmupBudget;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the service its own traffic before it reports ready: {@code POST /v1/classify} with the
 * model's input example (and every tenth request a batch of it) from a few keep-alive connections
 * over loopback, through the real port, so Jetty, Javalin, JSON parsing, validation, prediction,
 * the metrics code and the envelope are compiled by the JIT before the first client arrives.
 * Bounded by a {@link WarmupBudget} (requests and time, whichever ends first). The requests carry
 * {@value #HEADER}; while the service is not ready, {@link RequestObserver} keeps them out of the
 * access log and the request and prediction metrics and counts them in {@code
 * api_warmup_requests_total} instead. A warm-up that cannot connect or gets errors only logs: the
 * model was already verified and warmed by model-bundle, so readiness never waits on it.
 */
public final class Warmup {
  /** The request header that marks a warm-up request (honoured only before ready). */
  public static final String HEADER = "X-Smileflow-Warmup";

  private static final Logger LOG = LoggerFactory.getLogger(Warmup.class);
  private static final int BATCH_EVERY = 10;
  private static final int BATCH_ROWS = 10;
  private static final int TIMEOUT_MS = 5_000;

  /**
   * What a warm-up did.
   *
   * @param requests requests answered
   * @param failures requests answered with another status than 200, or lost to a broken connection
   * @param took how long it ran
   */
  public record Result(long requests, long failures, Duration took) {
    public Result {
      Objects.requireNonNull(took, "took");
    }
  }

  private final InetSocketAddress address;
  private final byte[] single;
  private final byte[] batch;

  /**
   * A warm-up of the server listening on {@code host:port}, classifying {@code example}.
   *
   * @param host the interface the server listens on (a wildcard means loopback)
   * @param apiKey sent as {@code X-API-Key} when the service requires one
   * @param maxBatchRows the service's batch limit, so the batch requests stay valid
   */
  public Warmup(
      String host,
      int port,
      Map<String, Object> example,
      @Nullable String apiKey,
      int maxBatchRows) {
    InetAddress target;
    try {
      InetAddress bound = InetAddress.getByName(host);
      target = bound.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : bound;
    } catch (IOException e) {
      target = InetAddress.getLoopbackAddress();
    }
    this.address = new InetSocketAddress(target, port);
    String hostHeader = "127.0.0.1:" + port;
    List<Map<String, Object>> rows =
        Collections.nCopies(Math.min(BATCH_ROWS, maxBatchRows), example);
    this.single = request(hostHeader, "/v1/classify", json(example), apiKey);
    this.batch = request(hostHeader, "/v1/classify/batch", json(new Batch(rows)), apiKey);
  }

  /** A batch request's body. */
  private record Batch(List<Map<String, Object>> rows) {}

  private static byte[] json(Object value) {
    try {
      return JsonBodies.MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize the input example", e);
    }
  }

  private static byte[] request(String host, String path, byte[] body, @Nullable String apiKey) {
    String head =
        "POST "
            + path
            + " HTTP/1.1\r\nHost: "
            + host
            + "\r\nContent-Type: application/json\r\n"
            + HEADER
            + ": 1\r\n"
            + (apiKey == null ? "" : "X-API-Key: " + apiKey + "\r\n")
            + "Content-Length: "
            + body.length
            + "\r\n\r\n";
    var out = new ByteArrayOutputStream();
    out.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
    out.writeBytes(body);
    return out.toByteArray();
  }

  /**
   * Sends warm-up requests from {@code connections} connections until the budget is spent; returns
   * when every connection is done.
   */
  public Result run(WarmupBudget budget, int connections) {
    long start = System.nanoTime();
    if (!budget.enabled()) {
      return new Result(0, 0, Duration.ZERO);
    }
    long deadline = start + budget.time().toNanos();
    var remaining = new AtomicLong(budget.requests());
    var answered = new AtomicLong();
    var failed = new AtomicLong();
    try (var workers =
        Executors.newThreadPerTaskExecutor(
            Thread.ofPlatform().daemon().name("warmup-", 0).factory())) {
      for (int i = 0; i < connections; i++) {
        workers.execute(() -> connection(deadline, remaining, answered, failed));
      }
    }
    var result =
        new Result(answered.get(), failed.get(), Duration.ofNanos(System.nanoTime() - start));
    if (result.failures() > 0) {
      LOG.warn(
          "warm-up: {} of {} requests failed; serving anyway (the model itself was verified)",
          result.failures(),
          result.requests());
    }
    return result;
  }

  private void connection(
      long deadline, AtomicLong remaining, AtomicLong answered, AtomicLong failed) {
    try (var socket = new Socket()) {
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(TIMEOUT_MS);
      socket.connect(address, TIMEOUT_MS);
      OutputStream out = socket.getOutputStream();
      InputStream in = new BufferedInputStream(socket.getInputStream());
      long n;
      while ((n = remaining.getAndDecrement()) > 0 && System.nanoTime() - deadline < 0) {
        out.write(n % BATCH_EVERY == 0 ? batch : single);
        out.flush();
        int status = readResponse(in);
        answered.incrementAndGet();
        if (status != 200) {
          failed.incrementAndGet();
        }
      }
    } catch (IOException | RuntimeException e) {
      failed.incrementAndGet();
      LOG.debug("warm-up connection ended: {}", e.toString());
    }
  }

  /** Reads one HTTP/1.1 response (Content-Length or chunked body); returns its status. */
  static int readResponse(InputStream in) throws IOException {
    String statusLine = line(in);
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP/1.x response: " + statusLine);
    }
    int status = Integer.parseInt(parts[1]);
    long length = 0;
    boolean chunked = false;
    for (String h = line(in); !h.isEmpty(); h = line(in)) {
      int colon = h.indexOf(':');
      String name = colon < 0 ? h : h.substring(0, colon).strip().toLowerCase(Locale.ROOT);
      String value = colon < 0 ? "" : h.substring(colon + 1).strip();
      if (name.equals("content-length")) {
        length = Long.parseLong(value);
      } else if (name.equals("transfer-encoding") && value.equalsIgnoreCase("chunked")) {
        chunked = true;
      }
    }
    if (chunked) {
      for (long size = chunk(in); size > 0; size = chunk(in)) {
        in.skipNBytes(size);
        line(in);
      }
      while (!line(in).isEmpty()) {
        // trailers
      }
    } else {
      in.skipNBytes(length);
    }
    return status;
  }

  private static long chunk(InputStream in) throws IOException {
    String size = line(in);
    int semi = size.indexOf(';');
    return Long.parseLong((semi < 0 ? size : size.substring(0, semi)).strip(), 16);
  }

  private static String line(InputStream in) throws IOException {
    var b = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new IOException("connection closed inside a response");
      }
      if (c != '\r') {
        b.append((char) c);
      }
    }
    return b.toString();
  }
}
