package dev.smileflow.train.tracking;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smileflow.train.data.Column;
import dev.smileflow.train.data.Table;
import java.nio.file.Path;

/**
 * The training data as MLflow's dataset input: name, digest (at most 36 characters), source, schema
 * ({@code {"mlflow_colspec": [...]}}) and a compact profile.
 */
public record DatasetInfo(
    String name, String digest, String sourceType, String source, String schema, String profile) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Describes {@code table}; {@code trainRows} rows are used for training. */
  public static DatasetInfo of(Table table, int trainRows) {
    String source = table.source();
    String name = source.replaceFirst("^.*[/\\\\:]", "").replaceFirst("\\.[^.]*$", "");
    ObjectNode schema = JSON.createObjectNode();
    ArrayNode colspec = schema.putArray("mlflow_colspec");
    for (Column c : table.columns()) {
      colspec
          .addObject()
          .put("type", c instanceof Column.Numeric ? "double" : "string")
          .put("name", c.name())
          .put("required", true);
    }
    colspec.addObject().put("type", "string").put("name", table.labelName()).put("required", true);
    ObjectNode profile =
        JSON.createObjectNode()
            .put("num_rows", table.rows())
            .put("num_elements", (long) table.rows() * (table.columns().size() + 1))
            .put("num_features", table.columns().size())
            .put("training_rows", trainRows)
            .put("missing_values", table.missingCount());
    ObjectNode classes = profile.putObject("classes");
    int[] counts = table.classCounts();
    for (int c = 0; c < counts.length; c++) {
      classes.put(table.classes().get(c), counts[c]);
    }
    String uri =
        source.startsWith("classpath:")
            ? source
            : Path.of(source).toAbsolutePath().toUri().toString();
    ObjectNode sourceJson = JSON.createObjectNode().put("uri", uri);
    return new DatasetInfo(
        name.isBlank() ? "data" : name,
        table.digest(),
        "local",
        sourceJson.toString(),
        schema.toString(),
        profile.toString());
  }
}
