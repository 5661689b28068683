/**
 * Log output: one JSON object per line (time, severity/level, logger, thread, request id, message,
 * exception) for Cloud Logging, or plain text, chosen by {@code LOG_FORMAT}.
 */
@NullMarked
package dev.smileflow.api.logging;

import org.jspecify.annotations.NullMarked;
