/**
 * The served model: where it comes from ({@link dev.smileflow.api.model.ModelSource}), the one read
 * path from the registry or a local directory to a verified, loaded and warmed-up model ({@link
 * dev.smileflow.api.model.ModelFetcher}), the atomically swapped live model, the registry poller
 * and the last-known-good cache.
 */
@org.jspecify.annotations.NullMarked
package dev.smileflow.api.model;
