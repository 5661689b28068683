package dev.smileflow.mlflow;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * Makes a create/append call safe to repeat: after an {@link Transport.AmbiguousFailure} (the
 * request may have taken effect) it looks the result up, and only re-sends when the look-up proves
 * it did not.
 */
final class Idempotent {

  private Idempotent() {}

  /**
   * For calls that MLflow rejects when repeated (e.g. {@code runs/outputs}, LoggedModel params:
   * "UNIQUE constraint failed"): re-sends only after a look-up, and treats a rejection as success
   * when {@code alreadyDone} holds.
   */
  static void apply(
      Transport transport,
      String what,
      Runnable send,
      java.util.function.BooleanSupplier alreadyDone) {
    call(
        transport,
        what,
        () -> {
          try {
            send.run();
          } catch (MlflowException e) {
            if (e.kind() != MlflowException.Kind.INVALID || !alreadyDone.getAsBoolean()) {
              throw e;
            }
          }
          return Boolean.TRUE;
        },
        () -> alreadyDone.getAsBoolean() ? Optional.of(Boolean.TRUE) : Optional.empty());
  }

  static <T> T call(
      Transport transport, String what, Supplier<T> send, Supplier<Optional<T>> lookup) {
    int rounds = transport.config().maxRetries() + 1;
    for (int round = 1; ; round++) {
      try {
        return send.get();
      } catch (Transport.AmbiguousFailure ambiguous) {
        if (round >= rounds) {
          throw ambiguous.failure();
        }
        transport.pause(round);
        Optional<T> found;
        try {
          found = lookup.get();
        } catch (MlflowException lookupFailed) {
          throw new MlflowException(
              lookupFailed.kind(),
              lookupFailed.httpStatus(),
              lookupFailed.errorCode(),
              what
                  + " may or may not have taken effect (the response was lost"
                  + " and the look-up failed): "
                  + lookupFailed.message(),
              lookupFailed);
        }
        if (found.isPresent()) {
          return found.get();
        }
      }
    }
  }
}
