/**
 * What a human reads about the chosen model: the confusion-matrix heat map and one-vs-rest ROC
 * curves as PNG files (XChart, headless) and the per-class precision/recall/F1 classification
 * report, written into a directory that is uploaded with the model; and its hold-out scores per
 * slice of the data ({@link dev.smileflow.train.report.Slices}), with the slices worse than the
 * whole flagged.
 */
@NullMarked
package dev.smileflow.train.report;

import org.jspecify.annotations.NullMarked;
