/**
 * The HTTP surface: the route table's rows ({@link Route}), the response envelope and records, the
 * JSON-level request checks (content type, syntax, duplicate keys, size limits, an object where one
 * is expected), the routes (classify, batch, model info, health with the draining state, OpenAPI
 * and docs), the API-key check and the single table that maps exception types to HTTP statuses.
 * Rows are validated against the model's features by model-bundle alone; its {@link
 * InvalidInputException} becomes the 400 and its wording the message.
 */
@NullMarked
package dev.smileflow.api.http;

import dev.smileflow.bundle.InvalidInputException;
import org.jspecify.annotations.NullMarked;
