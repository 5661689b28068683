package dev.smileflow.train.search;

/** The search could not produce a model (e.g. every candidate failed to fit). */
public final class SearchException extends RuntimeException {
  public SearchException(String message) {
    super(message);
  }
}
