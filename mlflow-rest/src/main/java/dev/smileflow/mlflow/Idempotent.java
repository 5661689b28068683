package dev.smileflow.mlflow;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a create/append call safe to repeat and safe to race.
 *
 * <p>{@link #call}: after an {@link Transport.AmbiguousFailure} (the request may have taken effect)
 * it looks the result up, and only re-sends when the look-up proves it did not.
 *
 * <p>{@link #ensure}: create-if-absent for things other writers may create at the same moment (an
 * experiment, a registered model, a dataset, an experiment tag, an alias). A thing that exists with
 * the same identity is success, whoever created it. MLflow rejects the loser of such a race in two
 * ways: {@code RESOURCE_ALREADY_EXISTS} where the server checks (experiments, registered models),
 * and {@code 400 BAD_REQUEST} where its own look-up-then-insert loses to a concurrent insert (the
 * database's unique-constraint error, e.g. on {@code datasets} or {@code experiment_tags}). The
 * latter's code is the one MLflow uses for every database error, so the code alone cannot tell a
 * lost race from a bad request; the look-up can. On any rejection ({@link #REJECTIONS}) the result
 * is looked up: present is success. Absent, the call is sent once more: the row the other writer
 * inserted was committed before our rejection came back, so the server's own check now finds it and
 * takes its update path. A second rejection is the answer.
 */
final class Idempotent {

  private static final Logger LOG = LoggerFactory.getLogger(Idempotent.class);

  /**
   * Kinds of failure a concurrent writer can cause: the server answered, and refused this write.
   */
  static final Set<MlflowException.Kind> REJECTIONS =
      EnumSet.of(
          MlflowException.Kind.ALREADY_EXISTS,
          MlflowException.Kind.CONFLICT,
          MlflowException.Kind.INVALID);

  private Idempotent() {}

  /** {@link #ensure(Transport, String, Supplier, Supplier)} for a call without a result. */
  static void ensure(Transport transport, String what, Runnable send, BooleanSupplier done) {
    ensure(
        transport,
        what,
        () -> {
          send.run();
          return Boolean.TRUE;
        },
        () -> done.getAsBoolean() ? Optional.of(Boolean.TRUE) : Optional.empty());
  }

  /**
   * Create-if-absent: {@code send} creates the thing, {@code lookup} finds it by its identity
   * (empty when absent). Returns what {@code send} returned, or what {@code lookup} found after a
   * rejection or a lost response.
   */
  static <T> T ensure(
      Transport transport, String what, Supplier<T> send, Supplier<Optional<T>> lookup) {
    boolean resent = false;
    while (true) {
      try {
        return call(transport, what, send, lookup);
      } catch (MlflowException rejected) {
        if (!REJECTIONS.contains(rejected.kind())) {
          throw rejected;
        }
        Optional<T> found =
            lookUp(lookup, rejected, what + " was refused and the look-up for its result failed");
        if (found.isPresent()) {
          LOG.info("{}: already done (by a concurrent writer or an earlier attempt)", what);
          return found.get();
        }
        if (resent) {
          throw rejected;
        }
        LOG.info("{} was refused ({}); sending it once more", what, rejected.kind());
        resent = true;
      }
    }
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
        LOG.warn(
            "{}: the response was lost ({}); looking up whether it took effect",
            what,
            ambiguous.failure().message());
        transport.pause(round);
        Optional<T> found =
            lookUp(
                lookup,
                ambiguous.failure(),
                what
                    + " may or may not have taken effect (the response was lost and the look-up"
                    + " failed)");
        LOG.info(
            "{}: {}",
            what,
            found.isPresent() ? "it had taken effect" : "it had not; sending again");
        if (found.isPresent()) {
          return found.get();
        }
      }
    }
  }

  private static <T> Optional<T> lookUp(
      Supplier<Optional<T>> lookup, MlflowException why, String outcome) {
    try {
      return lookup.get();
    } catch (MlflowException lookupFailed) {
      MlflowException e =
          new MlflowException(
              lookupFailed.kind(),
              lookupFailed.httpStatus(),
              lookupFailed.errorCode(),
              outcome + ": " + lookupFailed.message(),
              lookupFailed);
      e.addSuppressed(why);
      throw e;
    }
  }
}
