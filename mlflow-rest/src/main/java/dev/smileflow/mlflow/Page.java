package dev.smileflow.mlflow;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** One page of search results; pass {@link #nextPageToken()} back to get the next one. */
public record Page<T>(List<T> items, @Nullable String nextPageToken) {
  public Page {
    items = List.copyOf(items);
    nextPageToken = nextPageToken == null || nextPageToken.isEmpty() ? null : nextPageToken;
  }
}
