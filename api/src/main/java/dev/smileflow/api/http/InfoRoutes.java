package dev.smileflow.api.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.smileflow.api.metrics.ApiMetrics;
import dev.smileflow.api.model.ModelHolder;
import dev.smileflow.api.model.ModelSource;
import dev.smileflow.api.model.ServedModel;
import dev.smileflow.api.monitor.DriftReport;
import dev.smileflow.api.monitor.ServingMonitor;
import dev.smileflow.bundle.BundleDescriptor;
import dev.smileflow.bundle.Feature;
import dev.smileflow.mlflow.ModelUri;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /v1/model}, the health probes, {@code /metrics}, the OpenAPI document and its page.
 */
public final class InfoRoutes {
  private final ModelHolder holder;
  private final Draining draining;
  private final ApiMetrics metrics;
  private final ModelSource source;
  private final String tag;
  private final OpenApiDocument openApi;
  private final ServingMonitor monitor;
  private final byte[] docsPage;

  /**
   * The OpenAPI document rendered for one served model (null while none is loaded): every swap
   * serves a new {@link ServedModel} instance, which is rendered anew.
   */
  private record Rendered(@Nullable ServedModel served, byte[] json) {}

  private final AtomicReference<@Nullable Rendered> rendered = new AtomicReference<>();

  public InfoRoutes(
      ModelHolder holder,
      Draining draining,
      ApiMetrics metrics,
      ModelSource source,
      String tag,
      OpenApiDocument openApi,
      ServingMonitor monitor) {
    this.holder = Objects.requireNonNull(holder);
    this.draining = Objects.requireNonNull(draining);
    this.metrics = Objects.requireNonNull(metrics);
    this.source = Objects.requireNonNull(source);
    this.tag = Objects.requireNonNull(tag);
    this.openApi = Objects.requireNonNull(openApi);
    this.monitor = Objects.requireNonNull(monitor);
    this.docsPage = resource("docs.html");
  }

  /** The bytes of the classpath resource {@code name} next to this class. */
  static byte[] resource(String name) {
    try (InputStream in = InfoRoutes.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The answer of {@code /v1/model} ({@code ModelData} in the OpenAPI document). */
  record ModelData(
      String name,
      String version,
      @Nullable String alias,
      @Nullable String stage,
      @Nullable String runId,
      String algorithm,
      Signature signature,
      List<String> classes,
      Map<String, Double> metrics,
      String loadedAt,
      String source,
      String uri,
      @Nullable String modelSha256,
      @Nullable String lastCheckedAt,
      @Nullable Refused lastRefused,
      DriftReport drift) {}

  /** The model's inputs and outputs, as MLflow's model signature names them. */
  record Signature(List<Input> inputs, List<String> ignoredInputs, List<Output> outputs) {}

  /** One input field: a number with its training range, or a string with its levels. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Input(
      String name,
      String type,
      @Nullable Double trainingMin,
      @Nullable Double trainingMax,
      @Nullable List<String> levels,
      @Nullable Boolean otherBucket,
      boolean required,
      @Nullable Object fill) {
    static Input of(Feature f) {
      return switch (f) {
        case Feature.Numeric n ->
            new Input(n.name(), "double", n.min(), n.max(), null, null, n.required(), n.fill());
        case Feature.Categorical c ->
            new Input(
                c.name(),
                "string",
                null,
                null,
                c.levels(),
                c.otherBucket(),
                c.required(),
                c.fill());
      };
    }
  }

  /** One output: the predicted label. */
  record Output(String name, String type) {}

  /** The last version the service refused to load, and why. */
  record Refused(String version, String code, String message, String at) {}

  /** The answer of the health probes ({@code Status}). */
  record Status(
      String status, @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String modelVersion) {}

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
    BundleDescriptor d = m.model().descriptor();
    var data =
        new ModelData(
            m.name(),
            m.version(),
            source instanceof ModelSource.Registered(ModelUri.Alias(_, String alias))
                ? alias
                : null,
            source instanceof ModelSource.Registered(ModelUri.Stage(_, String stage))
                ? stage
                : null,
            m.runId(),
            d.algorithm(),
            new Signature(
                d.features().stream().map(Input::of).toList(),
                d.ignoredInputs(),
                List.of(new Output("label", "string"))),
            d.classLabels(),
            d.metrics(),
            m.loadedAt().toString(),
            m.origin().name().toLowerCase(Locale.ROOT),
            m.location(),
            d.modelSha256(),
            holder.lastCheck().map(Object::toString).orElse(null),
            holder
                .lastRefusal()
                .map(r -> new Refused(r.version(), r.code(), r.message(), r.at().toString()))
                .orElse(null),
            monitor.drift(m.model()));
    ctx.json(Envelope.success(data, tag));
  }

  /** Liveness: the process answers. */
  public void live(Context ctx) {
    ctx.json(Envelope.success(new Status("up", null), tag));
  }

  /** Readiness: 200 only while a model is loaded and warmed up and the service is not draining. */
  public void ready(Context ctx) {
    if (draining.isDraining()) {
      throw ApiException.draining();
    }
    ServedModel m =
        holder.current().filter(x -> holder.ready()).orElseThrow(ApiException::notReady);
    ctx.json(Envelope.success(new Status("ready", m.version()), tag));
  }

  /** Prometheus text exposition. */
  public void metrics(Context ctx) {
    ctx.contentType(ApiMetrics.CONTENT_TYPE).result(metrics.scrape());
  }

  /**
   * The OpenAPI 3.1 document describing the loaded model's input. Rendered once per loaded model
   * (the first request after a load or swap) and reused until the next one.
   */
  public void openApi(Context ctx) {
    ServedModel m = holder.current().orElse(null);
    Rendered r = rendered.get();
    if (r == null || r.served() != m) {
      r = new Rendered(m, openApi.render(m));
      rendered.set(r);
    }
    ctx.contentType("application/json").result(r.json());
  }

  /** A browsable page rendering the OpenAPI document. */
  public void docs(Context ctx) {
    ctx.contentType("text/html; charset=utf-8").result(docsPage);
  }
}
