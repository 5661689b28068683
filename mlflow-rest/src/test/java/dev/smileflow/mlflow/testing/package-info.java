/**
 * The real-MLflow JUnit fixture shared (through this module's test-jar) by every module's
 * integration tests: {@link MlflowTestServer} gives an explicit server, a Testcontainers one where
 * Docker works, or the project's pinned {@code mlflow} executable on a free loopback port, and
 * fails (never skips) when none can be had.
 */
@NullMarked
package dev.smileflow.mlflow.testing;

import org.jspecify.annotations.NullMarked;
