/**
 * Whether a column with per-block values is additive: every architecture's value equals one fixed part
 * plus its blocks' values (BLOX latency on every device model), which makes fixed + blocks a complete
 * per-block look-up table (`lut:`, `hwnas latency --per-block`).
 */
import type { SearchSpace } from '../space/types.js';
import type { ObjectiveColumn } from './types.js';

/** Architectures checked for additivity: spread over the index range, first and last included. */
const ADDITIVITY_CHECKS = 64;

/**
 * The latency outside the blocks when every total equals it plus the block values (checked on
 * architectures spread over the space), else undefined (NB201: zero edges make costs interact).
 */
export function additiveFixed(space: SearchSpace, col: ObjectiveColumn): number | undefined {
  const blockSum = (i: number) => space.decode(i).reduce((a, c, d) => a + col.blockValue!(d, c), 0);
  const fixed = col.values[0]! - blockSum(0);
  const step = Math.max(1, Math.floor((space.size - 1) / (ADDITIVITY_CHECKS - 1)));
  for (let i = 0; i < space.size; i += step) {
    for (const j of [i, Math.min(space.size - 1, i + step - 1)]) {
      const total = col.values[j]!;
      if (!(Math.abs(fixed + blockSum(j) - total) <= 1e-9 * Math.max(1, Math.abs(total)))) return undefined;
    }
  }
  return fixed;
}
