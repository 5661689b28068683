package dev.smileflow.train;

import dev.smileflow.mlflow.MlflowException;
import dev.smileflow.train.data.DataException;
import dev.smileflow.train.search.SearchException;
import dev.smileflow.train.search.UnservableModelException;
import dev.smileflow.train.tracking.IncompleteShardsException;
import picocli.CommandLine;

/** The one mapping from failure types to process exit codes. */
final class ExitCodes {
  static final int OK = 0;
  static final int INTERNAL = 1;
  static final int USAGE = 2;
  static final int DATA = 3;
  static final int MLFLOW = 4;
  static final int TRAINING = 5;
  static final int UNSERVABLE = 6;
  static final int SHARDS = 7;
  static final int INTERRUPTED = 130;

  /** The longest reason printed; a longer first line (e.g. one error per row) is cut. */
  static final int MAX_REASON = 400;

  private ExitCodes() {}

  /** The exit code for a failure. */
  static int of(Throwable failure) {
    return switch (failure) {
      case CommandLine.ParameterException e -> USAGE;
      case UsageException e -> USAGE;
      case DataException e -> DATA;
      case MlflowException e -> MLFLOW;
      case SearchException e -> TRAINING;
      case UnservableModelException e -> UNSERVABLE;
      case IncompleteShardsException e -> SHARDS;
      case JobInterruptedException e -> INTERRUPTED;
      case InterruptedException e -> INTERRUPTED;
      default -> INTERNAL;
    };
  }

  /** A one-line reason for the failure, prefixed with its kind. */
  static String reason(Throwable failure) {
    String kind =
        switch (of(failure)) {
          case USAGE -> "bad arguments";
          case DATA -> "bad data";
          case MLFLOW -> "MLflow failure";
          case TRAINING -> "training failed";
          case UNSERVABLE -> "model not registered";
          case SHARDS -> "sharded search incomplete";
          case INTERRUPTED -> "interrupted";
          default -> "internal error (" + failure.getClass().getName() + ")";
        };
    String message = failure.getMessage() == null ? failure.toString() : failure.getMessage();
    String line = message.lines().findFirst().orElse("");
    if (line.length() > MAX_REASON) {
      line = line.substring(0, MAX_REASON) + "... (" + line.length() + " characters)";
    }
    return "error: " + kind + ": " + line;
  }
}
