package dev.smileflow.train;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.smileflow.mlflow.RunStatus;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** train-job's internal dependency rules. */
class ArchitectureTest {
  static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.smileflow.train");
  }

  @Test
  void onlyTrackingAndRegistryTalkToMlflow() {
    // Main builds the client, ExitCodes maps its exception; the job's steps pass a RunStatus to the
    // tracker and leave every MLflow name, value and call to tracking and registry.
    noClasses()
        .that()
        .resideInAPackage("dev.smileflow.train..")
        .and()
        .resideOutsideOfPackages("dev.smileflow.train.tracking..", "dev.smileflow.train.registry..")
        .and()
        .doNotHaveSimpleName("Main")
        .and()
        .doNotHaveSimpleName("ExitCodes")
        .should()
        .dependOnClassesThat(
            resideInAPackage("dev.smileflow.mlflow..").and(not(equivalentTo(RunStatus.class))))
        .check(classes);
  }

  @Test
  void thePackagesBelowTheCommandNeverReachBackIntoIt() {
    noClasses()
        .that()
        .resideInAPackage("dev.smileflow.train.*..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.smileflow.train")
        .check(classes);
  }

  @Test
  void thePackagesBelowTheCommandDependOnEachOtherOneWay() {
    slices().matching("dev.smileflow.train.(*)..").should().beFreeOfCycles().check(classes);
  }
}
