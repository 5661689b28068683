/**
 * Prometheus metrics for the service: request latency by route and status, predictions by label and
 * model version, model loads, swaps and refusals, out-of-range inputs, and the JVM binders.
 */
@NullMarked
package dev.smileflow.api.metrics;

import org.jspecify.annotations.NullMarked;
