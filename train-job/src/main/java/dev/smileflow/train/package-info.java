/**
 * The train-job command: {@link dev.smileflow.train.Main} reads the environment once, the picocli
 * command turns options into a {@link dev.smileflow.train.JobConfig}, the job runs data,
 * validation, search, tracking and registry steps in order, and failures become exit codes in one
 * place.
 */
@org.jspecify.annotations.NullMarked
package dev.smileflow.train;
