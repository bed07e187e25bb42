/**
 * How much of a measured latency table no predictor can explain: rows that measure the same network
 * twice (NAS-Bench-201 node-swap twins, `nodeSwapTwin`) give the table's own measurement noise. From their
 * log differences we estimate the noise and the best Kendall tau any predictor of the network could reach
 * against the table (the truth itself scores no better than truth vs truth + that noise).
 */
import { Rng } from '../rng.js';
import { kendallTau } from './kendall.js';

export interface ReplicateNoise {
  /** Twin pairs with both latencies > 0. */
  pairs: number;
  /** Kendall tau between the first and the second measurement of each pair (test-retest). */
  testRetestTau: number;
  /** Standard deviation of one measurement's log-noise: sd(log a - log b) / sqrt(2). */
  noiseSdLog: number;
  /**
   * Tau of the table against itself with that noise added again (log-noise drawn from the pairs' half
   * differences, random sign): an estimate, slightly optimistic, of the best tau a noise-free predictor
   * can reach on this table.
   */
  boundTau: number;
}

/** Pairs (i < j) of rows that measure the same network, from a space's twin map. */
export function twinPairs(size: number, twinOf: (index: number) => number | null): [number, number][] {
  const pairs: [number, number][] = [];
  for (let i = 0; i < size; i++) {
    const j = twinOf(i);
    if (j !== null && j > i) pairs.push([i, j]);
  }
  return pairs;
}

export function replicateNoise(
  values: ArrayLike<number>,
  pairs: readonly (readonly [number, number])[],
  seed = 0,
): ReplicateNoise {
  const used = pairs.filter(([i, j]) => values[i]! > 0 && values[j]! > 0);
  const halfDiffs = used.map(([i, j]) => (Math.log(values[i]!) - Math.log(values[j]!)) / Math.SQRT2);
  const noiseSdLog = Math.sqrt(halfDiffs.reduce((s, d) => s + d * d, 0) / Math.max(1, halfDiffs.length));
  const testRetestTau = kendallTau(
    used.map(([i]) => values[i]!),
    used.map(([, j]) => values[j]!),
  );
  const rng = new Rng(seed);
  const noisy = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v > 0) || halfDiffs.length === 0) {
      noisy[i] = v;
      continue;
    }
    const d = halfDiffs[rng.nextInt(halfDiffs.length)]!;
    noisy[i] = v * Math.exp(rng.nextFloat() < 0.5 ? d : -d);
  }
  return { pairs: used.length, testRetestTau, noiseSdLog, boundTau: kendallTau(noisy, values) };
}
