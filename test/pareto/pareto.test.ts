import { describe, expect, it } from 'vitest';
import { HwnasError } from '../../src/errors.js';
import {
  crowdingDistance,
  gd,
  gdPlus,
  hypervolume,
  igd,
  igdPlus,
  nonDominatedFronts,
  nonDominatedRanks,
  normalizationFromBounds,
  normalizationFromFront,
  normalize,
  paretoFrontIndices,
} from '../../src/pareto/index.js';

const f = (rows: number[][]) => Float64Array.from(rows.flat());
const Z = f([
  [1, 0],
  [0, 10],
]);
const A = f([[2, 5]]);
const B = f([[3, 9]]);
const S = f([
  [2, 5],
  [3, 9],
]);

describe('indicators: golden values (pymoo tests / Ishibuchi et al. 2015, prior-art.md 2.1)', () => {
  it('A = {(2,5)}', () => {
    expect(gd(A, Z, 2, 'mean')).toBeCloseTo(5.099, 3);
    expect(gd(A, Z, 2)).toBeCloseTo(5.099, 3); // one point: every GD form is its distance
    expect(gdPlus(A, Z, 2)).toBeCloseTo(2.0, 10);
    expect(igd(A, Z, 2)).toBeCloseTo(5.242, 3);
    expect(igdPlus(A, Z, 2)).toBeCloseTo(3.55, 3);
  });
  it('B = {(3,9)}', () => {
    expect(gd(B, Z, 2)).toBeCloseTo(3.162, 3);
    expect(gdPlus(B, Z, 2)).toBeCloseTo(3.0, 10);
    expect(igd(B, Z, 2)).toBeCloseTo(6.191, 3);
    expect(igdPlus(B, Z, 2)).toBeCloseTo(6.11, 3);
  });
  it('D = {(2,1)}', () => {
    const D = f([[2, 1]]);
    expect(gd(D, Z, 2)).toBeCloseTo(Math.SQRT2, 12); // golden 1.414
    expect(igd(D, Z, 2)).toBeCloseTo(5.32, 2);
  });
  it('S = {(2,5),(3,9)} separates the GD variants', () => {
    expect(gd(S, Z, 2)).toBeCloseTo(3.0, 12); // sqrt(26 + 10) / 2
    expect(gd(S, Z, 2, 'original', 2)).toBeCloseTo(3.0, 12);
    expect(gd(S, Z, 2, 'mean')).toBeCloseTo((Math.sqrt(26) + Math.sqrt(10)) / 2, 12);
    // The 4.1307 is (sqrt(26) + sqrt(10)) / 2 = 4.130649 rounded up in the 4th decimal.
    expect(Math.abs(gd(S, Z, 2, 'mean') - 4.1307)).toBeLessThan(1e-4);
    expect(gd(S, Z, 2, 'power', 2)).toBeCloseTo(Math.sqrt(18), 12);
    expect(gd(S, Z, 2, 'power', 1)).toBeCloseTo(gd(S, Z, 2, 'mean'), 12);
  });
  it('2-D hypervolume (pymoo#188) is 8', () => {
    const P = f([
      [6, 6.5],
      [5, 7],
      [4, 6.5],
      [3, 7.5],
      [2, 7.5],
    ]);
    expect(hypervolume(P, 2, [7, 8.5])).toBe(8);
  });
  it('3-D hypervolume computed by hand (inclusion-exclusion)', () => {
    // ref (4,4,4). a=(1,1,3): 3*3*1 = 9; b=(2,2,1): 2*2*3 = 12; a^b=(2,2,3): 2*2*1 = 4;
    // c=(3,0,2): 1*4*2 = 8; a^c=(3,1,3): 1*3*1 = 3; b^c=(3,2,2): 1*2*2 = 4; a^b^c=(3,2,3): 1*2*1 = 2.
    // HV = 9 + 12 + 8 - 4 - 3 - 4 + 2 = 20. (5,1,1) lies outside the box and (2,2,2) is dominated by b.
    const P = f([
      [1, 1, 3],
      [2, 2, 1],
      [3, 0, 2],
      [5, 1, 1],
      [2, 2, 2],
    ]);
    expect(hypervolume(P, 3, [4, 4, 4])).toBe(20);
  });
  it('hypervolume: points on the reference boundary add nothing, empty set is 0, 1-D is a length', () => {
    expect(hypervolume(f([[7, 1]]), 2, [7, 8.5])).toBe(0);
    expect(hypervolume(new Float64Array(0), 2, [1, 1])).toBe(0);
    expect(hypervolume(f([[3], [1], [2]]), 1, [5])).toBe(4);
  });
});

describe('non-dominated sorting: ties and duplicates (prior-art.md 2.5 pitfalls)', () => {
  it('ties in objective 0 are resolved by objective 1', () => {
    expect([
      ...nonDominatedRanks(
        f([
          [1, 5],
          [1, 3],
        ]),
        2,
      ),
    ]).toEqual([1, 0]);
  });
  it('exact duplicates share a rank', () => {
    expect([
      ...nonDominatedRanks(
        f([
          [1, 3],
          [1, 3],
        ]),
        2,
      ),
    ]).toEqual([0, 0]);
    expect([
      ...nonDominatedRanks(
        f([
          [1, 3, 2],
          [1, 3, 2],
          [0, 4, 2],
        ]),
        3,
      ),
    ]).toEqual([0, 0, 0]);
  });
  it('ties in objective 1 dominate', () => {
    expect([
      ...nonDominatedRanks(
        f([
          [2, 3],
          [1, 3],
        ]),
        2,
      ),
    ]).toEqual([1, 0]);
  });
  it('fronts, front indices and one objective', () => {
    const P = f([
      [3, 1],
      [1, 3],
      [2, 2],
      [2, 2],
      [3, 3],
      [4, 4],
      [1, 4],
    ]);
    expect(nonDominatedFronts(P, 2)).toEqual([[0, 1, 2, 3], [4, 6], [5]]);
    expect([...paretoFrontIndices(P, 2)]).toEqual([1, 2, 3, 0]);
    expect([...nonDominatedRanks(f([[2], [1], [2], [0]]), 1)]).toEqual([2, 1, 2, 0]);
    expect([...paretoFrontIndices(f([[2], [0], [2], [0]]), 1)]).toEqual([1, 3]);
    expect([
      ...paretoFrontIndices(
        f([
          [1, 1, 1],
          [0, 2, 2],
          [1, 1, 1],
          [2, 2, 2],
        ]),
        3,
      ),
    ]).toEqual([1, 0, 2]);
  });
  it('empty sets sort to nothing', () => {
    expect(nonDominatedRanks(new Float64Array(0), 2).length).toBe(0);
    expect(nonDominatedFronts(new Float64Array(0), 3)).toEqual([]);
    expect(paretoFrontIndices(new Float64Array(0), 2).length).toBe(0);
  });
});

describe('crowding distance', () => {
  it('Deb 2002 on a 2-D front', () => {
    const P = f([
      [0, 4],
      [1, 2],
      [3, 1],
      [4, 0],
    ]);
    const d = crowdingDistance(P, 2, [0, 1, 2, 3]);
    expect(d[0]).toBe(Number.POSITIVE_INFINITY);
    expect(d[3]).toBe(Number.POSITIVE_INFINITY);
    expect(d[1]).toBeCloseTo(3 / 4 + 3 / 4, 12);
    expect(d[2]).toBeCloseTo(3 / 4 + 2 / 4, 12);
  });
  it('aligned with members; later copies of a point get 0; <= 2 distinct points are boundaries', () => {
    const P = f([
      [0, 4],
      [1, 2],
      [4, 0],
      [1, 2],
    ]);
    const d = crowdingDistance(P, 2, [3, 0, 1, 2]);
    expect([...d]).toEqual([2, Number.POSITIVE_INFINITY, 0, Number.POSITIVE_INFINITY]);
    expect([...crowdingDistance(P, 2, [1, 3, 0])]).toEqual([Number.POSITIVE_INFINITY, 0, Number.POSITIVE_INFINITY]);
    expect([...crowdingDistance(P, 2, [])]).toEqual([]);
  });
  it('a constant objective contributes nothing', () => {
    const P = f([
      [0, 5],
      [1, 5],
      [3, 5],
    ]);
    expect([...crowdingDistance(P, 2, [0, 1, 2])]).toEqual([Number.POSITIVE_INFINITY, 1, Number.POSITIVE_INFINITY]);
  });
});

describe('normalisation', () => {
  it('min-max with the ideal and nadir of the front; a degenerate objective is only shifted', () => {
    const front = f([
      [1, 5],
      [3, 5],
    ]);
    const norm = normalizationFromFront(front, 2);
    expect([...norm.ideal]).toEqual([1, 5]);
    expect([...norm.nadir]).toEqual([3, 5]);
    expect([
      ...normalize(
        f([
          [2, 7],
          [5, 4],
        ]),
        2,
        norm,
      ),
    ]).toEqual([0.5, 2, 2, -1]);
  });
  it('explicit bounds', () => {
    const norm = normalizationFromBounds([0, 0], [10, 2], 2);
    expect([...normalize(f([[5, 1]]), 2, norm)]).toEqual([0.5, 0.5]);
    expect(() => normalizationFromBounds([0, 3], [1, 2], 2)).toThrow(/ideal 3 > nadir 2/);
  });
  it('normalised GD equals GD of normalised sets', () => {
    const norm = normalizationFromFront(Z, 2);
    const v = gd(normalize(A, 2, norm), normalize(Z, 2, norm), 2);
    expect(v).toBeCloseTo(Math.hypot(1, 0.5), 12); // (2,5) -> (2,0.5); nearest (1,0)
  });
});

describe('bad input fails with a user error', () => {
  const bad = (fn: () => unknown, re: RegExp) => {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(HwnasError);
      expect((e as Error).message).toMatch(re);
      return;
    }
    throw new Error('expected a failure');
  };
  it('NaN, infinity, ragged, empty, mismatched reference', () => {
    bad(() => nonDominatedRanks(f([[1, Number.NaN]]), 2), /point 0 objective 1 is NaN/);
    bad(() => gd(f([[1, Number.POSITIVE_INFINITY]]), Z, 2), /Infinity/);
    bad(() => nonDominatedRanks(Float64Array.from([1, 2, 3]), 2), /do not split/);
    bad(() => gd(new Float64Array(0), Z, 2), /obtained set is empty/);
    bad(() => igd(A, new Float64Array(0), 2), /reference front is empty/);
    bad(() => hypervolume(A, 2, [1, 2, 3]), /reference point has 3 values/);
    bad(() => gd(A, Z, 2, 'power', 0), /positive/);
    bad(() => gd(A, Z, 2, 'nope' as never), /unknown GD variant/);
    bad(() => crowdingDistance(Z, 2, [0, 5]), /member 1 is 5/);
    bad(() => nonDominatedRanks(A, 0), /integer >= 1/);
  });
});
