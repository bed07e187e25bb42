/**
 * Pruning audit over feasible architectures only (constraints, covered rows): recall against the feasible
 * true front, and the pruned front taken among feasible architectures. Hand-computed on a 2 x 2 space.
 */
import { describe, expect, it } from 'vitest';
import { HwnasError } from '../../src/errors.js';
import { frontRecall } from '../../src/prune/index.js';

// index = c0 + 2 c1; objectives (minimised): 0:(1,4) 1:(2,3) 2:(3,1) 3:(0,0); 3 dominates all but is infeasible
const objectives = Float64Array.from([1, 4, 2, 3, 3, 1, 0, 0]);
const radix = [2, 2];
const feasible = Uint8Array.from([1, 1, 1, 0]);
const front = Int32Array.from([0, 1, 2]); // the front of the feasible architectures

describe('frontRecall with a feasibility mask', () => {
  it('keeps {0, 2}: recall 2/3, its own front is on the true front', () => {
    const r = frontRecall({ allowed: [[0], [0, 1]], radix, objectives, m: 2, front, feasible });
    expect(r.recall).toBeCloseTo(2 / 3, 12);
    expect(Array.from(r.prunedFront)).toEqual([0, 2]);
    expect(r.bestGd).toBe(0);
  });

  it('keeps {1, 3}: the infeasible 3 is not part of the pruned front', () => {
    const r = frontRecall({ allowed: [[1], [0, 1]], radix, objectives, m: 2, front, feasible });
    expect(r.recall).toBeCloseTo(1 / 3, 12);
    expect(Array.from(r.prunedFront)).toEqual([1]);
    expect(r.bestGd).toBe(0);
    // without the mask the (infeasible) 3 would be the pruned front, off the feasible front
    const unmasked = frontRecall({ allowed: [[1], [0, 1]], radix, objectives, m: 2, front });
    expect(Array.from(unmasked.prunedFront)).toEqual([3]);
    expect(unmasked.bestGd).toBeGreaterThan(0);
  });

  it('a pruned space with nothing feasible is an error', () => {
    expect(() => frontRecall({ allowed: [[1], [1]], radix, objectives, m: 2, front, feasible })).toThrow(HwnasError);
  });
});
