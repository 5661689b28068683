package dev.smileflow.api.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;

/**
 * Writes each event as one JSON line: {@code time}, {@code severity} (Cloud Logging's key) and
 * {@code level}, {@code logger}, {@code thread}, {@code request_id} when set, {@code message} and
 * {@code exception}.
 */
public final class JsonLineEncoder extends EncoderBase<ILoggingEvent> {
  private static final JsonFactory FACTORY = new JsonFactory();
  private static final byte[] EMPTY = new byte[0];

  @Override
  public byte[] headerBytes() {
    return EMPTY;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    var out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("time", Instant.ofEpochMilli(event.getTimeStamp()).toString());
      String level = event.getLevel().toString();
      g.writeStringField("severity", level.equals("WARN") ? "WARNING" : level);
      g.writeStringField("level", level);
      g.writeStringField("logger", event.getLoggerName());
      g.writeStringField("thread", event.getThreadName());
      Map<String, String> mdc = event.getMDCPropertyMap();
      String requestId = mdc == null ? null : mdc.get("request_id");
      if (requestId != null) {
        g.writeStringField("request_id", requestId);
      }
      g.writeStringField("message", event.getFormattedMessage());
      IThrowableProxy thrown = event.getThrowableProxy();
      if (thrown != null) {
        g.writeStringField("exception", ThrowableProxyUtil.asString(thrown));
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.write('\n');
    return out.toByteArray();
  }

  @Override
  public byte[] footerBytes() {
    return EMPTY;
  }
}
