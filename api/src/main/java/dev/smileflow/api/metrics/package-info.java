/**
 * Prometheus metrics for the service: request latency by route and status, predictions by label and
 * model version, model loads, swaps and refusals, out-of-range inputs, and the JVM binders.
 */
@org.jspecify.annotations.NullMarked
package dev.smileflow.api.metrics;
