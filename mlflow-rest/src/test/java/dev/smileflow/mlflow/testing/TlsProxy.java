package dev.smileflow.mlflow.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A TLS-terminating reverse proxy in front of an MLflow server, as a team runs one behind nginx: it
 * serves HTTPS on a free loopback port with a certificate for {@code localhost} and {@code
 * 127.0.0.1} signed by a private CA made for it ({@link #caPem()}, the file for {@code
 * MLFLOW_TRACKING_SERVER_CERT_PATH}), and forwards {@code <prefix>/...} to the server's {@code
 * /...}. Anything outside the prefix is a 404. Close it when done.
 */
public final class TlsProxy implements AutoCloseable {

  private static final Set<String> HOP_BY_HOP =
      Set.of("connection", "content-length", "host", "transfer-encoding", "upgrade", "expect");
  private static final String PASSWORD = "changeit";

  private final HttpsServer server;
  private final HttpClient upstream;
  private final ExecutorService executor;
  private final URI target;
  private final String prefix;
  private final Path caPem;

  private TlsProxy(
      HttpsServer server,
      HttpClient upstream,
      ExecutorService executor,
      URI target,
      String prefix,
      Path caPem) {
    this.server = server;
    this.upstream = upstream;
    this.executor = executor;
    this.target = target;
    this.prefix = prefix;
    this.caPem = caPem;
  }

  /**
   * Starts a proxy to {@code target} under {@code prefix} ("" or e.g. {@code /mlflow}), keeping its
   * keys and certificates in {@code dir}.
   */
  public static TlsProxy start(URI target, String prefix, Path dir) {
    if (!prefix.isEmpty() && (!prefix.startsWith("/") || prefix.endsWith("/"))) {
      throw new IllegalArgumentException("prefix must be empty or /name, got '" + prefix + "'");
    }
    try {
      Path ca = dir.resolve("ca.p12");
      Path caPem = dir.resolve("ca.pem");
      Path keys = dir.resolve("server.p12");
      Path csr = dir.resolve("server.csr");
      Path signed = dir.resolve("server.pem");
      keytool(
          "-genkeypair",
          "-alias",
          "ca",
          "-dname",
          "CN=smileflow test CA",
          "-ext",
          "bc:c",
          "-keystore",
          ca.toString());
      keytool(
          "-exportcert",
          "-rfc",
          "-alias",
          "ca",
          "-keystore",
          ca.toString(),
          "-file",
          caPem.toString());
      keytool(
          "-genkeypair",
          "-alias",
          "server",
          "-dname",
          "CN=localhost",
          "-keystore",
          keys.toString());
      keytool(
          "-certreq", "-alias", "server", "-keystore", keys.toString(), "-file", csr.toString());
      keytool(
          "-gencert",
          "-rfc",
          "-alias",
          "ca",
          "-keystore",
          ca.toString(),
          "-infile",
          csr.toString(),
          "-outfile",
          signed.toString(),
          "-ext",
          "san=dns:localhost,ip:127.0.0.1");
      keytool(
          "-importcert",
          "-noprompt",
          "-alias",
          "ca",
          "-file",
          caPem.toString(),
          "-keystore",
          keys.toString());
      keytool(
          "-importcert",
          "-alias",
          "server",
          "-file",
          signed.toString(),
          "-keystore",
          keys.toString());
      KeyStore store = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(keys)) {
        store.load(in, PASSWORD.toCharArray());
      }
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(store, PASSWORD.toCharArray());
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, null);
      HttpsServer server =
          HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.setHttpsConfigurator(new HttpsConfigurator(ctx));
      ExecutorService executor = Executors.newFixedThreadPool(8);
      server.setExecutor(executor);
      HttpClient upstream =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(10))
              .build();
      TlsProxy proxy = new TlsProxy(server, upstream, executor, target, prefix, caPem);
      server.createContext("/", proxy::forward);
      server.start();
      return proxy;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the TLS proxy", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up the TLS proxy's keys", e);
    }
  }

  /** The proxied tracking URI, e.g. {@code https://localhost:41234/mlflow}. */
  public URI uri() {
    return URI.create("https://localhost:" + server.getAddress().getPort() + prefix);
  }

  /** The private CA's certificate (PEM), for {@code MLFLOW_TRACKING_SERVER_CERT_PATH}. */
  public Path caPem() {
    return caPem;
  }

  private void forward(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getRawPath();
      if (!path.startsWith(prefix + "/")) {
        ex.sendResponseHeaders(404, -1);
        return;
      }
      String query = ex.getRequestURI().getRawQuery();
      URI to =
          URI.create(target + path.substring(prefix.length()) + (query == null ? "" : "?" + query));
      byte[] body = ex.getRequestBody().readAllBytes();
      HttpRequest.Builder b =
          HttpRequest.newBuilder(to)
              .timeout(Duration.ofSeconds(60))
              .method(
                  ex.getRequestMethod(),
                  body.length == 0
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofByteArray(body));
      ex.getRequestHeaders()
          .forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
              values.forEach(v -> b.header(name, v));
            }
          });
      HttpResponse<byte[]> r;
      try {
        r = upstream.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        ex.sendResponseHeaders(502, -1);
        return;
      }
      r.headers()
          .map()
          .forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
              ex.getResponseHeaders().put(name, new ArrayList<>(values));
            }
          });
      byte[] out = r.body();
      ex.sendResponseHeaders(r.statusCode(), out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        try (OutputStream os = ex.getResponseBody()) {
          os.write(out);
        }
      }
    }
  }

  private static void keytool(String... args) throws IOException {
    List<String> cmd =
        new ArrayList<>(
            List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
    if (args[0].equals("-genkeypair")) {
      cmd.addAll(List.of("-keyalg", "RSA", "-keysize", "2048", "-validity", "2"));
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running keytool", e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    upstream.close();
  }
}
