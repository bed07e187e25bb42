import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kendallTau } from '../../src/hardware/kendall.js';

/** Textbook O(n^2) tau-b. */
function naive(x: number[], y: number[]): number {
  let c = 0;
  let d = 0;
  let tx = 0;
  let ty = 0;
  for (let i = 0; i < x.length; i++) {
    for (let j = i + 1; j < x.length; j++) {
      const a = Math.sign(x[i]! - x[j]!);
      const b = Math.sign(y[i]! - y[j]!);
      if (a === 0 && b === 0) continue;
      if (a === 0) tx++;
      else if (b === 0) ty++;
      else if (a === b) c++;
      else d++;
    }
  }
  return (c - d) / Math.sqrt((c + d + tx) * (c + d + ty));
}

describe('kendallTau (tau-b)', () => {
  it('scipy.stats.kendalltau documentation example: -0.47140452079103173', () => {
    expect(kendallTau([12, 2, 1, 12, 2], [1, 4, 7, 1, 0])).toBeCloseTo(-0.47140452079103173, 14);
  });
  it('perfect agreement and reversal', () => {
    expect(kendallTau([1, 2, 3, 4], [10, 20, 30, 40])).toBe(1);
    expect(kendallTau([1, 2, 3, 4], [4, 3, 2, 1])).toBe(-1);
  });
  it('omits NaN pairs; constant input gives NaN', () => {
    expect(kendallTau([1, Number.NaN, 2, 3], [1, 5, 2, 3])).toBe(1);
    expect(kendallTau([1, 1, 1], [1, 2, 3])).toBeNaN();
  });
  it('equals the O(n^2) definition on data with ties', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 })), {
          minLength: 3,
          maxLength: 60,
        }),
        (pts) => {
          const x = pts.map((p) => p[0]);
          const y = pts.map((p) => p[1]);
          const want = naive(x, y);
          const got = kendallTau(x, y);
          if (Number.isNaN(want)) expect(got).toBeNaN();
          else expect(got).toBeCloseTo(want, 12);
        },
      ),
    );
  });
});
