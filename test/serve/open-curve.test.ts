/** The dashboard's one-pass convergence gives exactly openConvergence's checkpoints and front. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openConvergence } from '../../src/distributed/convergence.js';
import type { TellRecord } from '../../src/distributed/history.js';
import type { ObjectiveSpec } from '../../src/objectives/direction.js';
import { curveGrid } from '../../src/report/open.js';
import { openCurve } from '../../src/serve/open-curve.js';

const specs2: ObjectiveSpec[] = [
  { name: 'acc', direction: 'max' },
  { name: 'lat', direction: 'min' },
];
const specs3: ObjectiveSpec[] = [...specs2, { name: 'mem', direction: 'min' }];

/** Tells with small integer objectives (many ties and duplicates), repeated architectures and failures. */
const tellsArb = (m: number) =>
  fc
    .array(
      fc.record({
        arch: fc.integer({ min: 0, max: 30 }),
        ok: fc.integer({ min: 0, max: 5 }).map((x) => x > 0),
        v: fc.array(fc.integer({ min: 0, max: 6 }), { minLength: m, maxLength: m }),
      }),
      { minLength: 0, maxLength: 120 },
    )
    .map((rows) =>
      rows.map((r, n): TellRecord => {
        const names = ['acc', 'lat', 'mem'].slice(0, m);
        return r.ok
          ? {
              type: 'tell',
              n,
              arch: r.arch,
              ok: true,
              objectives: Object.fromEntries(names.map((k, i) => [k, r.v[i]!])),
              t: n * 7,
              ms: 1,
            }
          : { type: 'tell', n, arch: r.arch, ok: false, reason: 'x', t: n * 7, ms: 1 };
      }),
    );

describe('openCurve', () => {
  it('a hand-checked case: front and HV on the normalised square', () => {
    const t = (n: number, arch: number, acc: number, lat: number): TellRecord => ({
      type: 'tell',
      n,
      arch,
      ok: true,
      objectives: { acc, lat },
      t: n,
      ms: 1,
    });
    // (acc, lat): (0,0) and (1,1) are the front; (0,1) is dominated by both.
    const tells = [t(0, 1, 0, 1), t(1, 2, 0, 0), t(2, 3, 1, 1)];
    const c = openCurve(tells, specs2, { checkpoints: [1, 2, 3] });
    expect(c.checkpoints.map((x) => x.front)).toEqual([1, 1, 2]);
    // Normalised: (0,0) -> (1, 0), (1,1) -> (0, 1); ref 1.1: area 0.1*1.1 + 1.1*0.1 - 0.1*0.1 = 0.21.
    expect(c.checkpoints[2]!.hv).toBeCloseTo(0.21, 12);
    expect(c.front.map((f) => f.index)).toEqual([3, 2]);
  });

  for (const [m, specs] of [
    [2, specs2],
    [3, specs3],
  ] as const) {
    it(`equals openConvergence (${m} objectives, normalised and explicit reference)`, () => {
      fc.assert(
        fc.property(tellsArb(m), fc.boolean(), (tells, explicit) => {
          const checkpoints = curveGrid(tells.length, [], 37);
          const ref = explicit ? specs.map(() => 10) : undefined;
          const want = openConvergence(tells, specs, { checkpoints, ...(ref ? { ref } : {}) });
          const got = openCurve(tells, specs, { checkpoints, ...(ref ? { ref } : {}) });
          expect(got.checkpoints).toEqual(want.checkpoints);
          expect(got.front).toEqual(want.front);
        }),
        { numRuns: 300 },
      );
    });
  }
});
