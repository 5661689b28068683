package dev.smileflow.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smileflow.mlflow.MlflowException;
import dev.smileflow.train.data.DataError;
import dev.smileflow.train.data.DataException;
import dev.smileflow.train.search.SearchException;
import dev.smileflow.train.search.UnservableModelException;
import org.junit.jupiter.api.Test;

class ExitCodesTest {
  @Test
  void everyFailureTypeHasItsOwnExitCode() {
    assertEquals(2, ExitCodes.of(new UsageException("x")));
    assertEquals(3, ExitCodes.of(new DataException(DataError.EMPTY, "x")));
    assertEquals(
        4, ExitCodes.of(new MlflowException(MlflowException.Kind.UNAVAILABLE, 0, null, "down")));
    assertEquals(5, ExitCodes.of(new SearchException("x")));
    assertEquals(6, ExitCodes.of(new UnservableModelException("x")));
    assertEquals(130, ExitCodes.of(new JobInterruptedException("x")));
    assertEquals(130, ExitCodes.of(new InterruptedException("x")));
    assertEquals(1, ExitCodes.of(new IllegalStateException("bug")));
  }

  @Test
  void reasonIsOneLineWithTheKind() {
    assertEquals(
        "error: bad data: first line",
        ExitCodes.reason(new DataException(DataError.EMPTY, "first line\nsecond line")));
  }

  @Test
  void aReasonWithOneErrorPerRowIsCutToAReadableLine() {
    String reason =
        ExitCodes.reason(new IllegalStateException("[0].x: field required; ".repeat(1000)));
    assertTrue(reason.length() < ExitCodes.MAX_REASON + 100, reason);
    assertTrue(reason.endsWith("(23000 characters)"), reason);
  }
}
