package dev.smileflow.api.model;

import dev.smileflow.bundle.BundleException;
import dev.smileflow.bundle.Feature;
import dev.smileflow.bundle.InvalidInputException;
import dev.smileflow.bundle.LoadedModel;
import dev.smileflow.bundle.ModelBundle;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Adapter to the model-bundle module: {@link ModelBundle#load} verifies the SHA-256 of the
 * serialized model, then deserializes it through the allow-list filter with depth and size limits,
 * and runs its own warm-up prediction. Its refusals become {@link ModelRejectedException}s carrying
 * the bundle's code.
 */
public final class SmileBundleReader implements BundleReader {

  @Override
  public LoadedBundle read(Path dir) {
    LoadedModel model;
    try {
      model = ModelBundle.load(dir);
    } catch (BundleException e) {
      throw new ModelRejectedException(e.code().name(), e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new ModelRejectedException(
          "LOAD_FAILED", "cannot load " + dir.getFileName() + ": " + e, e);
    }
    var d = model.descriptor();
    List<InputField> inputs = d.features().stream().map(SmileBundleReader::field).toList();
    Scorer scorer =
        row -> {
          try {
            var p = model.predict(row);
            return new Prediction(p.label(), Math.min(1.0, p.confidence()), p.probabilities());
          } catch (InvalidInputException e) {
            throw new InvalidRowException(
                e.errors().stream().map(f -> new FieldProblem(f.field(), f.problem())).toList());
          }
        };
    return new LoadedBundle(
        scorer,
        inputs,
        d.classLabels(),
        d.algorithm(),
        d.metrics(),
        model.inputExample(),
        Objects.requireNonNull(d.modelSha256(), "a loaded bundle has a checksum"));
  }

  private static InputField field(Feature f) {
    return switch (f) {
      case Feature.Numeric n -> new InputField.Numeric(n.name(), n.min(), n.max());
      case Feature.Categorical c -> new InputField.Categorical(c.name(), c.levels());
    };
  }
}
