package dev.smileflow.mlflow;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A dataset used by a run, with input tags such as {@value #CONTEXT_TAG} ({@code training}, {@code
 * test}...).
 */
public record DatasetInput(List<Tag> tags, Dataset dataset) {

  /** The input tag MLflow shows as the dataset's context. */
  public static final String CONTEXT_TAG = "mlflow.data.context";

  public DatasetInput {
    Objects.requireNonNull(dataset, "dataset");
    tags = tags == null ? List.of() : List.copyOf(tags);
    for (Tag t : tags) {
      if (t.key().length() > 255 || t.value().length() > 500) {
        throw new IllegalArgumentException(
            "dataset input tag '"
                + t.key()
                + "' too long (key at most 255, value at most 500 characters)");
      }
    }
  }

  /** A dataset input with context tag {@value #CONTEXT_TAG} = {@code context}. */
  public static DatasetInput of(Dataset dataset, String context) {
    return new DatasetInput(List.of(new Tag(CONTEXT_TAG, context)), dataset);
  }

  /** The context tag's value, if set. */
  public Optional<String> context() {
    return tags.stream().filter(t -> t.key().equals(CONTEXT_TAG)).map(Tag::value).findFirst();
  }
}
