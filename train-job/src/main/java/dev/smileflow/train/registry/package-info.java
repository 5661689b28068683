/**
 * Registration and promotion: the promotion gate as a pure function of the challenger's and
 * champion's hold-out scores ({@link PromotionGate}), and the MLflow registry steps that register
 * every winner (from {@code models:/m-…} or, on MLflow 2.x, {@code runs:/<run id>/model}), score
 * the current production version on the same hold-out rows, and move the alias and stage only when
 * the gate says so, recording the decision as version tags. The move is a compare-and-set ({@code
 * Promotion}): the alias is read again right before it moves, and a champion another job promoted
 * meanwhile is scored and decided against.
 */
@NullMarked
package dev.smileflow.train.registry;

import org.jspecify.annotations.NullMarked;
