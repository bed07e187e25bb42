/**
 * Learning curves from a formula (no training): accuracy of architecture `index` after `epoch` epochs
 * rises towards the toy table's final accuracy, from a gap and at a rate that differ per architecture,
 * so curves cross (an early rung's order is not the final order). Latency and size do not change with
 * the epoch. Shared by the curve evaluator program and the tests and benches that check its results.
 */
import { toyAccuracy, toyLatency } from '../fixtures/evaluators/toy-table.mjs';

function hash(index, salt) {
  return Math.imul(index + salt, 2246822519) >>> 0;
}

/** Accuracy (%) after `epoch` epochs (epoch > 0). */
export function curveAccuracy(index, epoch) {
  const final = toyAccuracy(index);
  const gap = 10 + (hash(index, 3) % 3000) / 100; // 10 .. 40 points below the final accuracy at epoch 0
  const tau = 0.8 + (hash(index, 11) % 1000) / 400; // 0.8 .. 3.3 epochs
  return final - gap * Math.exp(-epoch / tau);
}

export function curveLatency(index) {
  return toyLatency(index);
}

/** A third objective (minimised) for 3-objective runs: a size that grows with the index. */
export function curveSize(index) {
  return 1 + (hash(index, 5) % 5000) / 1000;
}
