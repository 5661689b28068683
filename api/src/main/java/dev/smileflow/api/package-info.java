/**
 * The api service's edge: {@link dev.smileflow.api.Main} reads the environment once into an {@link
 * dev.smileflow.api.ApiConfig}, wires the model registry, the model holder, metrics and the Javalin
 * routing built by {@link dev.smileflow.api.App}, loads the model and then reports ready. On
 * SIGTERM, {@link dev.smileflow.api.GracefulShutdown} drains and stops within the {@link
 * dev.smileflow.api.ShutdownBudget}.
 */
@org.jspecify.annotations.NullMarked
package dev.smileflow.api;
