package dev.smileflow.train.search;

import java.util.Objects;

/**
 * The model written for upload does not serve as the model that was trained: the serving loader
 * refused its files, or it predicts a hold-out row differently. Nothing may be registered.
 */
public final class UnservableModelException extends RuntimeException {
  public UnservableModelException(String message) {
    super(message);
  }

  public UnservableModelException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Never null: every constructor takes the message. */
  @Override
  public String getMessage() {
    return Objects.requireNonNull(super.getMessage());
  }
}
