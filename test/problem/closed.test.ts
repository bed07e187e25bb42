/**
 * The closed problem against brute force (signs, masks, front, distances), and the two convergence paths
 * (`convergence` of hwnas search, `replay` of studies) against each other on the same history.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromMinimised, minimisedName, minimiseSign, toMinimised } from '../../src/objectives/direction.js';
import type { ObjectiveColumn } from '../../src/objectives/types.js';
import { parseConstraints } from '../../src/problem/constraints.js';
import { closedProblem, convergence, frontRows, replay } from '../../src/problem/index.js';
import type { SearchSpace } from '../../src/space/types.js';

const space = (n: number) => ({ id: 'toy', size: n, format: (i: number) => `a${i}` }) as unknown as SearchSpace;
const column = (name: string, direction: 'min' | 'max', values: number[]): ObjectiveColumn => ({
  name,
  source: `fixture:${name}`,
  direction,
  unit: '',
  values: Float64Array.from(values),
});

/** Small integer values (many ties and duplicates), some missing (NaN). */
const table = fc.integer({ min: 1, max: 40 }).chain((n) =>
  fc.record({
    acc: fc.array(fc.oneof(fc.integer({ min: 0, max: 6 }), fc.constant(Number.NaN)), { minLength: n, maxLength: n }),
    lat: fc.array(fc.oneof(fc.integer({ min: 0, max: 6 }), fc.constant(Number.NaN)), { minLength: n, maxLength: n }),
    bound: fc.integer({ min: 0, max: 7 }),
  }),
);

const dominates = (a: number[], b: number[]) => a.every((v, k) => v <= b[k]!) && a.some((v, k) => v < b[k]!);

describe('closedProblem', () => {
  it('signs, masks, front and distances agree with brute force', () => {
    fc.assert(
      fc.property(table, ({ acc, lat, bound }) => {
        const n = acc.length;
        const p = closedProblem(
          space(n),
          { accuracy: column('acc', 'max', acc), latency: column('lat', 'min', lat) },
          { constraints: parseConstraints([`latency<=${bound}`]) },
        );
        const feasible = [...Array(n).keys()].filter((i) => Number.isFinite(acc[i]!) && lat[i]! <= bound);
        expect(p.feasibleCount).toBe(feasible.length);
        expect(p.coveredCount).toBe(acc.filter((a, i) => Number.isFinite(a) && Number.isFinite(lat[i]!)).length);
        for (let i = 0; i < n; i++) {
          expect(p.objectives[2 * i]).toBe(-acc[i]!);
          expect(p.objectives[2 * i + 1]).toBe(lat[i]);
        }
        if (feasible.length === 0) {
          expect(() => frontRows(p)).toThrow(/no architecture is covered/);
          return;
        }
        const point = (i: number) => [-acc[i]!, lat[i]!];
        const front = feasible.filter((i) => !feasible.some((j) => dominates(point(j), point(i))));
        expect([...p.front].sort((a, b) => a - b)).toEqual(front);
        const { normalized, distToFront, frontNormalized } = p.normalized();
        expect(frontNormalized.length).toBe(2 * front.length);
        for (let i = 0; i < n; i++) {
          if (!feasible.includes(i)) {
            expect(distToFront[i]).toBeNaN();
            continue;
          }
          const x = normalized[2 * i]!;
          const y = normalized[2 * i + 1]!;
          let best = Number.POSITIVE_INFINITY;
          for (let j = 0; j < front.length; j++)
            best = Math.min(best, Math.hypot(x - frontNormalized[2 * j]!, y - frontNormalized[2 * j + 1]!));
          expect(distToFront[i]).toBeCloseTo(best, 12);
          if (front.includes(i)) expect(distToFront[i]).toBe(0);
        }
      }),
    );
  });

  it('a source that misses architectures fails unless allowed; one of the wrong length always', () => {
    const sources = { accuracy: column('acc', 'max', [1, Number.NaN, 3]), latency: column('lat', 'min', [1, 2, 3]) };
    expect(() => closedProblem(space(3), sources, { allowMissing: false, missingHint: 'hint' })).toThrow(
      "source 'fixture:acc' has no value for 1 of 3 architectures of 'toy'",
    );
    expect(closedProblem(space(3), sources, { allowMissing: true }).feasibleCount).toBe(2);
    expect(() => closedProblem(space(4), sources)).toThrow("has 3 values but space 'toy' has 4 architectures");
  });

  it('latency first orders the front by latency', () => {
    const p = closedProblem(
      space(4),
      { accuracy: column('acc', 'max', [1, 2, 3, 0]), latency: column('lat', 'min', [1, 2, 3, 1]) },
      { latencyFirst: true },
    );
    expect(frontRows(p).map((r) => [r.index, r.latency, r.accuracy])).toEqual([
      [0, 1, 1],
      [1, 2, 2],
      [2, 3, 3],
    ]);
  });
});

describe('convergence and replay', () => {
  it('give the same indicators for the same history', () => {
    fc.assert(
      fc.property(table, fc.array(fc.nat(), { minLength: 1, maxLength: 60 }), ({ acc, lat }, picks) => {
        const n = acc.length;
        const full = (v: number[]) => v.map((x) => (Number.isFinite(x) ? x : 3));
        const p = closedProblem(space(n), {
          accuracy: column('acc', 'max', full(acc)),
          latency: column('lat', 'min', full(lat)),
        });
        const archs = Int32Array.from(picks, (k) => k % n);
        const checkpoints = [...new Set([1, Math.ceil(archs.length / 2), archs.length])].sort((a, b) => a - b);
        const a = convergence(p, archs, checkpoints).checkpoints;
        const b = replay({ ...p.normalized(), objectives: p.objectives, m: p.m }, archs, {
          checkpoints,
          frontsAt: [],
        }).checkpoints;
        expect(b.map((c) => c.evals)).toEqual(a.map((c) => c.evals));
        for (let k = 0; k < a.length; k++) {
          expect(b[k]!.frontSize).toBe(a[k]!.found);
          for (const key of ['gd', 'gdMean', 'igdPlus', 'hv'] as const) expect(b[k]![key]).toBeCloseTo(a[k]![key], 12);
        }
      }),
    );
  });
});

describe('directions', () => {
  it('maximised objectives are negated, and negated back', () => {
    expect([minimiseSign('max'), minimiseSign('min')]).toEqual([-1, 1]);
    expect([toMinimised(3, 'max'), toMinimised(3, 'min'), fromMinimised(-3, 'max')]).toEqual([-3, 3, 3]);
    expect([minimisedName('accuracy', 'max'), minimisedName('latency', 'min')]).toEqual(['-accuracy', 'latency']);
  });
});
