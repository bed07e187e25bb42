/**
 * Adaptive pruning rules: the spec syntax (canonical form, defaults, every refusal one line), schedules
 * against hand-computed restore points, the hypervolume test against brute force, and properties: the
 * allowed set only grows, and a replay of the same tells gives the same schedule.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HwnasError } from '../../src/errors.js';
import {
  AdaptiveSchedule,
  DEFAULT_ADAPTIVE_RULE,
  DEFAULT_ADAPTIVE_SETTING,
  formatAdaptiveRule,
  parseAdaptiveRule,
  parsePruningSpec,
} from '../../src/prune/index.js';
import { errorOf } from '../helpers/errors.js';

/** The one line a user would see: message and hint. */
const msg = (f: () => unknown): string => (errorOf(f) as HwnasError).line();

/** Two decisions of 5 choices, 3 removed each (removal order worst first), 2 kept. */
const allowed = [
  [1, 4],
  [0, 2],
];
const removed = [
  [0, 2, 3],
  [4, 1, 3],
];

/** Feed `n` vectors from `vec(i)`; the evaluations (1-based) at which blocks came back. */
function restoresOf(rule: string, n: number, vec: (i: number) => [number, number]): number[] {
  const s = new AdaptiveSchedule(parseAdaptiveRule(rule), allowed, removed, 2);
  const at: number[] = [];
  for (let i = 0; i < n; i++) if (s.observe(vec(i), 0)) at.push(s.evaluations);
  return at;
}

describe('adaptive pruning specs', () => {
  it('canonicalises rules with every default spelled out', () => {
    expect(formatAdaptiveRule(parseAdaptiveRule('stall=50'))).toBe('stall=50,step=all');
    expect(formatAdaptiveRule(parseAdaptiveRule('every=200'))).toBe('every=200,step=1');
    expect(formatAdaptiveRule(parseAdaptiveRule('step=2, every=10'))).toBe('every=10,step=2');
    expect(formatAdaptiveRule(parseAdaptiveRule('after=500'))).toBe('after=500');
    expect(formatAdaptiveRule(parseAdaptiveRule('soft=0.05'))).toBe('soft=0.05,grow=100');
    expect(formatAdaptiveRule(parseAdaptiveRule('stall=100,soft=0.1,grow=50'))).toBe(
      'stall=100,step=all,soft=0.1,grow=50',
    );
  });

  it('parses adaptive:<metric>@<ratio>[:<rule>] and fills in the default rule', () => {
    expect(parsePruningSpec('adaptive:params/latency@70%:every=100,step=1')).toMatchObject({
      spec: 'adaptive:params/latency@0.7:every=100,step=1',
      metric: 'params/latency',
      ratio: 0.7,
    });
    const d = parsePruningSpec('adaptive:latency@0.5');
    expect(d.spec).toBe(`adaptive:latency@0.5:${formatAdaptiveRule(parseAdaptiveRule(DEFAULT_ADAPTIVE_RULE))}`);
    expect(parsePruningSpec('latency@0.5')).toMatchObject({ spec: 'latency@0.5', adaptive: null });
    expect(parsePruningSpec(DEFAULT_ADAPTIVE_SETTING).spec).toBe(DEFAULT_ADAPTIVE_SETTING);
    expect(parsePruningSpec('none').spec).toBe('none');
  });

  it('refuses bad rules and ratios with one line', () => {
    expect(msg(() => parseAdaptiveRule('wait=5'))).toMatch(/unknown adaptive pruning rule 'wait=5'/);
    expect(msg(() => parseAdaptiveRule('stall=-5'))).toMatch(/'stall' must be a positive integer.*'-5'/);
    expect(msg(() => parseAdaptiveRule('stall=2.5'))).toMatch(/'stall' must be a positive integer.*'2.5'/);
    expect(msg(() => parseAdaptiveRule('every=0'))).toMatch(/'every' must be a positive integer/);
    expect(msg(() => parseAdaptiveRule('after=x'))).toMatch(/'after' must be a positive integer/);
    expect(msg(() => parseAdaptiveRule('stall'))).toMatch(/needs a value/);
    expect(msg(() => parseAdaptiveRule('after=5,stall=5'))).toMatch(/one restore rule/);
    expect(msg(() => parseAdaptiveRule('step=1'))).toMatch(/'step' needs 'every' or 'stall'/);
    expect(msg(() => parseAdaptiveRule('grow=10'))).toMatch(/'grow' needs 'soft'/);
    expect(msg(() => parseAdaptiveRule('soft=0'))).toMatch(/soft pruning probability must be in \(0, 1\]/);
    expect(msg(() => parseAdaptiveRule('soft=1.5'))).toMatch(/soft pruning probability/);
    expect(msg(() => parseAdaptiveRule('stall=5,stall=6'))).toMatch(/given twice/);
    expect(msg(() => parsePruningSpec('adaptive:latency@1'))).toMatch(/bad pruning ratio/);
    expect(msg(() => parsePruningSpec('adaptive:latency@-0.1'))).toMatch(/bad pruning ratio/);
    expect(msg(() => parsePruningSpec('adaptive:latency@120%'))).toMatch(/bad pruning ratio/);
    expect(msg(() => parsePruningSpec('adaptive:latency@0'))).toMatch(/removes nothing/);
    expect(msg(() => parsePruningSpec('adaptive:latency'))).toMatch(/bad pruning setting/);
    for (const bad of ['wait=5', 'stall=-5', 'adaptive:latency@1'])
      expect(msg(() => parsePruningSpec(bad.includes(':') ? bad : `adaptive:latency@0.5:${bad}`))).not.toMatch(/\n/);
  });
});

describe('adaptive pruning schedules', () => {
  // every vector improves (a new non-dominated point each time) / none after the first improves
  const improving = (i: number): [number, number] => [i, -i];
  const flat = (): [number, number] => [1, 1];

  it('after=k restores everything at evaluation k', () => {
    expect(restoresOf('after=7', 20, flat)).toEqual([7]);
    const s = new AdaptiveSchedule(parseAdaptiveRule('after=3'), allowed, removed, 2);
    for (let i = 0; i < 3; i++) s.observe([1, 1], 0);
    expect(s.allowed()).toEqual([
      [0, 1, 2, 3, 4],
      [0, 1, 2, 3, 4],
    ]);
  });

  it('every=k,step=1 restores the best-scored removed block of each decision every k evaluations', () => {
    expect(restoresOf('every=4,step=1', 20, flat)).toEqual([4, 8, 12]);
    const s = new AdaptiveSchedule(parseAdaptiveRule('every=2,step=1'), allowed, removed, 2);
    const steps: number[][][] = [];
    for (let i = 0; i < 6; i++) if (s.observe([1, 1], 0)) steps.push(s.allowed());
    // removal order [0, 2, 3] and [4, 1, 3]: 3 comes back first, then 2 and 1, then 0 and 4
    expect(steps).toEqual([
      [
        [1, 3, 4],
        [0, 2, 3],
      ],
      [
        [1, 2, 3, 4],
        [0, 1, 2, 3],
      ],
      [
        [0, 1, 2, 3, 4],
        [0, 1, 2, 3, 4],
      ],
    ]);
    expect(s.events).toEqual([
      { evals: 2, restored: 2 },
      { evals: 4, restored: 4 },
      { evals: 6, restored: 6 },
    ]);
  });

  it('stall=w restores after w evaluations that did not grow the hypervolume', () => {
    // evaluation 1 improves (first point), 2..6 do not: the 5th non-improving one (evaluation 6) restores
    expect(restoresOf('stall=5', 30, flat)).toEqual([6]);
    expect(restoresOf('stall=5', 30, improving)).toEqual([]);
    // improving for 10, then flat: stall counts from evaluation 11; step=1 restores three times
    const v = (i: number): [number, number] => (i < 10 ? [i, -i] : [100, 100]);
    expect(restoresOf('stall=3,step=1', 30, v)).toEqual([13, 16, 19]);
  });

  it('a told vector equal to an archived one, or dominated, does not grow the hypervolume; infeasible ones are no evaluation', () => {
    const s = new AdaptiveSchedule(parseAdaptiveRule('stall=2'), allowed, removed, 2);
    s.observe([1, 1], 0);
    expect(s.stall).toBe(0);
    s.observe([1, 1], 0);
    expect(s.stall).toBe(1);
    s.observe([Number.POSITIVE_INFINITY, 0], 0);
    expect(s.stall).toBe(1);
    expect(s.evaluations).toBe(2);
    s.observe([0, 2], 0); // non-dominated: improves
    expect(s.stall).toBe(0);
  });

  it('soft probability is p0 * (1 + stall / grow), capped at 1', () => {
    const s = new AdaptiveSchedule(parseAdaptiveRule('soft=0.1,grow=10'), allowed, removed, 2);
    expect(s.softProbability()).toBeCloseTo(0.1, 15);
    s.observe([1, 1], 0);
    for (let i = 0; i < 5; i++) s.observe([2, 2], 0);
    expect(s.stall).toBe(5);
    expect(s.softProbability()).toBeCloseTo(0.15, 15);
    for (let i = 0; i < 200; i++) s.observe([2, 2], 0);
    expect(s.softProbability()).toBe(1);
    expect(s.remaining()).toBe(6); // soft pruning alone restores nothing
  });

  it('property: the allowed set only grows, and the same tells give the same schedule', () => {
    const vec = fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 }));
    const rule = fc.constantFrom('after=5', 'every=3,step=1', 'every=2,step=2', 'stall=3', 'stall=2,step=1');
    fc.assert(
      fc.property(rule, fc.array(vec, { maxLength: 60 }), (r, vs) => {
        const a = new AdaptiveSchedule(parseAdaptiveRule(r), allowed, removed, 2);
        const b = new AdaptiveSchedule(parseAdaptiveRule(r), allowed, removed, 2);
        let prev = a.allowed();
        for (const v of vs) {
          a.observe(v, 0);
          b.observe(v, 0);
          const now = a.allowed();
          prev.forEach((codes, d) => {
            for (const c of codes) expect(now[d]).toContain(c);
          });
          prev = now;
        }
        expect(b.events).toEqual(a.events);
        expect(b.allowed()).toEqual(a.allowed());
      }),
    );
  });

  it('property: the hypervolume test agrees with brute-force weak dominance, 2 and 3 objectives', () => {
    for (const m of [2, 3]) {
      const vec = fc.array(fc.integer({ min: 0, max: 6 }), { minLength: m, maxLength: m });
      fc.assert(
        fc.property(fc.array(vec, { maxLength: 40 }), (vs) => {
          const s = new AdaptiveSchedule(parseAdaptiveRule('stall=1000'), allowed, removed, m);
          vs.forEach((v, i) => {
            const weak = vs.slice(0, i).some((u) => u.every((x, o) => x <= v[o]!));
            const before = s.stall;
            s.observe(v, 0);
            expect(s.stall).toBe(weak ? before + 1 : 0);
          });
        }),
      );
    }
  });
});
