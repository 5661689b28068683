package dev.smileflow.api;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.smileflow.bundle.ModelBundle;
import dev.smileflow.mlflow.ModelUri;
import dev.smileflow.mlflow.testing.ModelUriParsing;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The api's internal dependency rules. */
class ArchitectureTest {
  static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.smileflow.api");
  }

  @Test
  void theModelPackageKnowsNothingOfHttp() {
    noClasses()
        .that()
        .resideInAPackage("dev.smileflow.api.model..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.javalin..", "dev.smileflow.api.http..", "org.eclipse.jetty..")
        .check(classes);
  }

  @Test
  void servingMonitorSeesRowsNotRequests() {
    // the prediction log and drift get served rows handed over; they never reach into HTTP or the
    // registry, so they cannot slow or fail a request beyond the hand-over
    noClasses()
        .that()
        .resideInAPackage("dev.smileflow.api.monitor..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.javalin..",
            "org.eclipse.jetty..",
            "dev.smileflow.api.http..",
            "dev.smileflow.api.model..")
        .check(classes);
  }

  @Test
  void metricsDependOnNeitherModelNorHttp() {
    noClasses()
        .that()
        .resideInAPackage("dev.smileflow.api.metrics..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.smileflow.api.model..", "dev.smileflow.api.http..")
        .check(classes);
  }

  @Test
  void onlyTheRegistryAdapterTouchesTheMlflowClient() {
    classes()
        .that()
        .resideInAPackage("dev.smileflow.api..")
        .and()
        .haveNameNotMatching(".*\\.(MlflowRegistry|ApiConfig|Main)(\\$.*)?")
        .should()
        .onlyDependOnClassesThat(
            resideOutsideOfPackage("dev.smileflow.mlflow..").or(belongToAnyOf(ModelUri.class)))
        .check(classes);
  }

  @Test
  void onlyMlflowRestParsesModelUris() {
    classes()
        .that()
        .resideInAPackage("dev.smileflow.api..")
        .should(ModelUriParsing.LEFT_TO_MODEL_URI)
        .check(classes);
  }

  @Test
  void onlyTheFetcherLoadsBundles() {
    noClasses()
        .that()
        .resideInAPackage("dev.smileflow.api..")
        .and()
        .doNotHaveSimpleName("ModelFetcher")
        .should()
        .callMethod(ModelBundle.class, "load", Path.class)
        .check(classes);
  }

  @Test
  void onlyMainReadsTheEnvironment() {
    noClasses()
        .that()
        .resideInAPackage("dev.smileflow.api..")
        .and()
        .doNotHaveSimpleName("Main")
        .should()
        .callMethod(System.class, "getenv")
        .orShould()
        .callMethod(System.class, "getenv", String.class)
        .check(classes);
  }

  @Test
  void onlyTheAuthHandlerComparesApiKeys() {
    noClasses()
        .that()
        .resideInAPackage("dev.smileflow.api..")
        .and()
        .doNotHaveSimpleName("ApiKeyAuth")
        .should()
        .callMethod(MessageDigest.class, "isEqual", byte[].class, byte[].class)
        .check(classes);
  }

  @Test
  void responsesAreRecordsNotMapsBuiltInTheHttpLayer() {
    // Only the request parser builds maps: a parsed JSON object is the row model-bundle takes.
    noClasses()
        .that()
        .resideInAPackage("dev.smileflow.api.http..")
        .and()
        .doNotHaveSimpleName("JsonBodies")
        .should()
        .callCodeUnitWhere(
            DescribedPredicate.<JavaCall<?>>describe(
                "a Map constructor or Map.of",
                call ->
                    call.getTargetOwner().isAssignableTo(Map.class)
                        && (call.getName().equals("<init>") || call.getName().startsWith("of"))))
        .because("response bodies are records serialised by Javalin's JSON mapper")
        .check(classes);
  }
}
