/**
 * End-to-end tests: the real {@code train-job.jar} and {@code api.jar}, each run as its own process
 * against a real MLflow server, checked through MLflow's REST API, the api's HTTP contract and
 * MLflow's official Java client as an independent reader.
 */
@NullMarked
package dev.smileflow.e2e;

import org.jspecify.annotations.NullMarked;
