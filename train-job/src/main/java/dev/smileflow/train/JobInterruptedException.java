package dev.smileflow.train;

/** The job was interrupted (SIGINT/SIGTERM or thread interrupt); exit code 130. */
public final class JobInterruptedException extends RuntimeException {
  public JobInterruptedException(String message) {
    super(message);
  }
}
