package dev.smileflow.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One HTTP/1.1 {@code POST} written by hand on its own keep-alive connection, so a test decides
 * when each byte of the body goes out: a slow, stalled or never-ending client.
 */
final class RawRequest implements AutoCloseable {
  private final Socket socket;
  private final OutputStream out;

  /** The status line, header lines (one per line) and body of a response. */
  record Response(String statusLine, String headers, String body) {
    int status() {
      return Integer.parseInt(statusLine.split(" ")[1]);
    }
  }

  private RawRequest(Socket socket) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
  }

  /** Connects and sends the request line and headers of a JSON body of {@code length} bytes. */
  static RawRequest post(int port, String path, long length) throws IOException {
    var socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(30_000);
    var request = new RawRequest(socket);
    request.out.write(
        ("POST "
                + path
                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: "
                + length
                + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    request.out.flush();
    return request;
  }

  /** Sends {@code len} bytes of {@code body} from {@code off}. */
  void send(byte[] body, int off, int len) throws IOException {
    out.write(body, off, len);
    out.flush();
  }

  /** Reads one response: status line, headers, then a {@code Content-Length} body. */
  Response read() throws IOException {
    InputStream in = socket.getInputStream();
    String statusLine = line(in);
    var headers = new StringBuilder();
    int length = 0;
    for (String h = line(in); !h.isEmpty(); h = line(in)) {
      headers.append(h).append('\n');
      if (h.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(h.substring(15).strip());
      }
    }
    byte[] body = in.readNBytes(length);
    return new Response(statusLine, headers.toString(), new String(body, StandardCharsets.UTF_8));
  }

  private static String line(InputStream in) throws IOException {
    var b = new ByteArrayOutputStream();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new IOException("connection closed after: " + b.toString(StandardCharsets.US_ASCII));
      }
      if (c != '\r') {
        b.write(c);
      }
    }
    return b.toString(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
