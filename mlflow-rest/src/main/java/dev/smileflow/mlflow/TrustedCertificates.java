package dev.smileflow.mlflow;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS context for {@code MLFLOW_TRACKING_SERVER_CERT_PATH}: the certificates of a PEM file
 * (e.g. a private CA) are the only ones trusted, as the Python client's {@code verify=<path>} does;
 * host names are still checked.
 */
final class TrustedCertificates {

  private TrustedCertificates() {}

  static SSLContext sslContext(Path pem) {
    try (InputStream in = Files.newInputStream(pem)) {
      Collection<? extends Certificate> certs =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certs.isEmpty()) {
        throw invalid(pem, "holds no PEM certificate");
      }
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (Certificate c : certs) {
        store.setCertificateEntry("mlflow-ca-" + i++, c);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (IOException e) {
      throw invalid(pem, "cannot be read: " + e.getMessage());
    } catch (GeneralSecurityException e) {
      throw invalid(pem, "is not a PEM certificate bundle: " + e.getMessage());
    }
  }

  private static IllegalArgumentException invalid(Path pem, String problem) {
    return new IllegalArgumentException("MLFLOW_TRACKING_SERVER_CERT_PATH " + pem + " " + problem);
  }
}
