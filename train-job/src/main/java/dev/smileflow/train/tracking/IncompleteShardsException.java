package dev.smileflow.train.tracking;

/**
 * A sharded search cannot go on: a shard has not logged its share in time, or the parent run the
 * shards share has not appeared. The message names the shards.
 */
public final class IncompleteShardsException extends RuntimeException {
  public IncompleteShardsException(String message) {
    super(message);
  }
}
