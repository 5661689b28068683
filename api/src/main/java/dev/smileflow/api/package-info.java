/**
 * The api service's edge: {@link Main} reads the environment once into an {@link ApiConfig}, wires
 * the model registry, the model holder, metrics and the Javalin routing built by {@link App}, loads
 * the model and then reports ready. On SIGTERM, {@link GracefulShutdown} drains and stops within
 * the {@link ShutdownBudget}.
 */
@NullMarked
package dev.smileflow.api;

import org.jspecify.annotations.NullMarked;
