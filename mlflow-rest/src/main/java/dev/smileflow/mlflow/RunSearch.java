package dev.smileflow.mlflow;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A {@code runs/search} request: MLflow filter syntax (e.g. {@code tags.mlflow.parentRunId = 'abc'
 * AND metrics.acc > 0.9}), order-by clauses ({@code metrics.acc DESC}), page size and token.
 *
 * @param viewType {@code ACTIVE_ONLY} (default), {@code DELETED_ONLY} or {@code ALL}
 */
public record RunSearch(
    List<String> experimentIds,
    @Nullable String filter,
    List<String> orderBy,
    int maxResults,
    @Nullable String pageToken,
    String viewType) {

  public RunSearch {
    experimentIds = List.copyOf(experimentIds);
    if (experimentIds.isEmpty()) {
      throw new IllegalArgumentException("run search needs at least one experiment id");
    }
    orderBy = orderBy == null ? List.of() : List.copyOf(orderBy);
    if (maxResults < 1 || maxResults > 50_000) {
      throw new IllegalArgumentException("maxResults must be within 1..50000, got " + maxResults);
    }
    viewType = viewType == null ? "ACTIVE_ONLY" : viewType;
    if (!List.of("ACTIVE_ONLY", "DELETED_ONLY", "ALL").contains(viewType)) {
      throw new IllegalArgumentException(
          "viewType must be ACTIVE_ONLY, DELETED_ONLY or ALL, got " + viewType);
    }
  }

  /** Active runs of one experiment matching {@code filter} (null: all), 1000 per page. */
  public static RunSearch of(String experimentId, @Nullable String filter) {
    return new RunSearch(List.of(experimentId), filter, List.of(), 1000, null, "ACTIVE_ONLY");
  }

  public RunSearch orderBy(List<String> clauses) {
    return new RunSearch(experimentIds, filter, clauses, maxResults, pageToken, viewType);
  }

  public RunSearch pageToken(@Nullable String token) {
    return new RunSearch(experimentIds, filter, orderBy, maxResults, token, viewType);
  }
}
