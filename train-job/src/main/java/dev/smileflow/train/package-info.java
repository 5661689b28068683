/**
 * The train-job command: {@link dev.smileflow.train.Main} reads the environment once, the picocli
 * command turns options into a {@link dev.smileflow.train.JobConfig}, {@code TrainJob} runs the
 * data, validation, search, tracking and registry steps in order, each a method taking and
 * returning records, and failures become exit codes in one place.
 */
@org.jspecify.annotations.NullMarked
package dev.smileflow.train;
