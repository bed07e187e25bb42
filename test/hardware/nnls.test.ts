import { describe, expect, it } from 'vitest';
import { nnls, nnlsWithPrior } from '../../src/hardware/nnls.js';
import { Rng } from '../../src/rng.js';

describe('nnls (Lawson-Hanson on the normal equations)', () => {
  it('hand-solved 3 x 2 problem: the unconstrained optimum (7/6, -5/6) is clipped to (3/4, 0)', () => {
    const A = Float64Array.from([1, 0, 0, 1, 1, 1]);
    const x = nnls(A, [1, -1, 0.5], 3, 2);
    expect(x[0]).toBeCloseTo(0.75, 10); // within the 1e-12 relative ridge
    expect(x[1]).toBe(0);
  });

  it('recovers non-negative coefficients exactly from consistent data', () => {
    const rng = new Rng(5);
    const m = 40;
    const n = 6;
    const truth = [0.5, 0, 2, 1.25, 0, 3];
    const A = Float64Array.from({ length: m * n }, () => rng.nextFloat());
    const b = Array.from({ length: m }, (_, i) => truth.reduce((s, t, j) => s + t * A[i * n + j]!, 0));
    const x = nnls(A, b, m, n);
    for (let j = 0; j < n; j++) expect(x[j]).toBeCloseTo(truth[j]!, 9);
  });

  it('the prior term pulls an undetermined coefficient to its prior', () => {
    // one row x1 + x2 = 2: with prior (1, 1) and any lambda the symmetric solution is (1, 1)
    const x = nnlsWithPrior(Float64Array.from([1, 1]), [2], 1, 2, [1, 1], 0.1);
    expect(x[0]).toBeCloseTo(1, 10);
    expect(x[1]).toBeCloseTo(1, 10);
  });
});
