package dev.smileflow.mlflow.testing;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.constantpool.StringEntry;
import java.util.List;
import java.util.stream.StreamSupport;

/**
 * An ArchUnit condition for the modules that use mlflow-rest: {@code models:/} URIs are parsed and
 * printed only by {@code dev.smileflow.mlflow.ModelUri}. ArchUnit does not see call arguments, so
 * the condition reads the class file: a class that sniffs or builds such a URI holds a string
 * constant (or a concatenation recipe) beginning with {@code models:}.
 */
public final class ModelUriParsing {
  /** Holds no string constant beginning with {@code models:}. */
  public static final ArchCondition<JavaClass> LEFT_TO_MODEL_URI =
      new ArchCondition<>("leave models:/ URIs to ModelUri (no string constant \"models:…\")") {
        @Override
        public void check(JavaClass c, ConditionEvents events) {
          for (String s : stringConstants(c)) {
            if (s.regionMatches(true, 0, "models:", 0, "models:".length())) {
              events.add(SimpleConditionEvent.violated(c, c.getName() + " holds \"" + s + "\""));
            }
          }
        }
      };

  private ModelUriParsing() {}

  /** The string constants in {@code c}'s class file. */
  public static List<String> stringConstants(JavaClass c) {
    try (InputStream in = c.getSource().orElseThrow().getUri().toURL().openStream()) {
      return StreamSupport.stream(
              ClassFile.of().parse(in.readAllBytes()).constantPool().spliterator(), false)
          .filter(StringEntry.class::isInstance)
          .map(e -> ((StringEntry) e).stringValue())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the class file of " + c.getName(), e);
    }
  }
}
