/** The live curve, fed in pieces, equals openConvergence at its grid; its grid stays bounded. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openConvergence } from '../../src/distributed/convergence.js';
import type { TellRecord } from '../../src/distributed/history.js';
import type { ObjectiveSpec } from '../../src/objectives/direction.js';
import { Rng } from '../../src/rng.js';
import { LiveCurve, MAX_POINTS } from '../../src/serve/live-curve.js';

const specs2: ObjectiveSpec[] = [
  { name: 'acc', direction: 'max' },
  { name: 'lat', direction: 'min' },
];
const specs3: ObjectiveSpec[] = [...specs2, { name: 'mem', direction: 'min' }];
const NAMES = ['acc', 'lat', 'mem'];

function tell(n: number, arch: number, ok: boolean, v: number[]): TellRecord {
  return ok
    ? { type: 'tell', n, arch, ok, objectives: Object.fromEntries(v.map((x, i) => [NAMES[i]!, x])), t: n * 7, ms: 1 }
    : { type: 'tell', n, arch, ok, reason: 'x', t: n * 7, ms: 1 };
}

/** Feed `tells` in the given chunk sizes, as a growing history would. */
function fed(specs: ObjectiveSpec[], tells: TellRecord[], chunks: number[], ref?: number[]): LiveCurve {
  const c = new LiveCurve(specs, ref);
  let end = 0;
  for (const size of [...chunks, tells.length]) {
    end = Math.min(tells.length, end + size);
    c.extend(tells.slice(0, end));
    c.result();
  }
  return c;
}

describe('LiveCurve', () => {
  for (const specs of [specs2, specs3]) {
    it(`equals openConvergence at its grid, fed in any pieces (${specs.length} objectives)`, () => {
      fc.assert(
        fc.property(
          fc.array(
            fc.record({
              arch: fc.integer({ min: 0, max: 30 }),
              ok: fc.integer({ min: 0, max: 5 }).map((x) => x > 0),
              v: fc.array(fc.integer({ min: 0, max: 6 }), { minLength: specs.length, maxLength: specs.length }),
            }),
            { maxLength: 120 },
          ),
          fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 6 }),
          fc.boolean(),
          (rows, chunks, explicit) => {
            const tells = rows.map((r, n) => tell(n, r.arch, r.ok, r.v));
            const ref = explicit ? specs.map(() => 10) : undefined;
            const c = fed(specs, tells, chunks, ref);
            const want = openConvergence(tells, specs, { checkpoints: c.grid(), ...(ref ? { ref } : {}) });
            expect(c.result()).toEqual({ checkpoints: want.checkpoints, front: want.front });
          },
        ),
        { numRuns: 300 },
      );
    });
  }

  it('keeps at most MAX_POINTS grid points however long the search, each still exact', () => {
    const rng = new Rng(3);
    const tells = Array.from({ length: 5000 }, (_, n) =>
      tell(n, Math.floor(rng.nextFloat() * 3000), rng.nextFloat() > 0.1, [rng.nextFloat(), rng.nextFloat()]),
    );
    const c = fed(specs2, tells, [1, 7, 900, 2100]);
    const grid = c.grid();
    expect(grid.length).toBeGreaterThanOrEqual(MAX_POINTS / 2);
    expect(grid.length).toBeLessThanOrEqual(MAX_POINTS + 1);
    // 5000 evaluations: the step doubled from 1 to 16 (5000 / 16 = 312 points, plus the last one).
    expect(grid.slice(0, 3)).toEqual([16, 32, 48]);
    expect(grid[grid.length - 1]).toBe(5000);
    const want = openConvergence(tells, specs2, { checkpoints: grid });
    expect(c.result()).toEqual({ checkpoints: want.checkpoints, front: want.front });
  });
});
