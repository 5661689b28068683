/**
 * A typed client for MLflow's REST API (servers 2.9 to 3.x) on {@code java.net.http} and Jackson: a
 * probe of what the server offers ({@link ServerCapabilities}), the one {@code models:/} URI type
 * ({@link ModelUri}) and its resolution to a version, resolution of model-version sources ({@code
 * models:/m-…}, {@code runs:/…}) to their files, configuration from the {@code MLFLOW_*}
 * environment ({@link MlflowConfig}), one entry point ({@link MlflowClient}) handing out small
 * concept clients for tracking, logged models, the model registry and the artifact proxy, immutable
 * records for MLflow's entities, and one typed error ({@link MlflowException}). One package-private
 * transport adds authentication, timeouts and retries that never duplicate data, and writes to
 * things other writers share (experiments, registered models, datasets, tags, aliases) treat the
 * thing existing already as success; no Python is needed.
 */
@NullMarked
package dev.smileflow.mlflow;

import org.jspecify.annotations.NullMarked;
