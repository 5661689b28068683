package dev.smileflow.mlflow;

import java.util.List;
import java.util.Optional;

/** A run's metrics (latest value per key), params and tags. */
public record RunData(List<Metric> metrics, List<Param> params, List<Tag> tags) {

  public RunData {
    metrics = metrics == null ? List.of() : List.copyOf(metrics);
    params = params == null ? List.of() : List.copyOf(params);
    tags = tags == null ? List.of() : List.copyOf(tags);
  }

  /** The value of tag {@code key}, if set. */
  public Optional<String> tag(String key) {
    return tags.stream().filter(t -> t.key().equals(key)).map(Tag::value).reduce((a, b) -> b);
  }

  /** The value of param {@code key}, if logged. */
  public Optional<String> param(String key) {
    return params.stream().filter(p -> p.key().equals(key)).map(Param::value).findFirst();
  }

  /** The latest value of metric {@code key}, if logged. */
  public Optional<Double> metric(String key) {
    return metrics.stream().filter(m -> m.key().equals(key)).map(Metric::value).findFirst();
  }
}
