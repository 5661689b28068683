/**
 * Data validation before training: schema and type checks, nulls, duplicate rows, constant columns
 * (those kept with {@code --keep}; the loader leaves out the others), class balance and classes too
 * small for k folds (hard failures throw {@link DataException}; warnings become run tags), the
 * training data profile, and drift against a reference profile by a two-sample Kolmogorov-Smirnov
 * test per numeric feature.
 */
@NullMarked
package dev.smileflow.train.validation;

import dev.smileflow.train.data.DataException;
import org.jspecify.annotations.NullMarked;
