package dev.smileflow.api.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.smileflow.api.metrics.ApiMetrics;
import dev.smileflow.api.model.ModelHolder;
import dev.smileflow.api.model.ServedModel;
import dev.smileflow.api.monitor.ServedRow;
import dev.smileflow.api.monitor.ServingMonitor;
import dev.smileflow.bundle.LoadedModel;
import dev.smileflow.bundle.Prediction;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * {@code POST /v1/classify} and {@code POST /v1/classify/batch}. The JSON body is checked here only
 * for what JSON alone can say (an object, the batch envelope); every row is validated once, against
 * the model's features, by {@link LoadedModel#predict} itself.
 */
public final class ClassifyRoutes {
  private final ModelHolder holder;
  private final ApiMetrics metrics;
  private final String tag;
  private final int maxBatchRows;
  private final long maxBodyBytes;
  private final boolean flagOutOfRange;
  private final ServingMonitor monitor;

  /**
   * One row's result ({@code PredictionResult} in the OpenAPI document).
   *
   * @param outOfRange the fields outside the training range; null (left out) unless {@code
   *     FLAG_OUT_OF_RANGE} is on
   */
  record PredictionResult(
      double predConfidence,
      String predLabel,
      Map<String, Double> probabilities,
      @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable List<String> outOfRange) {}

  /** The answer of {@code /v1/classify} ({@code ClassifyData}): the result and its model. */
  record ClassifyData(
      @JsonUnwrapped PredictionResult result, String modelVersion, String modelName) {}

  /** The answer of {@code /v1/classify/batch} ({@code BatchData}): a result per row, in order. */
  record BatchData(String modelVersion, String modelName, List<PredictionResult> predictions) {}

  public ClassifyRoutes(
      ModelHolder holder,
      ApiMetrics metrics,
      String tag,
      int maxBatchRows,
      long maxBodyBytes,
      boolean flagOutOfRange,
      ServingMonitor monitor) {
    this.holder = Objects.requireNonNull(holder);
    this.metrics = Objects.requireNonNull(metrics);
    this.tag = Objects.requireNonNull(tag);
    this.maxBatchRows = maxBatchRows;
    this.maxBodyBytes = maxBodyBytes;
    this.flagOutOfRange = flagOutOfRange;
    this.monitor = Objects.requireNonNull(monitor);
  }

  /** One row in, one prediction out. */
  public void classify(Context ctx) throws IOException {
    Map<?, ?> row = object(ctx, "a JSON object of input fields");
    ServedModel model = holder.current().orElseThrow(ApiException::notReady);
    boolean counted = !RequestObserver.isWarmup(ctx);
    long t0 = System.nanoTime();
    Prediction p = model.model().predict(fields(row));
    if (counted) {
      metrics.inference(System.nanoTime() - t0);
    }
    PredictionResult result = result(model, p, counted);
    if (counted) {
      monitor.served(served(ctx, Instant.now(), model, fields(row), result));
    }
    var data = new ClassifyData(result, model.version(), model.name());
    ctx.json(Envelope.success(data, tag));
  }

  /**
   * {@code {"rows":[{...},...]}} in, one result per row in the same order out. If any row is
   * invalid nothing is predicted; the problems name the row as model-bundle does ({@code
   * [2].sepal_length}).
   */
  public void classifyBatch(Context ctx) throws IOException {
    Map<?, ?> object = object(ctx, "a JSON object {\"rows\": [...]}");
    List<String> problems = new ArrayList<>();
    for (Object f : object.keySet()) {
      if (!f.equals("rows")) {
        problems.add(JsonBodies.shown((String) f) + ": unknown field (expected [rows])");
      }
    }
    Object rows = object.get("rows");
    List<Map<String, ?>> fields = new ArrayList<>();
    if (rows == null) {
      problems.add(object.containsKey("rows") ? "rows: must not be null" : "rows: field required");
    } else if (!(rows instanceof List<?> list)) {
      problems.add("rows: must be a list of row objects, got " + JsonBodies.kind(rows));
    } else if (list.isEmpty()) {
      problems.add("rows: must contain at least one row");
    } else if (list.size() > maxBatchRows) {
      problems.add("rows: at most " + maxBatchRows + " rows per request, got " + list.size());
    } else {
      for (int i = 0; i < list.size(); i++) {
        if (list.get(i) instanceof Map<?, ?> row) {
          fields.add(fields(row));
        } else {
          problems.add(
              "["
                  + i
                  + "]: must be a JSON object of input fields, got "
                  + JsonBodies.kind(list.get(i)));
        }
      }
    }
    if (!problems.isEmpty()) {
      throw ApiException.validation(ApiException.listed(problems));
    }
    ServedModel model = holder.current().orElseThrow(ApiException::notReady);
    boolean counted = !RequestObserver.isWarmup(ctx);
    long t0 = System.nanoTime();
    List<Prediction> predictions = model.model().predictAll(fields);
    long perRow = (System.nanoTime() - t0) / fields.size();
    List<PredictionResult> results = new ArrayList<>(predictions.size());
    Instant now = Instant.now();
    for (int i = 0; i < predictions.size(); i++) {
      PredictionResult result = result(model, predictions.get(i), counted);
      if (counted) {
        metrics.inference(perRow);
        monitor.served(served(ctx, now, model, fields.get(i), result));
      }
      results.add(result);
    }
    ctx.json(Envelope.success(new BatchData(model.version(), model.name(), results), tag));
  }

  /** The request's JSON body, which must be an object: {@code expected} says of what. */
  private Map<?, ?> object(Context ctx, String expected) throws IOException {
    JsonBodies.requireJson(ctx);
    Object body = JsonBodies.parse(JsonBodies.body(ctx, maxBodyBytes));
    if (!(body instanceof Map<?, ?> object)) {
      throw ApiException.validation("body: must be " + expected + ", got " + JsonBodies.kind(body));
    }
    return object;
  }

  /** A parsed JSON object: its keys are the body's field names. */
  @SuppressWarnings("unchecked")
  private static Map<String, ?> fields(Map<?, ?> object) {
    return (Map<String, ?>) object;
  }

  /** What the prediction log and the drift window get of one served row. */
  private static ServedRow served(
      Context ctx, Instant time, ServedModel model, Map<String, ?> row, PredictionResult result) {
    return new ServedRow(
        time,
        RequestObserver.requestId(ctx),
        model.name(),
        model.version(),
        model.model(),
        row,
        result.predLabel(),
        result.predConfidence());
  }

  /** One prediction's result; {@code counted} false for warm-up traffic, kept out of metrics. */
  private PredictionResult result(ServedModel model, Prediction p, boolean counted) {
    if (counted) {
      metrics.prediction(p.label(), model.version());
      if (flagOutOfRange) {
        p.outOfRange().forEach(metrics::outOfRange);
      }
    }
    // Smile's posteriori can exceed 1 by rounding; clients are promised [0, 1].
    return new PredictionResult(
        Math.min(1.0, p.confidence()),
        p.label(),
        p.probabilities(),
        flagOutOfRange ? p.outOfRange() : null);
  }
}
