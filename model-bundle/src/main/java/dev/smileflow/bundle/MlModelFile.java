package dev.smileflow.bundle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The MLflow {@code MLmodel} file of a bundle: a {@code smile} flavor (no {@code python_function}),
 * a signature with one column per feature ({@code double} for numeric, {@code string} for
 * categorical; inputs with an imputation fill are not required) and the output {@code label}, the
 * saved input example, the model size, and metadata with the class labels and the model's SHA-256.
 * Signature inputs and outputs are JSON strings inside the YAML, as MLflow writes them. Keys are
 * written sorted, as MLflow's {@code to_yaml} does.
 *
 * <p>{@link ModelBundle#write} writes one with the MLflow ids its operator sets (none for the
 * identity); it can be rewritten once they are known: {@code
 * MlModelFile.builder(written).modelId(id).runId(run).artifactPath(uri).write(dir)}.
 */
public final class MlModelFile {
  /** The file name MLflow expects. */
  public static final String FILE_NAME = "MLmodel";

  /** The flavor name under {@code flavors}. */
  public static final String FLAVOR = "smile";

  private static final YAMLMapper YAML =
      YAMLMapper.builder(
              YAMLFactory.builder()
                  .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                  .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                  .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
                  .disable(YAMLGenerator.Feature.SPLIT_LINES)
                  .build())
          .build();
  private static final DateTimeFormatter UTC_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

  private MlModelFile() {}

  /** One column of a signature: an MLflow ColSpec. */
  public record ColumnSpec(String name, String type, boolean required) {
    public ColumnSpec {
      if (name.isBlank() || type.isBlank()) {
        throw new IllegalArgumentException("a column spec needs a name and a type");
      }
    }
  }

  /** A model signature: input and output columns. */
  public record Signature(List<ColumnSpec> inputs, List<ColumnSpec> outputs) {
    public Signature {
      inputs = List.copyOf(inputs);
      outputs = List.copyOf(outputs);
    }
  }

  /**
   * The signature of a model with these features: one input per feature, output {@code label}. An
   * input is {@code "required": false} when the feature has an imputation fill (a null or absent
   * value is imputed), as MLflow marks optional columns; every other input is required.
   */
  public static Signature signatureOf(List<Feature> features) {
    List<ColumnSpec> inputs = new ArrayList<>();
    for (Feature f : features) {
      inputs.add(
          new ColumnSpec(
              f.name(),
              switch (f) {
                case Feature.Numeric _ -> "double";
                case Feature.Categorical _ -> "string";
              },
              f.required()));
    }
    return new Signature(inputs, List.of(new ColumnSpec("label", "string", true)));
  }

  /** Starts an MLmodel for a written bundle's descriptor (it must carry the model checksum). */
  public static Builder builder(BundleDescriptor written) {
    return new Builder(written);
  }

  /** Sets the MLflow-side fields; everything else comes from the descriptor. */
  public static final class Builder {
    private final BundleDescriptor descriptor;
    private @Nullable String artifactPath;
    private @Nullable String modelId;
    private @Nullable String runId;

    private Builder(BundleDescriptor descriptor) {
      if (descriptor.modelSha256() == null) {
        throw new IllegalArgumentException(
            "the descriptor has no model checksum yet: write the bundle first");
      }
      this.descriptor = descriptor;
    }

    /** {@code artifact_path}: for an MLflow 3 LoggedModel, its artifact location URI. */
    public Builder artifactPath(String value) {
      this.artifactPath = BundleDescriptor.requireText("artifact_path", value);
      return this;
    }

    /** {@code model_id} (and {@code model_uuid}, which MLflow 3 sets to the same id). */
    public Builder modelId(String value) {
      this.modelId = BundleDescriptor.requireText("model_id", value);
      return this;
    }

    /** {@code run_id}: the run that produced the model. */
    public Builder runId(String value) {
      this.runId = BundleDescriptor.requireText("run_id", value);
      return this;
    }

    /** The YAML text. */
    public String build() {
      ObjectNode root = YAML.createObjectNode();
      if (artifactPath != null) {
        root.put("artifact_path", artifactPath);
      }
      ObjectNode smile = root.putObject("flavors").putObject(FLAVOR);
      smile.put("descriptor_file", ModelBundle.DESCRIPTOR_FILE);
      smile.put("format_version", descriptor.formatVersion());
      smile.put("java_version", descriptor.javaVersion());
      smile.put("model_file", ModelBundle.MODEL_FILE);
      smile.put("smile_version", descriptor.smileVersion());
      ObjectNode metadata = root.putObject("metadata");
      metadata.put("algorithm", descriptor.algorithm());
      ArrayNode labels = metadata.putArray("class_labels");
      descriptor.classLabels().forEach(labels::add);
      metadata.put("format_version", descriptor.formatVersion());
      metadata.put("label_column", descriptor.labelColumn());
      metadata.put("model_sha256", descriptor.modelSha256());
      if (modelId != null) {
        root.put("model_id", modelId);
      }
      root.put("model_size_bytes", descriptor.modelSizeBytes());
      if (modelId != null) {
        root.put("model_uuid", modelId);
      }
      if (runId != null) {
        root.put("run_id", runId);
      }
      ObjectNode example = root.putObject("saved_input_example_info");
      example.put("artifact_path", ModelBundle.INPUT_EXAMPLE_FILE);
      example.put("serving_input_path", ModelBundle.SERVING_INPUT_FILE);
      example.put("type", "json_object");
      Signature signature = signatureOf(descriptor.features());
      ObjectNode sig = root.putObject("signature");
      sig.put("inputs", columnsJson(signature.inputs()));
      sig.put("outputs", columnsJson(signature.outputs()));
      sig.putNull("params");
      root.put("utc_time_created", UTC_TIME.format(descriptor.createdAt()));
      try {
        return YAML.writeValueAsString(root);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot write MLmodel YAML", e);
      }
    }

    /** Writes {@code MLmodel} into {@code dir}, replacing any existing one; returns its path. */
    public Path write(Path dir) throws IOException {
      Path file = dir.resolve(FILE_NAME);
      ModelBundle.writeAtomically(file, build().getBytes(StandardCharsets.UTF_8));
      return file;
    }

    private static String columnsJson(List<ColumnSpec> columns) {
      ArrayNode array = DescriptorJson.JSON.createArrayNode();
      for (ColumnSpec c : columns) {
        array.addObject().put("type", c.type()).put("name", c.name()).put("required", c.required());
      }
      // Compact, one line: MLflow's UI and Python reader parse it with a plain JSON parser.
      return array.toString();
    }
  }
}
