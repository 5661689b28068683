package dev.smileflow.train.tracking;

import dev.smileflow.train.data.Column;
import dev.smileflow.train.data.Table;
import java.util.Locale;

/**
 * The training data as MLflow's dataset input: name, digest (at most 36 characters), source, schema ({@code
 * {"mlflow_colspec": [...]}}) and a compact profile.
 */
public record DatasetInfo(String name, String digest, String sourceType, String source, String schema, String profile) {
  /** Describes {@code table}; {@code trainRows} rows are used for training. */
  public static DatasetInfo of(Table table, int trainRows) {
    String source = table.source();
    String name = source.replaceFirst("^.*[/\\\\:]", "").replaceFirst("\\.[^.]*$", "");
    StringBuilder schema = new StringBuilder("{\"mlflow_colspec\": [");
    for (Column c : table.columns()) {
      schema.append(String.format(Locale.ROOT, "{\"type\": \"%s\", \"name\": %s, \"required\": true}, ",
          c instanceof Column.Numeric ? "double" : "string", quote(c.name())));
    }
    schema.append(String.format(Locale.ROOT, "{\"type\": \"string\", \"name\": %s, \"required\": true}]}",
        quote(table.labelName())));
    StringBuilder classes = new StringBuilder("{");
    int[] counts = table.classCounts();
    for (int c = 0; c < counts.length; c++) {
      classes.append(c == 0 ? "" : ", ").append(quote(table.classes().get(c))).append(": ").append(counts[c]);
    }
    classes.append('}');
    String profile = String.format(Locale.ROOT,
        "{\"num_rows\": %d, \"num_elements\": %d, \"num_features\": %d, \"training_rows\": %d, \"missing_values\": %d,"
            + " \"classes\": %s}", table.rows(), (long) table.rows() * (table.columns().size() + 1),
        table.columns().size(), trainRows, table.missingCount(), classes);
    String sourceJson = source.startsWith("classpath:") ? "{\"uri\": " + quote(source) + "}"
        : "{\"uri\": " + quote(java.nio.file.Path.of(source).toAbsolutePath().toUri().toString()) + "}";
    return new DatasetInfo(name.isBlank() ? "data" : name, table.digest(), "local", sourceJson, schema.toString(),
        profile);
  }

  static String quote(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        default -> {
          if (ch < 0x20) {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
          } else {
            out.append(ch);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
