package dev.smileflow.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.smileflow.mlflow.MlflowException;
import dev.smileflow.train.data.DataError;
import dev.smileflow.train.data.DataException;
import dev.smileflow.train.search.SearchException;
import org.junit.jupiter.api.Test;

class ExitCodesTest {
  @Test
  void everyFailureTypeHasItsOwnExitCode() {
    assertEquals(2, ExitCodes.of(new UsageException("x")));
    assertEquals(3, ExitCodes.of(new DataException(DataError.EMPTY, "x")));
    assertEquals(
        4, ExitCodes.of(new MlflowException(MlflowException.Kind.UNAVAILABLE, 0, null, "down")));
    assertEquals(5, ExitCodes.of(new SearchException("x")));
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
}
