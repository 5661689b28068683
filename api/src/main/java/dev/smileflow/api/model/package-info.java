/**
 * The served model: where it comes from ({@link ModelSource}), the one read path from the registry
 * (MLflow 2.9 to 3.x, whatever a version's source: {@code models:/m-…}, {@code runs:/…} or an
 * artifact URI) or a local directory to model-bundle's verified, loaded and warmed-up {@link
 * LoadedModel} ({@link ModelFetcher}), the {@link ServedModel} that pairs it with its provenance
 * (name, version, run id, origin, load time), the {@link ModelHolder} that swaps it atomically, the
 * registry poller and the last-known-good cache. The api has no model types of its own: rows,
 * predictions and load refusals are model-bundle's.
 */
@NullMarked
package dev.smileflow.api.model;

import dev.smileflow.bundle.LoadedModel;
import org.jspecify.annotations.NullMarked;
