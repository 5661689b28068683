/**
 * The HTTP surface: the response envelope, request parsing and validation against the model's
 * signature, the routes (classify, batch, model info, health, OpenAPI and docs) and the single
 * table that maps exception types to HTTP statuses.
 */
@org.jspecify.annotations.NullMarked
package dev.smileflow.api.http;
