package dev.smileflow.mlflow;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one HTTP path to MLflow: base URL + {@code /api/2.0/...}, JSON bodies with {@code
 * Content-Type: application/json}, the {@code Authorization} header, a timeout on every call, and
 * retries on connect errors, 408, 429 and 5xx with capped exponential backoff, jitter and {@code
 * Retry-After}. Never retries other 4xx. Calls that create or append data use {@link
 * Replay#IF_NOT_DELIVERED}: they are only re-sent when the request surely never reached MLflow;
 * otherwise an {@link AmbiguousFailure} lets the caller look the entity up before re-sending. Never
 * logs headers or bodies.
 */
final class Transport implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Transport.class);
  private static final int MAX_ERROR_BODY = 64 * 1024;

  /** Whether a call may be re-sent after it possibly reached the server. */
  enum Replay {
    /** Idempotent: re-send freely. */
    ALWAYS,
    /** Creates or appends: re-send only when the request surely never reached the server. */
    IF_NOT_DELIVERED
  }

  /** Sleeps between retries; replaced in unit tests. */
  @FunctionalInterface
  interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  /** Reads a successful response body. */
  @FunctionalInterface
  interface BodyReader<R> {
    R read(InputStream body, HttpHeaders headers) throws IOException;
  }

  /**
   * A create/append call failed after it may have reached the server: the caller should look up
   * whether it took effect before re-sending, or surface {@link #failure()}.
   */
  static final class AmbiguousFailure extends RuntimeException {
    private final MlflowException failure;

    AmbiguousFailure(MlflowException failure) {
      super(failure.message(), failure, false, false);
      this.failure = failure;
    }

    MlflowException failure() {
      return failure;
    }
  }

  private final MlflowConfig config;
  private final HttpClient http;
  private final Backoff backoff;
  private final Sleeper sleeper;

  Transport(MlflowConfig config) {
    this(config, Thread::sleep, new SecureRandom());
  }

  Transport(MlflowConfig config, Sleeper sleeper, RandomGenerator random) {
    this.config = config;
    this.sleeper = sleeper;
    this.backoff = new Backoff(config.backoffFactor(), MlflowConfig.MAX_BACKOFF, random);
    HttpClient.Builder builder =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(config.requestTimeout());
    if (config.insecureTls()) {
      builder.sslContext(trustAll());
    } else if (config.serverCertPath() != null) {
      builder.sslContext(TrustedCertificates.sslContext(config.serverCertPath()));
    }
    this.http = builder.build();
  }

  MlflowConfig config() {
    return config;
  }

  /** {@code <tracking uri>/api/2.0/<path>[?query]}. */
  URI api(String path, @Nullable Query query) {
    String q = query == null ? "" : query.encoded();
    return URI.create(config.trackingUri() + "/api/2.0/" + path + (q.isEmpty() ? "" : "?" + q));
  }

  JsonNode get(String path, @Nullable Query query) {
    return json("GET", api(path, query), null, Replay.ALWAYS);
  }

  JsonNode post(String path, Object body, Replay replay) {
    return json("POST", api(path, null), body, replay);
  }

  JsonNode patch(String path, Object body) {
    return json("PATCH", api(path, null), body, Replay.ALWAYS);
  }

  JsonNode delete(String path, @Nullable Object body) {
    return json("DELETE", api(path, null), body, Replay.ALWAYS);
  }

  /** A JSON call to an absolute URL (body may be null). */
  JsonNode json(String method, URI uri, @Nullable Object body, Replay replay) {
    byte[] bytes =
        body == null
            ? null
            : Json.MAPPER.valueToTree(body).toString().getBytes(StandardCharsets.UTF_8);
    Supplier<HttpRequest> request =
        () -> {
          HttpRequest.Builder b = base(uri).header("Accept", "application/json");
          if (bytes == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
          } else {
            b.header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofByteArray(bytes));
          }
          return b.build();
        };
    return execute(
        method,
        uri,
        request,
        replay,
        (in, headers) -> {
          byte[] all = in.readAllBytes();
          if (all.length == 0) {
            return Json.object();
          }
          try {
            return Json.MAPPER.readTree(all);
          } catch (IOException e) {
            throw new MlflowException(
                MlflowException.Kind.PROTOCOL,
                200,
                null,
                "MLflow "
                    + method
                    + " "
                    + uri.getPath()
                    + " answered with malformed JSON ("
                    + contentType(headers)
                    + ", "
                    + all.length
                    + " bytes); is "
                    + config.trackingUri()
                    + " an MLflow server?",
                e);
          }
        });
  }

  /** PUTs a file's bytes (idempotent: the same path is overwritten). */
  void upload(URI uri, Path file) {
    Supplier<HttpRequest> request =
        () -> {
          try {
            return base(uri)
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofFile(file))
                .build();
          } catch (IOException e) {
            throw new MlflowException(
                MlflowException.Kind.INVALID,
                0,
                null,
                "cannot read " + file + " for upload: " + e.getMessage(),
                e);
          }
        };
    execute(
        "PUT",
        uri,
        request,
        Replay.ALWAYS,
        (in, headers) -> {
          in.transferTo(OutputStream.nullOutputStream());
          return Boolean.TRUE;
        });
  }

  /**
   * GETs {@code uri} into {@code target} via a temporary file in the same directory, moved into
   * place at the end.
   */
  void download(URI uri, Path target) {
    Path dir = target.toAbsolutePath().getParent();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new MlflowException(
          MlflowException.Kind.INVALID,
          0,
          null,
          "cannot create directory " + dir + ": " + e.getMessage(),
          e);
    }
    Supplier<HttpRequest> request = () -> base(uri).GET().build();
    execute(
        "GET",
        uri,
        request,
        Replay.ALWAYS,
        (in, headers) -> {
          Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".part");
          try {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            try {
              Files.move(
                  tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
              Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return Boolean.TRUE;
          } finally {
            Files.deleteIfExists(tmp);
          }
        });
  }

  /** Waits before round {@code retry} of a caller-driven retry loop (look-up then re-send). */
  void pause(int retry) {
    sleepOrThrow(backoff.delay(retry, null), "retry");
  }

  private HttpRequest.Builder base(URI uri) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .timeout(config.requestTimeout())
            .header("User-Agent", "smileflow-mlflow-rest");
    config.auth().header().ifPresent(h -> b.header("Authorization", h));
    return b;
  }

  <R> R execute(
      String method, URI uri, Supplier<HttpRequest> request, Replay replay, BodyReader<R> reader) {
    int attempts = config.maxRetries() + 1;
    for (int attempt = 1; ; attempt++) {
      boolean last = attempt >= attempts;
      HttpResponse<InputStream> response;
      try {
        response = http.send(request.get(), HttpResponse.BodyHandlers.ofInputStream());
      } catch (IOException e) {
        if (tlsFailure(e)) {
          throw new MlflowException(
              MlflowException.Kind.UNAVAILABLE,
              0,
              null,
              "TLS handshake with "
                  + uri.getHost()
                  + " failed ("
                  + describe(e)
                  + "); name the CA bundle that signed the server's certificate in"
                  + " MLFLOW_TRACKING_SERVER_CERT_PATH, or for tests only set"
                  + " MLFLOW_TRACKING_INSECURE_TLS=true",
              e);
        }
        boolean notDelivered = surelyNotDelivered(e);
        MlflowException failure = unavailable(method, uri, attempt, describe(e), e);
        if (!last && (replay == Replay.ALWAYS || notDelivered)) {
          retryAfterPause(method, uri, attempt, attempts, describe(e), null);
          continue;
        }
        throw replay == Replay.IF_NOT_DELIVERED && !notDelivered
            ? new AmbiguousFailure(failure)
            : failure;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new MlflowException(
            MlflowException.Kind.UNAVAILABLE,
            0,
            null,
            "interrupted while calling MLflow " + method + " " + uri.getPath(),
            e);
      }
      int status = response.statusCode();
      try (InputStream body = response.body()) {
        if (status >= 200 && status < 300) {
          try {
            return reader.read(body, response.headers());
          } catch (IOException e) {
            MlflowException failure =
                unavailable(method, uri, attempt, "response broke off: " + describe(e), e);
            if (!last && replay == Replay.ALWAYS) {
              retryAfterPause(method, uri, attempt, attempts, "broken response", null);
              continue;
            }
            throw replay == Replay.IF_NOT_DELIVERED ? new AmbiguousFailure(failure) : failure;
          }
        }
        byte[] errorBody = readBounded(body);
        boolean transientStatus =
            status == 408 || status == 429 || (status >= 500 && status != 501);
        // 408 and 429 mean the server refused to process the request, so even a create was not
        // applied.
        boolean notApplied = status == 408 || status == 429;
        MlflowException failure =
            Errors.fromResponse(method, uri, status, errorBody, config.trackingUri(), attempt);
        if (transientStatus && !last && (replay == Replay.ALWAYS || notApplied)) {
          Duration retryAfter =
              Backoff.parseRetryAfter(
                      response.headers().firstValue("Retry-After").orElse(null), Instant.now())
                  .orElse(null);
          retryAfterPause(method, uri, attempt, attempts, "HTTP " + status, retryAfter);
          continue;
        }
        if (transientStatus && replay == Replay.IF_NOT_DELIVERED && !notApplied) {
          throw new AmbiguousFailure(failure);
        }
        throw failure;
      } catch (IOException closeFailed) {
        throw unavailable(method, uri, attempt, describe(closeFailed), closeFailed);
      }
    }
  }

  private void retryAfterPause(
      String method,
      URI uri,
      int attempt,
      int attempts,
      String why,
      @Nullable Duration retryAfter) {
    Duration delay = backoff.delay(attempt, retryAfter);
    LOG.warn(
        "MLflow {} {} failed ({}), retry {}/{} in {} ms",
        method,
        uri.getPath(),
        why,
        attempt,
        attempts - 1,
        delay.toMillis());
    sleepOrThrow(delay, method + " " + uri.getPath());
  }

  private void sleepOrThrow(Duration delay, String what) {
    try {
      sleeper.sleep(delay);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MlflowException(
          MlflowException.Kind.UNAVAILABLE,
          0,
          null,
          "interrupted while waiting to retry MLflow " + what,
          e);
    }
  }

  private MlflowException unavailable(
      String method, URI uri, int attempts, String cause, Throwable e) {
    return new MlflowException(
        MlflowException.Kind.UNAVAILABLE,
        0,
        null,
        "MLflow at "
            + config.trackingUri()
            + " is unavailable: "
            + method
            + " "
            + uri.getPath()
            + " failed after "
            + attempts
            + (attempts == 1 ? " attempt: " : " attempts: ")
            + cause,
        e);
  }

  static boolean surelyNotDelivered(Throwable e) {
    return causes(e)
        .anyMatch(t ->
            t instanceof ConnectException
                || t instanceof HttpConnectTimeoutException
                || t instanceof UnknownHostException
                || t instanceof UnresolvedAddressException);
  }

  static boolean tlsFailure(Throwable e) {
    return causes(e).anyMatch(SSLHandshakeException.class::isInstance);
  }

  /** {@code e} and its causes, outermost first. */
  private static Stream<Throwable> causes(Throwable e) {
    return Stream.iterate(e, Objects::nonNull, Throwable::getCause);
  }

  private static String describe(Throwable e) {
    Throwable root = e;
    for (Throwable t = e; t != null; t = t.getCause()) {
      root = t;
      if (t instanceof ConnectException) {
        break;
      }
    }
    if (e instanceof HttpConnectTimeoutException) {
      return "connect timed out";
    }
    if (e instanceof HttpTimeoutException) {
      return "request timed out";
    }
    if (root instanceof ConnectException) {
      return "connection refused (" + root.getClass().getName() + ")";
    }
    String msg = root.getMessage();
    return root.getClass().getName() + (msg == null ? "" : ": " + msg);
  }

  private static String contentType(HttpHeaders headers) {
    return headers.firstValue("Content-Type").orElse("no content type").toLowerCase(Locale.ROOT);
  }

  private static byte[] readBounded(InputStream in) throws IOException {
    byte[] bytes = in.readNBytes(MAX_ERROR_BODY);
    in.transferTo(OutputStream.nullOutputStream());
    return bytes;
  }

  private static SSLContext trustAll() {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {new TrustingManager()}, new SecureRandom());
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up insecure TLS", e);
    }
  }

  /**
   * MLFLOW_TRACKING_INSECURE_TLS: accepts every certificate and host name (as the Python client
   * does).
   */
  private static final class TrustingManager extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }

  @Override
  public void close() {
    http.close();
  }
}
