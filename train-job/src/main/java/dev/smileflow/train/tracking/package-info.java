/**
 * What lands in MLflow: the parent run with the job's configuration, dataset input, validation
 * findings and summary; one nested run per candidate with its hyperparameters and per-fold and
 * mean/std CV metrics; the winner as an MLflow 3 LoggedModel (bundle, plots, report) linked as the
 * run's output, or, on a server the probe finds without LoggedModels (MLflow 2.x), as the parent
 * run's artifacts under {@code model/}; {@link StoredModel} says which. {@link RunRecord} names and
 * formats everything the runs carry. {@link Tracker} is the seam: {@link MlflowTracker} writes
 * through the mlflow-rest client, and {@code --dry-run} uses {@link Tracker.DryRun}, which writes
 * nothing.
 */
@NullMarked
package dev.smileflow.train.tracking;

import org.jspecify.annotations.NullMarked;
