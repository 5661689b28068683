package dev.smileflow.train.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each {@link Algorithm.Param} declaration agrees with the record, its params and the search. */
class AlgorithmTest {
  /**
   * A value per hyperparameter, distinct within the algorithm and inside each range: a spec that
   * put a value in the wrong field would show it.
   */
  private static Map<String, Double> distinctValues(Algorithm algorithm) {
    Map<String, Double> values = new LinkedHashMap<>();
    int n = algorithm.params().size();
    int i = 0;
    for (Algorithm.Param p : algorithm.params().values()) {
      double v = p.min() + (p.max() - p.min()) * ++i / (n + 1);
      values.put(p.name(), p.whole() ? Math.rint(v) : v);
    }
    return values;
  }

  private static String snakeCase(String camelCase) {
    return camelCase.replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT);
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void declaredHyperparametersAreTheRecordsComponentsAndItsLoggedParams(Algorithm algorithm)
      throws ReflectiveOperationException {
    Map<String, Double> values = distinctValues(algorithm);
    ModelSpec spec = algorithm.spec(values);
    Map<String, String> logged = new LinkedHashMap<>(spec.params());
    if (algorithm == Algorithm.SVM) {
      assertEquals("gaussian", logged.remove("kernel"), "svm logs its fixed kernel too");
    }
    List<String> components = new ArrayList<>();
    for (RecordComponent c : spec.getClass().getRecordComponents()) {
      String name = snakeCase(c.getName());
      components.add(name);
      Algorithm.Param p = Objects.requireNonNull(algorithm.params().get(name), name + " declared");
      double expected = Objects.requireNonNull(values.get(name));
      assertEquals(p.whole() ? int.class : double.class, c.getType(), name + " whole or real");
      Number value = (Number) c.getAccessor().invoke(spec);
      assertEquals(expected, value.doubleValue(), name + " reaches its own field");
      assertEquals(ModelSpec.num(expected), logged.get(name), name + " logged");
    }
    assertEquals(components, List.copyOf(logged.keySet()), "record components, in order, logged");
    assertEquals(algorithm.params().keySet(), logged.keySet());
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void defaultGridValuesLieInTheirDeclaredRanges(Algorithm algorithm) {
    for (Algorithm.Param p : algorithm.params().values()) {
      for (double v : p.defaults()) {
        assertTrue(v >= p.min() && v <= p.max(), p.name() + " default " + v);
        assertTrue(!p.whole() || v == Math.rint(v), p.name() + " default " + v + " whole");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void eachRecordChecksEveryValueAgainstItsOwnDeclaredRange(Algorithm algorithm) {
    for (Algorithm.Param p : algorithm.params().values()) {
      Map<String, Double> values = distinctValues(algorithm);
      values.put(p.name(), p.max() + 1);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> algorithm.spec(values));
      assertEquals(
          algorithm.id()
              + "."
              + p.name()
              + " must be in ["
              + ModelSpec.num(p.min())
              + ", "
              + ModelSpec.num(p.max())
              + "], got "
              + ModelSpec.num(p.max() + 1),
          e.getMessage());
    }
  }

  @ParameterizedTest
  @EnumSource(Algorithm.class)
  void randomSearchRoundsExactlyTheWholeHyperparameters(Algorithm algorithm) {
    for (Algorithm.Param p : algorithm.params().values()) {
      double x = p.defaults().getFirst() + 0.25;
      String name = algorithm.id() + "." + p.name();
      ModelSpec drawn =
          SearchSpace.defaults(List.of(algorithm))
              .with(name + "=" + x + ":" + x)
              .random(1, 1)
              .get(0);
      double value = Double.parseDouble(drawn.params().get(p.name()));
      assertEquals(p.whole(), value == Math.rint(value), name + " drawn as " + value);
    }
  }
}
