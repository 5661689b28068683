package dev.smileflow.api.monitor;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.smileflow.api.metrics.ApiMetrics;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The prediction log ({@code PREDICTION_LOG_PATH}): one JSON object per served row, one per line,
 * with {@code time}, {@code request_id}, {@code model_name}, {@code model_version}, the input
 * {@code features} as received, {@code pred_label} and {@code pred_confidence}. A {@code
 * PREDICTION_LOG_SAMPLE} fraction of rows is logged. Requests never wait for it: rows go through an
 * {@link Offloader}, a full queue drops them ({@code model_prediction_log_dropped_total}), and the
 * writer flushes whenever it has caught up. {@link #close} writes what is queued and closes the
 * file.
 */
public final class PredictionLog {
  private static final Logger LOG = LoggerFactory.getLogger(PredictionLog.class);
  private static final JsonFactory JSON = new JsonFactory();

  /** Rows the queue holds before it drops. */
  static final int CAPACITY = 10_000;

  private final double sample;
  private final Offloader<ServedRow> offloader;

  PredictionLog(OutputStream out, double sample, ApiMetrics metrics, int capacity) {
    this.sample = sample;
    this.offloader =
        new Offloader<>(
            "prediction-log", capacity, new Lines(out, metrics), metrics::predictionLogDropped);
  }

  /**
   * Opens {@code path} for appending ({@code -} is standard output).
   *
   * @throws UncheckedIOException when the file cannot be opened
   */
  public static PredictionLog open(String path, double sample, ApiMetrics metrics) {
    OutputStream out;
    try {
      out =
          path.equals("-")
              ? new FileOutputStream(java.io.FileDescriptor.out)
              : new FileOutputStream(path, true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the prediction log " + path, e);
    }
    return new PredictionLog(out, sample, metrics, CAPACITY);
  }

  /** Queues {@code row} for the log, if the sample picks it; never waits. */
  public void served(ServedRow row) {
    if (sample >= 1.0 || ThreadLocalRandom.current().nextDouble() < sample) {
      offloader.offer(row);
    }
  }

  /** Writes every queued row and closes the file, waiting at most {@code timeout}. */
  public void close(Duration timeout) {
    if (!offloader.close(timeout)) {
      LOG.warn("the prediction log did not finish writing within {} ms", timeout.toMillis());
    }
  }

  /** The writer thread's side: JSON lines, flushed once the queue is empty. */
  private static final class Lines implements Offloader.Sink<ServedRow> {
    private final OutputStream out;
    private final JsonGenerator json;
    private final ApiMetrics metrics;
    private boolean unflushed;
    private boolean failing;

    Lines(OutputStream out, ApiMetrics metrics) {
      this.out = Objects.requireNonNull(out);
      this.metrics = Objects.requireNonNull(metrics);
      try {
        Writer writer =
            new java.io.BufferedWriter(
                new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
        this.json = JSON.createGenerator(writer);
        json.setRootValueSeparator(null);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void accept(List<ServedRow> batch) {
      int written = 0;
      try {
        for (ServedRow row : batch) {
          write(row);
          written++;
        }
        unflushed = true;
        failing = false;
      } catch (IOException e) {
        if (!failing) {
          LOG.warn("cannot write the prediction log ({}): dropping lines", e.toString());
          failing = true;
        }
        metrics.predictionLogDropped(batch.size() - written);
      }
      metrics.predictionLogWritten(written);
    }

    private void write(ServedRow row) throws IOException {
      json.writeStartObject();
      json.writeStringField("time", row.time().toString());
      json.writeStringField("request_id", row.requestId());
      json.writeStringField("model_name", row.modelName());
      json.writeStringField("model_version", row.modelVersion());
      json.writeFieldName("features");
      json.writeStartObject();
      for (Map.Entry<String, ?> f : row.features().entrySet()) {
        json.writeFieldName(f.getKey());
        switch (f.getValue()) {
          // the parser's scalars (numbers as Integer, Long, BigInteger or Double), as they came
          case null -> json.writeNull();
          case String _, Number _, Boolean _ -> json.writeObject(f.getValue());
          case Object other -> json.writeString(other.toString());
        }
      }
      json.writeEndObject();
      json.writeStringField("pred_label", row.predLabel());
      json.writeNumberField("pred_confidence", row.predConfidence());
      json.writeEndObject();
      json.writeRaw('\n');
    }

    @Override
    public void idle() {
      if (unflushed) {
        try {
          json.flush();
          unflushed = false;
        } catch (IOException e) {
          LOG.warn("cannot flush the prediction log: {}", e.toString());
        }
      }
    }

    @Override
    public void finish() {
      try {
        json.close();
        out.close();
      } catch (IOException e) {
        LOG.warn("cannot close the prediction log: {}", e.toString());
      }
    }
  }
}
