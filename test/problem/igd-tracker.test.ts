import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { igdPlus, paretoFrontIndices } from '../../src/pareto/index.js';
import { IgdPlusTracker, pickRows } from '../../src/problem/index.js';

describe('IGD+ after every evaluation', () => {
  it('gives hand-computed values and only reports decreases', () => {
    // true front (0, 1), (1, 0); points: a = (0.5, 0.5), b = (0, 2), c = (0.5, 0.5) again, d = (0, 1)
    const front = Float64Array.of(0, 1, 1, 0);
    const pts = Float64Array.of(0.5, 0.5, 0, 2, 0.5, 0.5, 0, 1);
    const t = new IgdPlusTracker(pts, front, 2);
    expect(t.value()).toBe(Number.POSITIVE_INFINITY);
    // a: d+ to (0,1) = 0.5, to (1,0) = 0.5 -> 0.5
    expect(t.add(0)).toBe(true);
    expect(t.value()).toBe(0.5);
    // b: d+ to (0,1) = 1, to (1,0) = 2: no better -> unchanged
    expect(t.add(1)).toBe(false);
    expect(t.add(2)).toBe(false);
    // d is on the front: d+ to (0,1) = 0, to (1,0) = 1 > 0.5 -> (0 + 0.5) / 2
    expect(t.add(3)).toBe(true);
    expect(t.value()).toBe(0.25);
  });

  it('ignores rows outside the feasible set (NaN)', () => {
    const t = new IgdPlusTracker(Float64Array.of(Number.NaN, Number.NaN, 1, 1), Float64Array.of(0, 0), 2);
    expect(t.add(0)).toBe(false);
    expect(t.add(1)).toBe(true);
    expect(t.value()).toBe(Math.SQRT2);
  });

  it('equals igdPlus of the non-dominated set of every prefix, bit for bit (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 })), {
          minLength: 2,
          maxLength: 30,
        }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 40 }),
        (rows, order) => {
          const m = 2;
          const objectives = Float64Array.from(rows.flat(), (v) => v / 7);
          const n = rows.length;
          const Z = pickRows(objectives, m, paretoFrontIndices(objectives, m));
          const t = new IgdPlusTracker(objectives, Z, m);
          const seen: number[] = [];
          let last = Number.POSITIVE_INFINITY;
          for (const o of order) {
            const a = o % n;
            const changed = t.add(a);
            if (!seen.includes(a)) seen.push(a);
            const pts = pickRows(objectives, m, seen);
            const found = pickRows(pts, m, paretoFrontIndices(pts, m));
            expect(t.value()).toBe(igdPlus(found, Z, m));
            expect(changed).toBe(t.value() < last);
            last = t.value();
          }
        },
      ),
    );
  });
});
