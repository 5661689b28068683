/**
 * The train-job command: {@link Main} reads the environment once, the picocli command turns options
 * into a {@link JobConfig}, {@code TrainJob} runs the data, validation, search, tracking and
 * registry steps in order, each a method taking and returning records, and failures become exit
 * codes in one place.
 */
@NullMarked
package dev.smileflow.train;

import org.jspecify.annotations.NullMarked;
