package dev.smileflow.api.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.smileflow.api.metrics.ApiMetrics;
import dev.smileflow.api.model.FieldProblem;
import dev.smileflow.api.model.LiveModel;
import dev.smileflow.api.model.Prediction;
import dev.smileflow.api.model.ServedModel;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/** {@code POST /v1/classify} and {@code POST /v1/classify/batch}. */
public final class ClassifyRoutes {
  private static final int MAX_PROBLEMS_SHOWN = 20;

  private final LiveModel live;
  private final ApiMetrics metrics;
  private final String tag;
  private final int maxBatchRows;
  private final boolean flagOutOfRange;

  public ClassifyRoutes(
      LiveModel live, ApiMetrics metrics, String tag, int maxBatchRows, boolean flagOutOfRange) {
    this.live = Objects.requireNonNull(live);
    this.metrics = Objects.requireNonNull(metrics);
    this.tag = Objects.requireNonNull(tag);
    this.maxBatchRows = maxBatchRows;
    this.flagOutOfRange = flagOutOfRange;
  }

  /** One row in, one prediction out. */
  public void classify(Context ctx) {
    JsonBodies.requireJson(ctx);
    JsonNode body = JsonBodies.parse(ctx.bodyAsBytes());
    ServedModel model = live.current().orElseThrow(ApiException::notReady);
    List<FieldProblem> problems = new ArrayList<>();
    RowValidator.Row row = RowValidator.check(model.bundle().inputs(), body, "", problems);
    reject(problems);
    Map<String, Object> data = new LinkedHashMap<>();
    data.putAll(predict(model, row));
    data.put("model_version", model.version());
    data.put("model_name", model.name());
    JsonBodies.write(ctx, 200, Envelope.success(data, tag));
  }

  /** {@code {"rows":[{...},...]}} in, one result per row in the same order out. */
  public void classifyBatch(Context ctx) {
    JsonBodies.requireJson(ctx);
    JsonNode body = JsonBodies.parse(ctx.bodyAsBytes());
    if (!body.isObject()) {
      throw ApiException.validation(
          "body: must be a JSON object {\"rows\": [...]}, got " + RowValidator.kind(body));
    }
    List<FieldProblem> problems = new ArrayList<>();
    for (var it = body.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!f.equals("rows")) {
        problems.add(
            new FieldProblem(
                f.length() > 64 ? f.substring(0, 64) + "…" : f, "unknown field (expected [rows])"));
      }
    }
    JsonNode rows = body.get("rows");
    if (rows == null || rows.isNull()) {
      problems.add(new FieldProblem("rows", rows == null ? "field required" : "must not be null"));
    } else if (!rows.isArray()) {
      problems.add(
          new FieldProblem(
              "rows", "must be a list of row objects, got " + RowValidator.kind(rows)));
    } else if (rows.isEmpty()) {
      problems.add(new FieldProblem("rows", "must contain at least one row"));
    } else if (rows.size() > maxBatchRows) {
      problems.add(
          new FieldProblem(
              "rows", "at most " + maxBatchRows + " rows per request, got " + rows.size()));
    }
    reject(problems);
    ServedModel model = live.current().orElseThrow(ApiException::notReady);
    List<RowValidator.Row> checked = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      checked.add(
          RowValidator.check(model.bundle().inputs(), rows.get(i), "rows[" + i + "].", problems));
    }
    reject(problems);
    List<Map<String, Object>> predictions = new ArrayList<>(checked.size());
    for (RowValidator.Row row : checked) {
      predictions.add(predict(model, row));
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("model_version", model.version());
    data.put("model_name", model.name());
    data.put("predictions", predictions);
    JsonBodies.write(ctx, 200, Envelope.success(data, tag));
  }

  private Map<String, Object> predict(ServedModel model, RowValidator.Row row) {
    long t0 = System.nanoTime();
    Prediction p = model.bundle().scorer().predict(row.values());
    metrics.inference(System.nanoTime() - t0);
    metrics.prediction(p.label(), model.version());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("pred_confidence", p.confidence());
    out.put("pred_label", p.label());
    out.put("probabilities", p.probabilities());
    if (flagOutOfRange) {
      out.put("out_of_range", row.outOfRange());
      row.outOfRange().forEach(metrics::outOfRange);
    }
    return out;
  }

  private static void reject(List<FieldProblem> problems) {
    if (problems.isEmpty()) {
      return;
    }
    String shown =
        problems.stream()
            .limit(MAX_PROBLEMS_SHOWN)
            .map(FieldProblem::toString)
            .collect(Collectors.joining("; "));
    if (problems.size() > MAX_PROBLEMS_SHOWN) {
      shown += "; and " + (problems.size() - MAX_PROBLEMS_SHOWN) + " more";
    }
    throw ApiException.validation(shown);
  }
}
