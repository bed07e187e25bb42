/**
 * Rung logic of multi-objective ASHA (src/distributed/asha.ts) against hand-computed decisions, and its
 * invariants as properties: no rung promotes more than 1/eta of its entries, and a stopped evaluation
 * never enters a later rung.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AshaRungs, rungLevels, rungOrder } from '../../src/distributed/asha.js';
import { errorOf } from '../helpers/errors.js';

/** Report `fidelity` for evaluation n as the coordinator does: enter every rung it reaches, stop at a stop. */
function report(r: AshaRungs, n: number, fidelity: number, vec: number[]): string[] {
  const out: string[] = [];
  while (r.due(n, fidelity)) {
    const v = r.enter(n, vec);
    out.push(`${v.rung}:${v.decision}`);
    if (v.decision === 'stop') break;
  }
  return out;
}

describe('rung levels', () => {
  it('min * eta^k below max', () => {
    expect(rungLevels({ eta: 3, min: 1, max: 27 })).toEqual([1, 3, 9]);
    expect(rungLevels({ eta: 3, min: 1, max: 6 })).toEqual([1, 3]);
    expect(rungLevels({ eta: 2, min: 1, max: 8 })).toEqual([1, 2, 4]);
    expect(rungLevels({ eta: 3, min: 2, max: 2 })).toEqual([]);
  });

  it('eta < 2, min <= 0 and min > max are user errors naming the setting', () => {
    expect(errorOf(() => rungLevels({ eta: 1.5, min: 1, max: 9 })).message).toMatch(
      /eta must be a number >= 2, got 1.5/,
    );
    expect(errorOf(() => rungLevels({ eta: 3, min: 0, max: 9 })).message).toMatch(/min must be a positive number/);
    expect(errorOf(() => rungLevels({ eta: 3, min: 5, max: 4 })).message).toMatch(
      /max \(4\) must be a number >= min \(5\)/,
    );
  });
});

describe('rung order: rank, then crowding distance (larger first), then entry order', () => {
  it('2 objectives', () => {
    // [0,0] alone in rank 0; rank 1: [1,5] (crowding 2), [2,2] and [0.5,6] (boundary, Infinity); [3,3] rank 2
    const pts = Float64Array.from([1, 5, 2, 2, 0, 0, 3, 3, 0.5, 6]);
    expect(rungOrder(pts, 2)).toEqual([2, 1, 4, 0, 3]);
  });

  it('duplicates: the first copy keeps the distance, later copies come after the distinct points', () => {
    const pts = Float64Array.from([1, 1, 1, 1, 0, 2, 1, 1]);
    expect(rungOrder(pts, 2)).toEqual([0, 2, 1, 3]);
  });
});

describe('decisions, hand-computed', () => {
  it('2 objectives, eta 2: the quota floor(k/eta) and the order decide', () => {
    const r = new AshaRungs({ eta: 2, min: 1, max: 4 }, 2);
    expect(r.levels).toEqual([1, 2]);
    expect(report(r, 0, 1, [1, 5])).toEqual(['0:stop']); // k=1: quota 0
    expect(report(r, 1, 1, [2, 2])).toEqual(['0:stop']); // k=2, quota 1: tied with [1,5] (both boundary), later entry
    expect(report(r, 2, 1, [0, 0])).toEqual(['0:continue']); // dominates both: first
    expect(report(r, 3, 1, [3, 3])).toEqual(['0:stop']); // rank 2, last
    expect(report(r, 4, 1, [0.5, 6])).toEqual(['0:stop']); // k=5, quota 2: third in order (after [0,0], [2,2])
    expect(report(r, 5, 1, [0.1, 0.1])).toEqual(['0:continue']); // k=6, quota 3: second
    expect(report(r, 2, 2, [0, 0])).toEqual(['1:stop']); // first in rung 1: quota 0
    expect(report(r, 5, 2, [0.2, 0.1])).toEqual(['1:stop']); // dominated by [0,0]: second, quota 1
    expect(r.summary()).toEqual([
      { level: 1, entries: 6, promoted: 2 },
      { level: 2, entries: 2, promoted: 0 },
    ]);
  });

  it('ties and duplicates, eta 2: copies of a point already in the rung are stopped', () => {
    const r = new AshaRungs({ eta: 2, min: 1, max: 2 }, 2);
    expect(report(r, 0, 1, [1, 1])).toEqual(['0:stop']);
    expect(report(r, 1, 1, [1, 1])).toEqual(['0:stop']);
    expect(report(r, 2, 1, [1, 1])).toEqual(['0:stop']);
    expect(report(r, 3, 1, [1, 1])).toEqual(['0:stop']);
    // a new point on the same front: boundary (Infinity) like the first copy, after it by entry order
    expect(report(r, 4, 1, [0, 2])).toEqual(['0:continue']);
  });

  it('3 objectives, eta 3', () => {
    const r = new AshaRungs({ eta: 3, min: 1, max: 3 }, 3);
    expect(report(r, 0, 1, [1, 2, 3])).toEqual(['0:stop']);
    expect(report(r, 1, 1, [3, 2, 1])).toEqual(['0:stop']);
    expect(report(r, 2, 1, [2, 2, 2])).toEqual(['0:stop']); // same front, interior (crowding 2)
    expect(report(r, 3, 1, [0, 0, 0])).toEqual(['0:continue']); // dominates all
    expect(report(r, 4, 1, [0, 0, 1])).toEqual(['0:stop']); // k=5: quota 1 already used
    expect(report(r, 5, 1, [5, 5, 5])).toEqual(['0:stop']);
    expect(report(r, 6, 1, [0, 0, 0.5])).toEqual(['0:continue']); // k=7, quota 2: second
    expect(r.summary()).toEqual([{ level: 1, entries: 7, promoted: 2 }]);
  });

  it('a rung filling while others are in flight; late and skipping reports', () => {
    const r = new AshaRungs({ eta: 2, min: 1, max: 8 }, 2);
    expect(report(r, 0, 1, [3, 3])).toEqual(['0:stop']);
    expect(report(r, 1, 1, [1, 1])).toEqual(['0:continue']);
    expect(report(r, 1, 2, [1, 1])).toEqual(['1:stop']); // first in rung 1
    expect(report(r, 2, 1, [2, 2])).toEqual(['0:stop']); // k=3, quota 1 used by n1
    expect(report(r, 0, 2, [0, 0])).toEqual([]); // n0 was stopped: a late report is ignored
    expect(report(r, 3, 1, [0.5, 0.5])).toEqual(['0:continue']); // k=4, quota 2
    expect(report(r, 3, 1.5, [0.5, 0.5])).toEqual([]); // between rungs
    expect(report(r, 3, 2, [0.4, 0.4])).toEqual(['1:continue']); // k=2, quota 1, dominates n1
    expect(report(r, 4, 2.5, [0.1, 0.1])).toEqual(['0:stop']); // first report past rung 0: k=5, quota 2 used
    // one report past two rungs enters both: rung 0 (k=6, quota 3) continue, rung 1 (k=3, quota 1 used) stop
    expect(report(r, 5, 3, [0.05, 0.05])).toEqual(['0:continue', '1:stop']);
    expect(report(r, 3, 4, [0.3, 0.3])).toEqual(['2:stop']);
    expect(report(r, 3, 8, [0.3, 0.3])).toEqual([]); // stopped (and no rung at max)
    expect(r.isStopped(3)).toBe(true);
    expect(r.isStopped(1)).toBe(true);
  });

  it('a rerun reporting fidelity 1, 2, ... again enters no rung twice', () => {
    const r = new AshaRungs({ eta: 2, min: 1, max: 4 }, 1);
    report(r, 0, 1, [5]);
    expect(report(r, 1, 1, [1])).toEqual(['0:continue']);
    expect(report(r, 1, 1, [1])).toEqual([]); // the rerun's first epoch
    expect(r.summary()[0]).toEqual({ level: 1, entries: 2, promoted: 1 });
  });
});

describe('properties', () => {
  const reports = fc.array(
    fc.record({
      n: fc.integer({ min: 0, max: 11 }),
      a: fc.integer({ min: 0, max: 3 }),
      b: fc.integer({ min: 0, max: 3 }),
    }),
    { maxLength: 120 },
  );

  it('no rung ever promotes more than 1/eta of its entries; a stopped evaluation never enters a later rung', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 4 }), fc.integer({ min: 1, max: 3 }), reports, (eta, m, seq) => {
        const r = new AshaRungs({ eta, min: 1, max: eta ** 3 }, m);
        const fidelity = new Map<number, number>();
        const stoppedAt = new Map<number, number>();
        const continued: Set<number>[] = r.levels.map(() => new Set<number>());
        for (const { n, a, b } of seq) {
          // each report of n goes one rung level further (1, eta, eta^2, ...), objectives from a small set
          const f = fidelity.get(n) === undefined ? 1 : fidelity.get(n)! * eta;
          fidelity.set(n, f);
          const vec = [a, b, a + b].slice(0, m);
          while (r.due(n, f)) {
            expect(stoppedAt.has(n)).toBe(false);
            const v = r.enter(n, vec);
            if (v.rung > 0) expect(continued[v.rung - 1]!.has(n)).toBe(true);
            if (v.decision === 'stop') {
              stoppedAt.set(n, v.rung);
              break;
            }
            continued[v.rung]!.add(n);
          }
          for (const s of r.summary()) expect(s.promoted).toBeLessThanOrEqual(Math.floor(s.entries / eta));
        }
        for (const n of stoppedAt.keys()) expect(r.isStopped(n)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
