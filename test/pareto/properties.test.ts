/** Property tests of the Pareto core against naive references, on inputs full of ties and duplicates. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  crowdingDistance,
  crowdingDistanceInto,
  crowdingDistanceOfDistinctInto,
  gd,
  gdPlus,
  hypervolume,
  igd,
  igdPlus,
  nonDominatedFronts,
  nonDominatedRanks,
  nonDominatedRanksInto,
  paretoFrontIndices,
  sortIndices,
} from '../../src/pareto/index.js';
import { dominates, fastNdsRanks, naiveCrowding, peelingRanks } from '../../src/pareto/naive.js';
import { Rng } from '../../src/rng.js';

interface PointSet {
  m: number;
  points: Float64Array;
}

/** n points of m objectives drawn from a small integer grid (many ties and exact duplicates). */
const gridSet = (maxN: number, mMin = 1, mMax = 4, levels = 5): fc.Arbitrary<PointSet> =>
  fc.integer({ min: mMin, max: mMax }).chain((m) =>
    fc
      .array(fc.array(fc.integer({ min: 0, max: levels - 1 }), { minLength: m, maxLength: m }), {
        maxLength: maxN,
        size: 'max',
      })
      .map((rows) => ({ m, points: Float64Array.from(rows.flat()) })),
  );

/** Points drawn from a few arbitrary doubles (negatives, -0, tiny and huge values) so the radix sort sees every bit. */
const doubleSet = (maxN: number): fc.Arbitrary<PointSet> =>
  fc
    .tuple(
      fc.integer({ min: 2, max: 3 }),
      fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 5 }),
    )
    .chain(([m, drawn]) => {
      const pool = [...drawn, 0, -0]; // -0 === 0: must tie
      return fc
        .array(fc.array(fc.constantFrom(...pool), { minLength: m, maxLength: m }), { maxLength: maxN, size: 'max' })
        .map((rows) => ({ m, points: Float64Array.from(rows.flat()) }));
    });

const nOf = (s: PointSet) => s.points.length / s.m;

function permuted(s: PointSet, perm: number[]): Float64Array {
  const out = new Float64Array(s.points.length);
  perm.forEach((from, to) => {
    out.set(s.points.subarray(from * s.m, (from + 1) * s.m), to * s.m);
  });
  return out;
}

const permutation = (n: number) => fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n });

describe('non-dominated sorting properties', () => {
  it('agrees with the naive peeling reference and with Deb fast-NDS (small grids, up to 160 points)', () => {
    fc.assert(
      fc.property(gridSet(160, 1, 5), (s) => {
        const fast = [...nonDominatedRanks(s.points, s.m)];
        expect(fast).toEqual([...peelingRanks(s.points, s.m)]);
        expect(fast).toEqual([...fastNdsRanks(s.points, s.m)]);
      }),
      { numRuns: 200 },
    );
  });
  it('agrees with the reference on arbitrary doubles with ties (radix path)', () => {
    fc.assert(
      fc.property(doubleSet(120), (s) => {
        expect([...nonDominatedRanks(s.points, s.m)]).toEqual([...peelingRanks(s.points, s.m)]);
      }),
      { numRuns: 150 },
    );
  });
  it('fronts: no member dominates another; rank-k points are dominated only by lower ranks, and by rank k-1', () => {
    fc.assert(
      fc.property(gridSet(100, 2, 4), (s) => {
        const ranks = nonDominatedRanks(s.points, s.m);
        const n = nOf(s);
        for (let i = 0; i < n; i++) {
          let byPrevious = ranks[i] === 0;
          for (let j = 0; j < n; j++) {
            if (!dominates(s.points, s.m, j, i)) continue;
            expect(ranks[j]).toBeLessThan(ranks[i]!);
            if (ranks[j] === ranks[i]! - 1) byPrevious = true;
          }
          expect(byPrevious).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });
  it('paretoFrontIndices: exactly the rank-0 points, in lexicographic order; every other point is behind one of them', () => {
    fc.assert(
      fc.property(gridSet(120, 1, 5), (s) => {
        const front = [...paretoFrontIndices(s.points, s.m)];
        const ranks = nonDominatedRanks(s.points, s.m);
        const rank0 = [...ranks.keys()].filter((i) => ranks[i] === 0);
        expect([...front].sort((a, b) => a - b)).toEqual(rank0);
        const row = (i: number) => [...s.points.subarray(i * s.m, (i + 1) * s.m), i];
        for (let t = 1; t < front.length; t++) {
          const a = row(front[t - 1]!);
          const b = row(front[t]!);
          const k = a.findIndex((v, o) => v !== b[o]);
          expect(a[k]!).toBeLessThan(b[k]!);
        }
        for (let i = 0; i < nOf(s); i++) {
          if (ranks[i] === 0) continue;
          expect(front.some((j) => dominates(s.points, s.m, j, i))).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });
  it('large 2-D sets (bucket prefilter of paretoFrontIndices): the front is exactly the rank-0 points', () => {
    // Generated from a seed rather than element by element: thousands of points per case.
    fc.assert(
      fc.property(
        fc.integer({ min: 1025, max: 4000 }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.constantFrom('grid', 'doubles', 'antidiagonal', 'one column', 'huge range', 'tiny range'),
        (n, seed, kind) => {
          const rng = new Rng(seed);
          const pool = [-1e300, -3.5, -0, 0, 1e-300, 2, 2.5, 7, 1e300];
          const pts = new Float64Array(2 * n);
          for (let i = 0; i < n; i++) {
            const u = rng.nextInt(50);
            const [a, b] =
              kind === 'grid'
                ? [rng.nextInt(30), rng.nextInt(30)]
                : kind === 'doubles'
                  ? [pool[rng.nextInt(pool.length)]!, pool[rng.nextInt(pool.length)]!]
                  : kind === 'antidiagonal'
                    ? [u, 49 - u]
                    : kind === 'one column'
                      ? [3, rng.nextInt(100)]
                      : kind === 'huge range'
                        ? [rng.nextInt(2) ? -1.7e308 : 1.7e308, rng.nextFloat()]
                        : [rng.nextInt(3) * 5e-324, rng.nextFloat()];
            pts[2 * i] = a;
            pts[2 * i + 1] = b;
          }
          const ranks = nonDominatedRanks(pts, 2);
          const rank0 = [...ranks.keys()].filter((i) => ranks[i] === 0);
          const front = [...paretoFrontIndices(pts, 2)];
          expect([...front].sort((x, y) => x - y)).toEqual(rank0);
          for (let t = 1; t < front.length; t++) {
            const [p, q] = [front[t - 1]!, front[t]!];
            expect(
              pts[2 * p]! < pts[2 * q]! ||
                (pts[2 * p] === pts[2 * q] &&
                  (pts[2 * p + 1]! < pts[2 * q + 1]! || (pts[2 * p + 1] === pts[2 * q + 1] && p < q))),
            ).toBe(true);
          }
          if (n <= 1500) expect([...ranks]).toEqual([...fastNdsRanks(pts, 2)]);
        },
      ),
      { numRuns: 40 },
    );
  });
  it('prior-art pitfalls in every sweep: ties in objective 0 and exact duplicates, 1 to 5 objectives', () => {
    // Objective 0 takes at most two values (so most pairs tie on it) and every row appears 1 to 3 times:
    // the cases where a sort on objective 0 alone, or one that peels duplicates into successive fronts, goes wrong.
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 5 })
          .chain((m) =>
            fc.tuple(
              fc.constant(m),
              fc.array(
                fc.tuple(
                  fc.integer({ min: 0, max: 1 }),
                  fc.array(fc.integer({ min: 0, max: 3 }), { minLength: m - 1, maxLength: m - 1 }),
                  fc.integer({ min: 1, max: 3 }),
                ),
                { maxLength: 60 },
              ),
            ),
          ),
        fc.integer({ min: 0, max: 2 ** 31 }),
        ([m, rows], seed) => {
          const copies = rows.flatMap(([a, rest, times]) => Array.from({ length: times }, () => [a, ...rest]));
          const shuffled = new Rng(seed).shuffle(copies);
          const points = Float64Array.from(shuffled.flat());
          const want = [...peelingRanks(points, m)];
          expect([...nonDominatedRanks(points, m)]).toEqual(want);
          const out = new Int32Array(shuffled.length);
          nonDominatedRanksInto(points, m, shuffled.length, out);
          expect([...out]).toEqual(want);
          for (let i = 0; i < shuffled.length; i++) {
            for (let j = 0; j < shuffled.length; j++) {
              if (shuffled[i]!.join() === shuffled[j]!.join()) expect(want[i]).toBe(want[j]);
            }
          }
          const front = [...paretoFrontIndices(points, m)].sort((a, b) => a - b);
          expect(front).toEqual([...want.keys()].filter((i) => want[i] === 0));
        },
      ),
      { numRuns: 200 },
    );
  });
  it('sets past the insertion and merge sizes of the lexicographic order (radix path), 2 to 4 objectives, against fast-NDS', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 257, max: 700 }),
        fc.integer({ min: 2, max: 4 }),
        fc.integer({ min: 2, max: 12 }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        (n, m, levels, seed) => {
          const rng = new Rng(seed);
          const points = new Float64Array(n * m);
          for (let i = 0; i < n; i++) {
            // one point in four copies an earlier one
            if (i > 0 && rng.nextInt(4) === 0) {
              const from = rng.nextInt(i) * m;
              points.copyWithin(i * m, from, from + m);
            } else for (let o = 0; o < m; o++) points[i * m + o] = rng.nextInt(levels) - levels / 2;
          }
          const out = new Int32Array(n);
          nonDominatedRanksInto(points, m, n, out);
          expect([...out]).toEqual([...fastNdsRanks(points, m)]);
        },
      ),
      { numRuns: 30 },
    );
  });
  it('invariant to input order', () => {
    fc.assert(
      fc.property(
        gridSet(80).chain((s) => fc.tuple(fc.constant(s), permutation(nOf(s)))),
        ([s, perm]) => {
          const ranks = nonDominatedRanks(s.points, s.m);
          const again = nonDominatedRanks(permuted(s, perm), s.m);
          perm.forEach((from, to) => {
            expect(again[to]).toBe(ranks[from]);
          });
          expect(nonDominatedFronts(s.points, s.m).flat().length).toBe(nOf(s));
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('indicator properties', () => {
  it('every indicator is 0 on the front itself, and order-invariant', () => {
    fc.assert(
      fc.property(
        gridSet(60, 2, 3, 8)
          .filter((s) => nOf(s) > 0)
          .chain((s) => fc.tuple(fc.constant(s), permutation(nOf(s)))),
        ([s, perm]) => {
          const front = paretoFrontIndices(s.points, s.m);
          const Z = new Float64Array(front.length * s.m);
          front.forEach((i, t) => {
            Z.set(s.points.subarray(i * s.m, (i + 1) * s.m), t * s.m);
          });
          for (const v of ['original', 'mean', 'power'] as const) expect(gd(Z, Z, s.m, v)).toBe(0);
          expect(gdPlus(Z, Z, s.m)).toBe(0);
          expect(igd(Z, Z, s.m)).toBe(0);
          expect(igdPlus(Z, Z, s.m)).toBe(0);
          // The whole set against its own front: GD+ and IGD+ are 0 (every point is weakly behind the front).
          expect(igdPlus(s.points, Z, s.m)).toBe(0);
          const P = permuted(s, perm);
          expect(gd(P, Z, s.m)).toBeCloseTo(gd(s.points, Z, s.m), 12);
          expect(igdPlus(P, Z, s.m)).toBeCloseTo(igdPlus(s.points, Z, s.m), 12);
          const ref = new Array(s.m).fill(8);
          expect(hypervolume(P, s.m, ref)).toBe(hypervolume(s.points, s.m, ref));
          expect(hypervolume(Z, s.m, ref)).toBe(hypervolume(s.points, s.m, ref));
        },
      ),
      { numRuns: 100 },
    );
  });
  it('hypervolume equals the count of unit cells covered, for integer points in 2 to 4 objectives', () => {
    fc.assert(
      fc.property(gridSet(25, 2, 4, 5), (s) => {
        const ref = 5;
        const cells = ref ** s.m;
        let covered = 0;
        for (let c = 0; c < cells; c++) {
          const cell: number[] = [];
          for (let k = 0, r = c; k < s.m; k++, r = Math.floor(r / ref)) cell.push(r % ref);
          for (let i = 0; i < nOf(s); i++) {
            if (cell.every((v, k) => s.points[i * s.m + k]! <= v)) {
              covered++;
              break;
            }
          }
        }
        expect(hypervolume(s.points, s.m, new Array(s.m).fill(ref))).toBe(covered);
      }),
      { numRuns: 150 },
    );
  });
  it('crowding distance does not depend on the order of distinct members', () => {
    fc.assert(
      fc.property(
        gridSet(40, 2, 3, 50).chain((s) => fc.tuple(fc.constant(s), permutation(nOf(s)))),
        ([s, perm]) => {
          const members = [...Array(nOf(s)).keys()];
          const d = crowdingDistance(s.points, s.m, members);
          const again = crowdingDistance(s.points, s.m, perm);
          const seen = new Set<string>();
          const firstCopy = (list: number[]) =>
            list.map((i) => {
              const key = s.points.subarray(i * s.m, (i + 1) * s.m).join(',');
              const first = !seen.has(key);
              seen.add(key);
              return first;
            });
          const firstInMembers = firstCopy(members);
          seen.clear();
          const firstInPerm = firstCopy(perm);
          // Distinct points with no tie in any objective get the same distance whatever the order.
          perm.forEach((i, t) => {
            if (firstInPerm[t] && firstInMembers[i]) {
              const row = s.points.subarray(i * s.m, (i + 1) * s.m);
              const tied = members.some(
                (j) => j !== i && firstInMembers[j] && [...row].some((v, k) => s.points[j * s.m + k] === v),
              );
              if (!tied) expect(again[t]).toBeCloseTo(d[i]!, 12);
            } else if (!firstInPerm[t]) expect(again[t]).toBe(0);
          });
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('allocation-free variants (into caller buffers) equal the allocating ones', () => {
  it('nonDominatedRanksInto: ranks of the first n points, padding ignored', () => {
    fc.assert(
      fc.property(fc.oneof(gridSet(120), doubleSet(80)), fc.integer({ min: 0, max: 7 }), (s, pad) => {
        const n = nOf(s);
        const padded = new Float64Array(s.points.length + pad * s.m).fill(-1);
        padded.set(s.points);
        const out = new Int32Array(n + 3).fill(99);
        nonDominatedRanksInto(padded, s.m, n, out);
        expect(Array.from(out.subarray(0, n))).toEqual(Array.from(nonDominatedRanks(s.points, s.m)));
        expect(Array.from(out.subarray(n))).toEqual([99, 99, 99]);
      }),
      { numRuns: 300 },
    );
  });

  it('crowdingDistanceInto: the naive reference bit for bit, members read and written at an offset', () => {
    fc.assert(
      fc.property(
        fc
          .oneof(gridSet(70, 1, 4, 6), doubleSet(60))
          .chain((s) =>
            fc.tuple(
              fc.constant(s),
              fc.array(fc.integer({ min: 0, max: Math.max(0, nOf(s) - 1) }), { maxLength: nOf(s) > 0 ? 70 : 0 }),
              fc.integer({ min: 0, max: 5 }),
            ),
          ),
        ([s, members, start]) => {
          const buf = new Int32Array(start + members.length + 2);
          buf.set(members, start);
          const out = new Float64Array(buf.length).fill(-7);
          crowdingDistanceInto(s.points, s.m, buf, start, members.length, out);
          const want = Array.from(naiveCrowding(s.points, s.m, members));
          expect(Array.from(out.subarray(start, start + members.length))).toEqual(want);
          expect(Array.from(crowdingDistance(s.points, s.m, members))).toEqual(want);
          expect(out[start + members.length]).toBe(-7);
          if (start > 0) expect(out[start - 1]).toBe(-7);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('crowdingDistanceOfDistinctInto: the same values as crowdingDistanceInto on distinct members', () => {
    fc.assert(
      fc.property(
        gridSet(60, 1, 4, 6).chain((s) =>
          fc.tuple(fc.constant(s), permutation(nOf(s)), fc.integer({ min: 0, max: 3 })),
        ),
        ([s, perm, start]) => {
          const seen = new Set<string>();
          const members = perm.filter((i) => {
            const key = s.points.subarray(i * s.m, (i + 1) * s.m).join(',');
            if (seen.has(key)) return false;
            seen.add(key);
            return true;
          });
          const buf = new Int32Array(start + members.length);
          buf.set(members, start);
          const a = new Float64Array(buf.length).fill(-7);
          const b = new Float64Array(buf.length).fill(-7);
          crowdingDistanceInto(s.points, s.m, buf, start, members.length, a);
          crowdingDistanceOfDistinctInto(s.points, s.m, buf, start, members.length, b);
          expect(Array.from(b)).toEqual(Array.from(a));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('interleaved calls of every sweep on sets of changing size and objective count (scratch reuse) match the naive references', () => {
    // The sweeps share one grow-only scratch pool and reuse their staircases: a call must not see what an
    // earlier, larger or differently shaped one left behind.
    fc.assert(
      fc.property(fc.array(gridSet(90, 1, 5), { minLength: 2, maxLength: 6 }), (sets) => {
        for (const s of sets) {
          const n = nOf(s);
          const want = [...peelingRanks(s.points, s.m)];
          const out = new Int32Array(n);
          nonDominatedRanksInto(s.points, s.m, n, out);
          expect([...out]).toEqual(want);
          const front = [...paretoFrontIndices(s.points, s.m)].sort((a, b) => a - b);
          expect(front).toEqual([...want.keys()].filter((i) => want[i] === 0));
          const members = Int32Array.from(want.keys());
          const crowd = new Float64Array(n);
          crowdingDistanceInto(s.points, s.m, members, 0, n, crowd);
          expect([...crowd]).toEqual([...naiveCrowding(s.points, s.m, members)]);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('sortIndices sorts by any strict total order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 200 }), (keys) => {
        const n = keys.length;
        const idx = Int32Array.from(keys.keys());
        sortIndices(idx, n, (a, b) => (keys[a] !== keys[b] ? keys[a]! > keys[b]! : a < b), new Int32Array(n));
        const want = [...keys.keys()].sort((a, b) => keys[b]! - keys[a]! || a - b);
        expect(Array.from(idx)).toEqual(want);
      }),
    );
  });
});
