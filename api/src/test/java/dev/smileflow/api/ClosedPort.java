package dev.smileflow.api;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;

/**
 * A loopback port that refuses every connection for as long as this is open: a socket bound to it
 * that never listens. Unlike a port found free and released, no other process can take it
 * meanwhile, so a client pointed at it always fails to connect at once.
 */
final class ClosedPort implements AutoCloseable {
  private final Socket socket = new Socket();

  ClosedPort() throws IOException {
    socket.bind(new InetSocketAddress("127.0.0.1", 0));
  }

  /** {@code http://127.0.0.1:<port>}: an MLflow that is never reachable. */
  URI uri() {
    return URI.create("http://127.0.0.1:" + socket.getLocalPort());
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
