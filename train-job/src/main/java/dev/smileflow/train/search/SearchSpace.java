package dev.smileflow.train.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.smileflow.train.search.Algorithm.Param;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The hyperparameter space of each chosen algorithm: per hyperparameter either a list of values or
 * a range. {@link #grid()} enumerates every combination of listed values (a range is an error
 * there); {@link #random} draws a seeded number of combinations per algorithm, uniformly from lists
 * and uniformly (or log-uniformly) from ranges.
 *
 * <p>Search file format (JSON or YAML): {@code {"svm": {"c": [1, 10, 100], "sigma_scale": {"min":
 * 0.1, "max": 10, "log": true}}}}; algorithms and hyperparameters it does not mention keep their
 * defaults.
 */
public final class SearchSpace {
  /** Values of one hyperparameter. */
  public sealed interface Values permits Choices, Range {}

  /** An explicit list of values. */
  public record Choices(List<Double> values) implements Values {
    public Choices {
      values = List.copyOf(values);
      if (values.isEmpty()) {
        throw new IllegalArgumentException("a hyperparameter needs at least one value");
      }
    }
  }

  /** A continuous range {@code [min, max]}, drawn log-uniformly when {@code log}. */
  public record Range(double min, double max, boolean log) implements Values {
    public Range {
      if (!(min <= max) || (log && min <= 0)) {
        throw new IllegalArgumentException(
            "bad range [" + min + ", " + max + "]" + (log ? " (log needs min > 0)" : ""));
      }
    }
  }

  private final Map<Algorithm, Map<Param, Values>> spaces;

  private SearchSpace(Map<Algorithm, Map<Param, Values>> spaces) {
    this.spaces = spaces;
  }

  /** The default grids of {@code algorithms}, in the given order. */
  public static SearchSpace defaults(List<Algorithm> algorithms) {
    Map<Algorithm, Map<Param, Values>> spaces = new LinkedHashMap<>();
    for (Algorithm a : algorithms) {
      Map<Param, Values> params = new LinkedHashMap<>();
      a.params().values().forEach(p -> params.put(p, new Choices(p.defaults())));
      spaces.put(a, params);
    }
    return new SearchSpace(spaces);
  }

  /**
   * Overrides one hyperparameter from the command line: {@code algo.param=v1,v2,...} or {@code
   * algo.param=min:max} (append {@code :log} for a log range). Overrides of algorithms not searched
   * are ignored.
   */
  public SearchSpace with(String assignment) {
    int eq = assignment.indexOf('=');
    int dot = assignment.indexOf('.');
    if (eq < 0 || dot < 0 || dot > eq) {
      throw new IllegalArgumentException(
          "expected algorithm.param=values, got '" + assignment + "'");
    }
    Algorithm algorithm = Algorithm.parse(assignment.substring(0, dot));
    String param = assignment.substring(dot + 1, eq).trim().toLowerCase(Locale.ROOT);
    String text = assignment.substring(eq + 1).trim();
    Values values;
    if (text.contains(":")) {
      String[] parts = text.split(":");
      if (parts.length < 2 || parts.length > 3 || (parts.length == 3 && !parts[2].equals("log"))) {
        throw new IllegalArgumentException(
            "expected min:max or min:max:log in '" + assignment + "'");
      }
      values =
          new Range(number(parts[0], assignment), number(parts[1], assignment), parts.length == 3);
    } else {
      List<Double> list = new ArrayList<>();
      for (String part : text.split(",")) {
        list.add(number(part, assignment));
      }
      values = new Choices(list);
    }
    return with(algorithm, param, values);
  }

  private SearchSpace with(Algorithm algorithm, String name, Values values) {
    Param param = algorithm.params().get(name);
    if (param == null) {
      throw new IllegalArgumentException(
          "unknown hyperparameter "
              + algorithm.id()
              + "."
              + name
              + " (known: "
              + String.join(", ", algorithm.params().keySet())
              + ")");
    }
    Map<Param, Values> params = spaces.get(algorithm);
    if (params == null) {
      return this;
    }
    Map<Param, Values> changed = new LinkedHashMap<>(params);
    changed.put(param, values);
    Map<Algorithm, Map<Param, Values>> copy = new LinkedHashMap<>(spaces);
    copy.put(algorithm, changed);
    return new SearchSpace(copy);
  }

  /** Applies a JSON or YAML search file (by extension: {@code .json}, else YAML). */
  public SearchSpace withFile(Path file) {
    JsonNode root;
    try {
      ObjectMapper mapper =
          file.toString().toLowerCase(Locale.ROOT).endsWith(".json")
              ? new ObjectMapper()
              : new ObjectMapper(new YAMLFactory());
      root = mapper.readTree(file.toFile());
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read search file " + file + ": " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(
          "search file " + file + " must hold an object of algorithms");
    }
    SearchSpace out = this;
    for (var algo : root.properties()) {
      Algorithm algorithm = Algorithm.parse(algo.getKey());
      if (!algo.getValue().isObject()) {
        throw new IllegalArgumentException(
            file + ": " + algo.getKey() + " must be an object of hyperparameters");
      }
      for (var param : algo.getValue().properties()) {
        out =
            out.with(
                algorithm,
                param.getKey().toLowerCase(Locale.ROOT),
                values(file, algo.getKey() + "." + param.getKey(), param.getValue()));
      }
    }
    return out;
  }

  private static Values values(Path file, String where, JsonNode node) {
    if (node.isNumber()) {
      return new Choices(List.of(node.asDouble()));
    }
    if (node.isArray()) {
      List<Double> list = new ArrayList<>();
      for (JsonNode v : node) {
        if (!v.isNumber()) {
          throw new IllegalArgumentException(file + ": " + where + " must hold numbers, got " + v);
        }
        list.add(v.asDouble());
      }
      return new Choices(list);
    }
    if (node.isObject() && node.has("min") && node.has("max")) {
      return new Range(
          node.get("min").asDouble(),
          node.get("max").asDouble(),
          node.path("log").asBoolean(false));
    }
    throw new IllegalArgumentException(
        file + ": " + where + " must be a number, a list or {min, max[, log]}");
  }

  /** Every combination of listed values, algorithm by algorithm, in a stable order. */
  public List<ModelSpec> grid() {
    List<ModelSpec> out = new ArrayList<>();
    for (var entry : spaces.entrySet()) {
      List<Map<String, Double>> combos = new ArrayList<>();
      combos.add(new LinkedHashMap<>());
      for (var param : entry.getValue().entrySet()) {
        if (!(param.getValue() instanceof Choices choices)) {
          throw new IllegalArgumentException(
              entry.getKey().id()
                  + "."
                  + param.getKey().name()
                  + " is a range; use --search random (or list values for a grid)");
        }
        List<Map<String, Double>> next = new ArrayList<>();
        for (Map<String, Double> combo : combos) {
          for (double v : choices.values()) {
            Map<String, Double> c = new LinkedHashMap<>(combo);
            c.put(param.getKey().name(), v);
            next.add(c);
          }
        }
        combos = next;
      }
      for (Map<String, Double> combo : combos) {
        out.add(entry.getKey().spec(combo));
      }
    }
    return out;
  }

  /**
   * {@code trials} seeded draws per algorithm (duplicates removed; integer hyperparameters
   * rounded).
   */
  public List<ModelSpec> random(int trials, long seed) {
    if (trials < 1) {
      throw new IllegalArgumentException("trials must be >= 1, got " + trials);
    }
    SplittableRandom random = new SplittableRandom(seed);
    List<ModelSpec> out = new ArrayList<>();
    for (var entry : spaces.entrySet()) {
      Set<ModelSpec> seen = new LinkedHashSet<>();
      for (int t = 0; t < trials; t++) {
        Map<String, Double> combo = new LinkedHashMap<>();
        for (var param : entry.getValue().entrySet()) {
          double v =
              switch (param.getValue()) {
                case Choices c -> c.values().get(random.nextInt(c.values().size()));
                case Range r when r.log() ->
                    Math.exp(
                        Math.log(r.min())
                            + random.nextDouble() * (Math.log(r.max()) - Math.log(r.min())));
                case Range r -> r.min() + random.nextDouble() * (r.max() - r.min());
              };
          if (param.getValue() instanceof Range && param.getKey().whole()) {
            v = Math.rint(v);
          } else if (param.getValue() instanceof Range) {
            v = Double.parseDouble(String.format(Locale.ROOT, "%.4g", v));
          }
          combo.put(param.getKey().name(), v);
        }
        seen.add(entry.getKey().spec(combo));
      }
      out.addAll(seen);
    }
    return out;
  }

  private static double number(String text, String context) {
    try {
      return Double.parseDouble(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "'" + text.trim() + "' is not a number in '" + context + "'", e);
    }
  }
}
