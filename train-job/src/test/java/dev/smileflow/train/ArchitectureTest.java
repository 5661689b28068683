package dev.smileflow.train;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static dev.smileflow.mlflow.testing.ModelUriParsing.LEFT_TO_MODEL_URI;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.smileflow.mlflow.RunStatus;

/** train-job's internal dependency rules. */
@AnalyzeClasses(
    packages = "dev.smileflow.train",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  /**
   * Main builds the client and ExitCodes maps its exception; the job's steps pass a RunStatus to
   * the tracker and leave every MLflow name, value and call to tracking and registry.
   */
  @ArchTest
  static final ArchRule onlyTrackingAndRegistryTalkToMlflow =
      noClasses()
          .that()
          .resideInAPackage("dev.smileflow.train..")
          .and()
          .resideOutsideOfPackages(
              "dev.smileflow.train.tracking..", "dev.smileflow.train.registry..")
          .and()
          .doNotHaveSimpleName("Main")
          .and()
          .doNotHaveSimpleName("ExitCodes")
          .should()
          .dependOnClassesThat(
              resideInAPackage("dev.smileflow.mlflow..").and(not(equivalentTo(RunStatus.class))));

  /** {@code models:/} URIs are parsed and printed by mlflow-rest's ModelUri only. */
  @ArchTest
  static final ArchRule onlyMlflowRestParsesModelUris =
      classes().that().resideInAPackage("dev.smileflow.train..").should(LEFT_TO_MODEL_URI);

  @ArchTest
  static final ArchRule thePackagesBelowTheCommandNeverReachBackIntoIt =
      noClasses()
          .that()
          .resideInAPackage("dev.smileflow.train.*..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.smileflow.train");

  @ArchTest
  static final ArchRule thePackagesBelowTheCommandDependOnEachOtherOneWay =
      slices().matching("dev.smileflow.train.(*)..").should().beFreeOfCycles();

  /**
   * A candidate scores the same in one process or in any shard: the search (folds, fits, the deal
   * of candidates to shards) never reads what MLflow holds.
   */
  @ArchTest
  static final ArchRule theSearchKnowsNothingOfTrackingOrTheRegistry =
      noClasses()
          .that()
          .resideInAPackage("dev.smileflow.train.search..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("dev.smileflow.train.tracking..", "dev.smileflow.train.registry..");
}
