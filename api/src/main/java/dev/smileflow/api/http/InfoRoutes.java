package dev.smileflow.api.http;

import dev.smileflow.api.metrics.ApiMetrics;
import dev.smileflow.api.model.ModelHolder;
import dev.smileflow.api.model.ModelSource;
import dev.smileflow.api.model.ServedModel;
import dev.smileflow.bundle.BundleDescriptor;
import dev.smileflow.bundle.Feature;
import dev.smileflow.bundle.LoadedModel;
import dev.smileflow.mlflow.ModelUri;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /v1/model}, the health probes, {@code /metrics}, {@code /openapi.json} and {@code
 * /docs}.
 */
public final class InfoRoutes {
  private final ModelHolder holder;
  private final Draining draining;
  private final ApiMetrics metrics;
  private final ModelSource source;
  private final String tag;
  private final OpenApiDocument openApi;
  private final byte[] docsPage;

  /**
   * The OpenAPI document rendered for one loaded model: its name, version and {@link LoadedModel}
   * instance (all null while none is loaded).
   */
  private record Rendered(
      @Nullable String name, @Nullable String version, @Nullable LoadedModel model, byte[] json) {
    boolean isFor(@Nullable ServedModel m) {
      return m == null
          ? model == null
          : m.model() == model && m.name().equals(name) && m.version().equals(version);
    }
  }

  private final AtomicReference<@Nullable Rendered> rendered = new AtomicReference<>();

  public InfoRoutes(
      ModelHolder holder,
      Draining draining,
      ApiMetrics metrics,
      ModelSource source,
      String tag,
      OpenApiDocument openApi) {
    this.holder = Objects.requireNonNull(holder);
    this.draining = Objects.requireNonNull(draining);
    this.metrics = Objects.requireNonNull(metrics);
    this.source = Objects.requireNonNull(source);
    this.tag = Objects.requireNonNull(tag);
    this.openApi = Objects.requireNonNull(openApi);
    this.docsPage = resource("docs.html");
  }

  private static byte[] resource(String name) {
    try (InputStream in = InfoRoutes.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What is loaded, where it came from, and the last refused version. */
  public void model(Context ctx) {
    ServedModel m = holder.current().orElse(null);
    if (m == null) {
      String refused =
          holder
              .lastRefusal()
              .map(r -> " (last refused: version " + r.version() + ", " + r.code() + ")")
              .orElse("");
      throw new ApiException(ApiException.Kind.MODEL_NOT_READY, "model: not loaded yet" + refused);
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("name", m.name());
    data.put("version", m.version());
    data.put(
        "alias",
        source instanceof ModelSource.Registered(ModelUri.Alias(_, String alias)) ? alias : null);
    data.put(
        "stage",
        source instanceof ModelSource.Registered(ModelUri.Stage(_, String stage)) ? stage : null);
    BundleDescriptor d = m.model().descriptor();
    data.put("run_id", m.runId());
    data.put("algorithm", d.algorithm());
    data.put("signature", signature(d));
    data.put("classes", d.classLabels());
    data.put("metrics", d.metrics());
    data.put("loaded_at", m.loadedAt().toString());
    data.put("source", m.origin().name().toLowerCase(Locale.ROOT));
    data.put("uri", m.location());
    data.put("model_sha256", d.modelSha256());
    data.put("last_checked_at", holder.lastCheck().map(Object::toString).orElse(null));
    data.put(
        "last_refused",
        holder
            .lastRefusal()
            .map(r -> {
              Map<String, Object> ref = new LinkedHashMap<>();
              ref.put("version", r.version());
              ref.put("code", r.code());
              ref.put("message", r.message());
              ref.put("at", r.at().toString());
              return ref;
            })
            .orElse(null));
    JsonBodies.write(ctx, 200, Envelope.success(data, tag));
  }

  private static Map<String, Object> signature(BundleDescriptor d) {
    List<Map<String, Object>> inputs = new ArrayList<>();
    for (Feature f : d.features()) {
      Map<String, Object> col = new LinkedHashMap<>();
      col.put("name", f.name());
      switch (f) {
        case Feature.Numeric n -> {
          col.put("type", "double");
          col.put("training_min", n.min());
          col.put("training_max", n.max());
        }
        case Feature.Categorical c -> {
          col.put("type", "string");
          col.put("levels", c.levels());
          col.put("other_bucket", c.otherBucket());
        }
      }
      col.put("required", f.required());
      if (f.fill() != null) {
        col.put("fill", f.fill());
      }
      inputs.add(col);
    }
    return Map.of(
        "inputs",
        inputs,
        "ignored_inputs",
        d.ignoredInputs(),
        "outputs",
        List.of(Map.of("name", "label", "type", "string")));
  }

  /** Liveness: the process answers. */
  public void live(Context ctx) {
    JsonBodies.write(ctx, 200, Envelope.success(Map.of("status", "up"), tag));
  }

  /** Readiness: 200 only while a model is loaded and warmed up and the service is not draining. */
  public void ready(Context ctx) {
    if (draining.isDraining()) {
      throw ApiException.draining();
    }
    ServedModel m =
        holder.current().filter(x -> holder.ready()).orElseThrow(ApiException::notReady);
    JsonBodies.write(
        ctx, 200, Envelope.success(Map.of("status", "ready", "model_version", m.version()), tag));
  }

  /** Prometheus text exposition. */
  public void metrics(Context ctx) {
    ctx.contentType(ApiMetrics.contentType()).result(metrics.scrape());
  }

  /**
   * The OpenAPI 3.1 document describing the loaded model's input. Rendered once per loaded model
   * (the first request after a load or swap) and reused until the next one.
   */
  public void openApi(Context ctx) {
    ServedModel m = holder.current().orElse(null);
    Rendered r = rendered.get();
    if (r == null || !r.isFor(m)) {
      r =
          m == null
              ? new Rendered(null, null, null, openApi.render(null))
              : new Rendered(m.name(), m.version(), m.model(), openApi.render(m));
      rendered.set(r);
    }
    ctx.contentType("application/json").result(r.json());
  }

  /** A browsable page rendering the OpenAPI document. */
  public void docs(Context ctx) {
    ctx.contentType("text/html; charset=utf-8").result(docsPage);
  }
}
