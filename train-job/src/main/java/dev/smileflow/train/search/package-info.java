/**
 * The model search: the candidate algorithms as a closed set of hyperparameter records ({@link
 * ModelSpec}), their default search spaces and overrides, stratified k-fold cross-validation with
 * the preprocessing fitted inside each fold, the metrics, and the seeded, parallel evaluation that
 * picks the winner by a CV metric (never by the hold-out set), with documented tie-breaks that
 * never fall back on candidate order ({@link SearchResult#winner()}). {@link FittedModel} holds the
 * winner refitted with its preprocessing and what writing it as a bundle needs.
 */
@NullMarked
package dev.smileflow.train.search;

import org.jspecify.annotations.NullMarked;
