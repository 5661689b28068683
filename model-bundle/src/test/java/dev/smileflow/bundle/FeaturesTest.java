package dev.smileflow.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class FeaturesTest {
  private static final Feature.Numeric SIZE = new Feature.Numeric("size", 1.0, 9.0, 5.0, 2.0, null);
  private static final Feature.Categorical COLOUR =
      new Feature.Categorical("colour", List.of("red", "green"), false, null);
  private static final Feature.Numeric CONSTANT =
      new Feature.Numeric("constant", 3.0, 3.0, 3.0, 0.0, null);
  private static final List<Feature> FEATURES = List.of(SIZE, COLOUR, CONSTANT);

  private static Map<String, Object> row(
      @Nullable Object size, @Nullable Object colour, @Nullable Object constant) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("size", size);
    row.put("colour", colour);
    row.put("constant", constant);
    return row;
  }

  private static List<String> problems(Map<String, ?> row) {
    var e = assertThrows(InvalidInputException.class, () -> Features.encode(FEATURES, row));
    return e.errors().stream().map(FieldError::message).toList();
  }

  @Test
  void encodedNamesAreNumericNamesAndOneColumnPerCategoricalLevel() {
    assertEquals(
        List.of("size", "colour=red", "colour=green", "constant"), Features.encodedNames(FEATURES));
    assertEquals(4, Features.width(FEATURES));
  }

  @Test
  void numericIsStandardisedAndCategoricalIsOneHotInLevelOrder() {
    assertArrayEquals(new double[] {1.5, 0, 1, 0}, Features.encode(FEATURES, row(8, "green", 3)));
    assertArrayEquals(
        new double[] {-2.0, 1, 0, 0}, Features.encode(FEATURES, row(1.0, "red", 3.0)));
  }

  @Test
  void zeroStdEncodesAsZeroWhateverTheValue() {
    assertEquals(0.0, Features.encode(FEATURES, row(5, "red", 1e9))[3]);
  }

  @Test
  void anyJavaNumberTypeIsAccepted() {
    assertArrayEquals(
        new double[] {0.25, 1, 0, 0},
        Features.encode(FEATURES, row(new BigDecimal("5.5"), "red", 3L)));
    assertArrayEquals(
        new double[] {0.5, 1, 0, 0}, Features.encode(FEATURES, row(6.0f, "red", (short) 3)));
  }

  @Test
  void missingFieldsAreEachReportedAsRequired() {
    assertEquals(
        List.of("size: field required", "colour: field required", "constant: field required"),
        problems(Map.of()));
  }

  @Test
  void unknownFieldIsRejectedWithItsName() {
    Map<String, Object> row = row(5, "red", 3);
    row.put("weight", 2);
    assertEquals(List.of("weight: unknown field"), problems(row));
  }

  @Test
  void nullValuesAreRejected() {
    assertEquals(
        List.of("size: must not be null", "colour: must not be null", "constant: must not be null"),
        problems(row(null, null, null)));
  }

  @Test
  void wrongTypesNameTheJsonTypeThatArrived() {
    assertEquals(
        List.of(
            "size: must be a number (got string)",
            "colour: must be a string (got number)",
            "constant: must be a number (got boolean)"),
        problems(row("5", 1, true)));
    assertEquals(
        List.of(
            "size: must be a number (got object)",
            "colour: must be a string (got array)",
            "constant: must be a number (got array)"),
        problems(row(Map.of("v", 5), List.of("red"), new double[] {3})));
  }

  @Test
  void nonFiniteNumbersAreRejected() {
    assertEquals(
        List.of("size: must be a finite number", "constant: must be a finite number"),
        problems(row(Double.NaN, "red", Double.NEGATIVE_INFINITY)));
    assertEquals(
        List.of("size: must be a finite number"), problems(row(new BigDecimal("1e400"), "red", 3)));
  }

  @Test
  void unknownLevelListsTheExpectedLevels() {
    assertEquals(
        List.of("colour: unknown level 'purple' (expected one of: red, green)"),
        problems(row(5, "purple", 3)));
  }

  @Test
  void levelsAreCaseSensitive() {
    assertEquals(
        List.of("colour: unknown level 'Red' (expected one of: red, green)"),
        problems(row(5, "Red", 3)));
  }

  @Test
  void everyProblemIsReportedAtOnceFeaturesFirstThenUnknownFieldsByName() {
    Map<String, Object> row = new HashMap<>();
    row.put("zeta", 1);
    row.put("colour", "blue");
    row.put("alpha", 2);
    row.put("constant", Double.POSITIVE_INFINITY);
    var e = assertThrows(InvalidInputException.class, () -> Features.encode(FEATURES, row));
    assertEquals(
        List.of(
            "size: field required",
            "colour: unknown level 'blue' (expected one of: red, green)",
            "constant: must be a finite number",
            "alpha: unknown field",
            "zeta: unknown field"),
        e.errors().stream().map(FieldError::message).toList());
    assertEquals(
        "size: field required; colour: unknown level 'blue' (expected one of: red, green); "
            + "constant: must be a finite number; alpha: unknown field; zeta: unknown field",
        e.getMessage());
    assertEquals("INVALID_INPUT", e.code());
  }

  @Test
  void longUserValuesAreTruncatedInMessages() {
    String huge = "x".repeat(10_000);
    String message = problems(row(5, huge, 3)).getFirst();
    assertEquals(
        "colour: unknown level '" + "x".repeat(64) + "...' (expected one of: red, green)", message);
  }

  @Test
  void outOfRangeNamesNumericFieldsOutsideTheTrainingRange() {
    assertEquals(List.of(), Features.outOfRange(FEATURES, row(1, "red", 3)));
    assertEquals(List.of("size"), Features.outOfRange(FEATURES, row(9.5, "red", 3)));
    assertEquals(List.of("size", "constant"), Features.outOfRange(FEATURES, row(-1, "red", 3.1)));
    assertEquals(List.of(), Features.outOfRange(FEATURES, row("bad", null, Double.NaN)));
  }

  @Test
  void duplicateFeatureNamesAreRejected() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Features.validate(
                    List.of(SIZE, new Feature.Categorical("size", List.of("a"), false, null))));
    assertEquals("duplicate feature name: size", e.getMessage());
  }

  @Test
  void encodedNameClashesAreRejected() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Features.validate(
                    List.of(new Feature.Numeric("colour=red", 0, 1, 0, 1, null), COLOUR)));
    assertEquals("encoded column name clash: colour=red", e.getMessage());
  }

  private static final Feature.Numeric SIZE_FILLED =
      new Feature.Numeric("size", 1.0, 9.0, 5.0, 2.0, 4.0);
  private static final Feature.Categorical COLOUR_FILLED =
      new Feature.Categorical("colour", List.of("red", "green"), false, "green");
  private static final List<Feature> FILLED = List.of(SIZE_FILLED, COLOUR_FILLED);

  private static Map<String, Object> sizeAndColour(@Nullable Object size, @Nullable Object colour) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("size", size);
    row.put("colour", colour);
    return row;
  }

  @Test
  void nullOrAbsentFieldWithAFillIsEncodedAsTheFill() {
    double[] withFills = Features.encode(FILLED, sizeAndColour(4.0, "green"));
    assertArrayEquals(new double[] {-0.5, 0, 1}, withFills);
    assertArrayEquals(withFills, Features.encode(FILLED, Map.of()));
    assertArrayEquals(withFills, Features.encode(FILLED, sizeAndColour(null, null)));
    assertArrayEquals(new double[] {1.5, 0, 1}, Features.encode(FILLED, sizeAndColour(8, null)));
  }

  @Test
  void aFillDoesNotExcuseWrongTypesNonFiniteNumbersOrUnknownFields() {
    Map<String, Object> row = sizeAndColour(Double.NaN, 3);
    row.put("weight", 1);
    var e = assertThrows(InvalidInputException.class, () -> Features.encode(FILLED, row));
    assertEquals(
        List.of(
            "size: must be a finite number",
            "colour: must be a string (got number)",
            "weight: unknown field"),
        e.errors().stream().map(FieldError::message).toList());
    var unknownLevel =
        assertThrows(
            InvalidInputException.class, () -> Features.encode(FILLED, sizeAndColour(4, "purple")));
    assertEquals(
        "colour: unknown level 'purple' (expected one of: red, green)", unknownLevel.getMessage());
  }

  @Test
  void requiredIsTheAbsenceOfAFill() {
    assertTrue(SIZE.required());
    assertTrue(COLOUR.required());
    assertFalse(SIZE_FILLED.required());
    assertEquals(4.0, SIZE_FILLED.fill());
    assertEquals("green", COLOUR_FILLED.fill());
  }

  private static final Feature.Categorical SHAPE_WITH_OTHER =
      new Feature.Categorical("shape", List.of("other", "round"), true, null);

  @Test
  void otherBucketIsOneExtraColumnThatCannotClashWithARealLevelNamedOther() {
    assertEquals(
        List.of("shape=other", "shape=round", "shape=__other__"),
        Features.encodedNames(List.of(SHAPE_WITH_OTHER)));
    assertEquals(3, Features.width(List.of(SHAPE_WITH_OTHER)));
    assertArrayEquals(
        new double[] {1, 0, 0},
        Features.encode(List.of(SHAPE_WITH_OTHER), Map.of("shape", "other")));
  }

  @Test
  void rareAndUnseenLevelsBothGoToTheOtherBucket() {
    // "square" was folded in training as too rare; "hexagon" was never seen: the same column
    double[] bucket = {0, 0, 1};
    assertArrayEquals(
        bucket, Features.encode(List.of(SHAPE_WITH_OTHER), Map.of("shape", "square")));
    assertArrayEquals(
        bucket, Features.encode(List.of(SHAPE_WITH_OTHER), Map.of("shape", "hexagon")));
    assertArrayEquals(
        new double[] {0, 1, 0},
        Features.encode(List.of(SHAPE_WITH_OTHER), Map.of("shape", "round")));
  }

  @Test
  void otherBucketStillRequiresTheFieldWithoutAFill() {
    var e =
        assertThrows(
            InvalidInputException.class,
            () -> Features.encode(List.of(SHAPE_WITH_OTHER), Map.of()));
    assertEquals("shape: field required", e.getMessage());
  }

  @Test
  void aFillOutsideTheLevelsGoesToTheOtherBucket() {
    var shape = new Feature.Categorical("shape", List.of("round"), true, "square");
    assertArrayEquals(new double[] {0, 1}, Features.encode(List.of(shape), Map.of()));
  }

  @Test
  void aRealLevelNamedLikeTheBucketIsRefusedWhenTheBucketExists() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Feature.Categorical("shape", List.of("__other__"), true, null));
    assertEquals("feature shape: level '__other__' clashes with the other bucket", e.getMessage());
    assertEquals(
        List.of("shape=__other__"),
        Features.encodedNames(
            List.of(new Feature.Categorical("shape", List.of("__other__"), false, null))));
  }

  @Test
  void onlyTheOtherBucketIsAConstantColumn() {
    var shape = new Feature.Categorical("shape", List.of(), true, "square");
    assertEquals(List.of("shape=__other__"), Features.encodedNames(List.of(shape)));
    assertArrayEquals(new double[] {1}, Features.encode(List.of(shape), Map.of("shape", "any")));
  }

  @Test
  void fillsAreValidated() {
    assertThrows(
        IllegalArgumentException.class, () -> new Feature.Numeric("a", 0, 1, 0, 1, Double.NaN));
    assertEquals(
        "feature c: fill 'b' is not one of its levels",
        assertThrows(
                IllegalArgumentException.class,
                () -> new Feature.Categorical("c", List.of("a"), false, "b"))
            .getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> new Feature.Categorical("c", List.of("a"), true, " "));
    assertThrows(
        IllegalArgumentException.class, () -> new Feature.Categorical("c", List.of(), false, null));
  }

  @Test
  void featureValuesAreValidated() {
    assertThrows(IllegalArgumentException.class, () -> new Feature.Numeric(" ", 0, 1, 0, 1, null));
    assertThrows(IllegalArgumentException.class, () -> new Feature.Numeric("a", 2, 1, 0, 1, null));
    assertThrows(
        IllegalArgumentException.class, () -> new Feature.Numeric("a", 0, 1, Double.NaN, 1, null));
    assertThrows(IllegalArgumentException.class, () -> new Feature.Numeric("a", 0, 1, 0, -1, null));
    assertThrows(
        IllegalArgumentException.class, () -> new Feature.Categorical("c", List.of(), false, null));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Feature.Categorical("c", List.of("a", "a"), false, null));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Feature.Categorical("c", List.of(""), false, null));
    assertThrows(IllegalArgumentException.class, () -> Features.validate(List.of()));
  }

  @Test
  void valuesAMillionStandardDeviationsFromTheMeanAreRejectedAtTheirExactBounds() {
    assertEquals(-1_999_995.0, Features.lowestAccepted(SIZE));
    assertEquals(2_000_005.0, Features.highestAccepted(SIZE));
    Features.encode(FEATURES, row(2_000_005.0, "red", 3));
    Features.encode(FEATURES, row(-1_999_995.0, "red", 3));
    assertEquals(
        List.of(
            "size: must be within [-1999995.0, 2000005.0] (1000000.0 training standard deviations"
                + " of the mean)"),
        problems(row(-1.7976931348623157e308, "red", 3)));
    // A constant column encodes to 0 whatever the value: every finite number is accepted.
    assertEquals(-Double.MAX_VALUE, Features.lowestAccepted(CONSTANT));
    Features.encode(FEATURES, row(5.0, "red", Double.MAX_VALUE));
  }
}
