/**
 * Drift tests for the shipping files: the Dockerfiles, {@code docker-compose.yml}, {@code
 * clouddeploy.yml}, the README's deploy section and {@code docs/deploy.md} are parsed and checked
 * against each other and against the programs they ship (the variables the api and train-job read,
 * the api's routes and port, the pinned MLflow version in {@code pom.xml}), so a renamed variable,
 * route, port, file or version fails the build. {@code docs/architecture.md} is held to the code
 * the same way: every type and method it names must exist.
 */
@NullMarked
package dev.smileflow.e2e.deploy;

import org.jspecify.annotations.NullMarked;
