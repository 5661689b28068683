package dev.smileflow.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smileflow.api.metrics.ApiMetrics;
import dev.smileflow.api.model.ModelHolder;
import dev.smileflow.api.model.ServedModel;
import dev.smileflow.bundle.Prediction;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code POST /v1/classify} and {@code POST /v1/classify/batch}. The JSON body is checked here only
 * for what JSON alone can say (an object, the batch envelope); every row is validated once, against
 * the model's features, by {@link dev.smileflow.bundle.LoadedModel#predict} itself.
 */
public final class ClassifyRoutes {
  private final ModelHolder holder;
  private final ApiMetrics metrics;
  private final String tag;
  private final int maxBatchRows;
  private final boolean flagOutOfRange;

  public ClassifyRoutes(
      ModelHolder holder,
      ApiMetrics metrics,
      String tag,
      int maxBatchRows,
      boolean flagOutOfRange) {
    this.holder = Objects.requireNonNull(holder);
    this.metrics = Objects.requireNonNull(metrics);
    this.tag = Objects.requireNonNull(tag);
    this.maxBatchRows = maxBatchRows;
    this.flagOutOfRange = flagOutOfRange;
  }

  /** One row in, one prediction out. */
  public void classify(Context ctx) {
    JsonBodies.requireJson(ctx);
    JsonNode body = JsonBodies.parse(ctx.bodyAsBytes());
    if (!body.isObject()) {
      throw ApiException.validation(
          "body: must be a JSON object of input fields, got " + JsonBodies.kind(body));
    }
    ServedModel model = holder.current().orElseThrow(ApiException::notReady);
    boolean counted = !RequestObserver.isWarmup(ctx);
    long t0 = System.nanoTime();
    Prediction p = model.model().predict(JsonBodies.fields(body));
    if (counted) {
      metrics.inference(System.nanoTime() - t0);
    }
    Map<String, Object> data = result(model, p, counted);
    data.put("model_version", model.version());
    data.put("model_name", model.name());
    JsonBodies.write(ctx, 200, Envelope.success(data, tag));
  }

  /**
   * {@code {"rows":[{...},...]}} in, one result per row in the same order out. If any row is
   * invalid nothing is predicted; the problems name the row as model-bundle does ({@code
   * [2].sepal_length}).
   */
  public void classifyBatch(Context ctx) {
    JsonBodies.requireJson(ctx);
    JsonNode body = JsonBodies.parse(ctx.bodyAsBytes());
    if (!body.isObject()) {
      throw ApiException.validation(
          "body: must be a JSON object {\"rows\": [...]}, got " + JsonBodies.kind(body));
    }
    List<String> problems = new ArrayList<>();
    body.fieldNames()
        .forEachRemaining(f -> {
          if (!f.equals("rows")) {
            problems.add(JsonBodies.shown(f) + ": unknown field (expected [rows])");
          }
        });
    JsonNode rows = body.get("rows");
    if (rows == null || rows.isNull()) {
      problems.add(rows == null ? "rows: field required" : "rows: must not be null");
    } else if (!rows.isArray()) {
      problems.add("rows: must be a list of row objects, got " + JsonBodies.kind(rows));
    } else if (rows.isEmpty()) {
      problems.add("rows: must contain at least one row");
    } else if (rows.size() > maxBatchRows) {
      problems.add("rows: at most " + maxBatchRows + " rows per request, got " + rows.size());
    } else {
      for (int i = 0; i < rows.size(); i++) {
        if (!rows.get(i).isObject()) {
          problems.add(
              "["
                  + i
                  + "]: must be a JSON object of input fields, got "
                  + JsonBodies.kind(rows.get(i)));
        }
      }
    }
    if (!problems.isEmpty()) {
      throw ApiException.validation(problems);
    }
    ServedModel model = holder.current().orElseThrow(ApiException::notReady);
    boolean counted = !RequestObserver.isWarmup(ctx);
    List<Map<String, Object>> fields = new ArrayList<>(rows.size());
    rows.forEach(row -> fields.add(JsonBodies.fields(row)));
    long t0 = System.nanoTime();
    List<Prediction> predictions = model.model().predictAll(fields);
    long perRow = (System.nanoTime() - t0) / fields.size();
    List<Map<String, Object>> results = new ArrayList<>(predictions.size());
    for (Prediction p : predictions) {
      if (counted) {
        metrics.inference(perRow);
      }
      results.add(result(model, p, counted));
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("model_version", model.version());
    data.put("model_name", model.name());
    data.put("predictions", results);
    JsonBodies.write(ctx, 200, Envelope.success(data, tag));
  }

  /** One prediction's result; {@code counted} false for warm-up traffic, kept out of metrics. */
  private Map<String, Object> result(ServedModel model, Prediction p, boolean counted) {
    if (counted) {
      metrics.prediction(p.label(), model.version());
    }
    Map<String, Object> out = new LinkedHashMap<>();
    // Smile's posteriori can exceed 1 by rounding; clients are promised [0, 1].
    out.put("pred_confidence", Math.min(1.0, p.confidence()));
    out.put("pred_label", p.label());
    out.put("probabilities", p.probabilities());
    if (flagOutOfRange) {
      out.put("out_of_range", p.outOfRange());
      if (counted) {
        p.outOfRange().forEach(metrics::outOfRange);
      }
    }
    return out;
  }
}
