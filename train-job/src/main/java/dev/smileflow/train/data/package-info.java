/**
 * Tabular data for training: reading a CSV file (or the bundled Iris) in its detected dialect
 * (delimiter, decimal separator) into a typed, column-major {@link Table} with numeric and
 * categorical features and a string label, leaving out the columns {@link ColumnScreen} finds are
 * not features (each with a recorded reason), the documented missing-value policy, stratified
 * hold-out splits and folds, and the per-fold feature statistics and encoding (through the
 * model-bundle's {@code Features}, so training, CV and serving share one preprocessing path). Every
 * problem with the input is a {@link DataException} naming the file, column and row.
 */
@NullMarked
package dev.smileflow.train.data;

import org.jspecify.annotations.NullMarked;
