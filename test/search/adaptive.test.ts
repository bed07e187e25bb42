/**
 * Strategies under adaptive pruning: every strategy asks only inside the allowed set of the moment (the
 * pruned space before the first restore, the widened one after), runs are deterministic, soft pruning is
 * refused where nothing mutates, and without a rule the strategy is the plain one (same asks).
 */
import { describe, expect, it } from 'vitest';
import { parseAdaptiveRule } from '../../src/prune/index.js';
import { Rng } from '../../src/rng.js';
import {
  adaptiveScheduleOf,
  createPrunedStrategy,
  createStrategy,
  runClosed,
  strategyNames,
} from '../../src/search/index.js';
import { errorOf } from '../helpers/errors.js';

const radix = [5, 5, 5, 5, 5, 5];
const n = 5 ** 6;
const allowed = radix.map((_, d) => [d % 5, (d + 2) % 5].sort((a, b) => a - b));
/** The other three choices per decision, in a fixed removal order. */
const removed = radix.map((_, d) => [0, 1, 2, 3, 4].filter((c) => !allowed[d]!.includes(c)));
const rng = new Rng(42);
const table = Float64Array.from({ length: 2 * n }, () => rng.nextFloat());
const codes = (i: number) => radix.map((_, d) => Math.floor(i / 5 ** d) % 5);
const cfg = (seed: number) => ({ radix, allowed, objectives: 2, seed, population: 20, sample: 5 });

describe('adaptive strategies', () => {
  it.each(strategyNames)('%s asks inside the pruned space until the restore, then anywhere restored', (name) => {
    const s = createPrunedStrategy(name, cfg(1), { rule: parseAdaptiveRule('after=60'), removed });
    const r = runClosed(s, table, 2, 200);
    const early = Array.from(r.archs.subarray(0, 60));
    expect(early.every((a) => codes(a).every((c, d) => allowed[d]!.includes(c)))).toBe(true);
    // after the restore, removed blocks show up
    const late = Array.from(r.archs.subarray(60));
    expect(late.some((a) => codes(a).some((c, d) => !allowed[d]!.includes(c)))).toBe(true);
  });

  it.each(strategyNames)('%s: same config and seed, same run', (name) => {
    const run = () =>
      Array.from(
        runClosed(
          createPrunedStrategy(name, cfg(5), { rule: parseAdaptiveRule('stall=15,step=1'), removed }),
          table,
          2,
          400,
        ).archs,
      );
    expect(run()).toEqual(run());
  });

  it('without a rule the strategy is the plain one: the same asks', () => {
    const a = runClosed(createPrunedStrategy('re', cfg(3), undefined), table, 2, 300).archs;
    const b = runClosed(createStrategy('re', cfg(3)), table, 2, 300).archs;
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('every=k,step=1 on RE: the asks between restores use only the blocks restored so far', () => {
    const s = createPrunedStrategy('re', cfg(9), { rule: parseAdaptiveRule('every=50,step=1'), removed });
    const r = runClosed(s, table, 2, 200);
    // ask i (0-based) comes after i tells: floor(i / 50) steps restored, the last-removed blocks first
    r.archs.forEach((a, i) => {
      const steps = Math.floor(i / 50);
      codes(a).forEach((c, d) => {
        const ok = [...allowed[d]!, ...removed[d]!.slice(removed[d]!.length - steps)];
        expect(ok).toContain(c);
      });
    });
    expect(adaptiveScheduleOf(s)!.events.map((e) => e.evals)).toEqual([50, 100, 150]);
  });

  it('soft pruning on RE reaches removed blocks before any restore; refused for strategies that do not mutate', () => {
    const s = createPrunedStrategy('re', cfg(2), { rule: parseAdaptiveRule('soft=0.3'), removed });
    const r = runClosed(s, table, 2, 400);
    // the 20 random initial members stay in the pruned space; mutations reach the rest
    expect(Array.from(r.archs.subarray(0, 20)).every((a) => codes(a).every((c, d) => allowed[d]!.includes(c)))).toBe(
      true,
    );
    expect(Array.from(r.archs).some((a) => codes(a).some((c, d) => !allowed[d]!.includes(c)))).toBe(true);
    for (const name of ['ls', 'random'])
      expect(
        errorOf(() => createPrunedStrategy(name, cfg(2), { rule: parseAdaptiveRule('soft=0.3'), removed })).message,
      ).toMatch(/soft pruning acts through mutation/);
  });
});
