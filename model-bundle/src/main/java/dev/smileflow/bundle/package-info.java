/**
 * The model bundle: the directory format that train-job writes and api reads. A bundle holds the
 * fitted Smile classifier ({@code model.ser}), a self-describing descriptor ({@code bundle.json}:
 * features and their encoding, class labels, metrics, provenance, checksum), an MLflow {@code
 * MLmodel} file and an input example. {@link Features} is the single preprocessing path and {@link
 * Predictor} the single prediction path, shared by training, cross-validation and serving; {@link
 * ModelBundle#load} verifies the checksum before it deserializes anything, and deserializes only
 * through an allow-list filter. {@link PlattSvm}, the calibrated two-class SVM, is the one model
 * class of smileflow's own, because Smile has none.
 */
@NullMarked
package dev.smileflow.bundle;

import org.jspecify.annotations.NullMarked;
