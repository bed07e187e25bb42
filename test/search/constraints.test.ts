/**
 * The closed driver with a feasibility mask: without one, runs are byte-identical to the driver before
 * masks existed (golden hashes recorded from that commit); with one, infeasible or missing architectures
 * are told +Infinity, never counted, never returned, and a space with (almost) nothing feasible ends in one
 * clear line.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HwnasError } from '../../src/errors.js';
import { Rng } from '../../src/rng.js';
import { createStrategy, runClosed, type Strategy, strategyNames } from '../../src/search/index.js';

const radix = [5, 4, 6];
const n = 120;

function table(): Float64Array {
  const rng = new Rng(42);
  return Float64Array.from({ length: n * 2 }, () => Math.round(rng.nextFloat() * 50) / 10);
}

function make(name: string, seed = 7): Strategy {
  return createStrategy(name, { radix, objectives: 2, seed, population: 10, sample: 4 });
}

const hash = (a: Int32Array) =>
  createHash('sha256')
    .update(Buffer.from(a.buffer, a.byteOffset, a.byteLength))
    .digest('hex')
    .slice(0, 16);

describe('runClosed without a mask', () => {
  // recorded with the driver of commit ae0f7d1 (before feasibility masks): name, unique, evals, asks, hash
  const golden: [string, boolean, number, number, string][] = [
    ['re', false, 300, 300, '8e65ad594d6b96b9'],
    ['re', true, 100, 334, '63ea0e81e8aa7f7c'],
    ['random', false, 300, 300, 'c5e20ebd6d8b58da'],
    ['random', true, 100, 226, '7746d4697b344452'],
    ['nsga2', false, 300, 300, '3f6de6fccd982b8a'],
    ['nsga2', true, 100, 253, '0355819795b7dbc8'],
    ['ls', false, 300, 300, '7f581b10e058a552'],
    ['ls', true, 100, 169, '1b81e4ae0b898f87'],
  ];
  it.each(golden)('%s (unique %s) is byte-identical to the unmasked driver', (name, unique, evals, asks, h) => {
    const r = runClosed(make(name), table(), 2, evals, { unique });
    expect(r.archs.length).toBe(evals);
    expect(r.asks).toBe(asks);
    expect(hash(r.archs)).toBe(h);
  });

  it.each(strategyNames.map((s) => [s]))('%s: an all-feasible mask gives the same run', (name) => {
    const all = new Uint8Array(n).fill(1);
    for (const unique of [false, true]) {
      const evals = unique ? 100 : 300;
      const plain = runClosed(make(name), table(), 2, evals, { unique });
      const masked = runClosed(make(name), table(), 2, evals, { unique, feasible: all });
      expect(Array.from(masked.archs)).toEqual(Array.from(plain.archs));
      expect(masked.asks).toBe(plain.asks);
      expect(masked.infeasible).toBe(0);
    }
  });
});

describe('runClosed with a mask', () => {
  // feasible: decision 0 (radix 5) takes code 0 or 1, i.e. 2/5 of the space
  const feasible = Uint8Array.from({ length: n }, (_, i) => (i % 5 < 2 ? 1 : 0));

  it.each(strategyNames.map((s) => [s]))(
    '%s evaluates only feasible architectures; infeasible asks are free',
    (name) => {
      const r = runClosed(make(name, 3), table(), 2, 200, { feasible });
      expect(r.archs.length).toBe(200);
      for (const a of r.archs) expect(feasible[a]).toBe(1);
      expect(r.infeasible).toBeGreaterThan(0);
      expect(r.asks).toBe(200 + r.infeasible!);
    },
  );

  it('the strategy is told +Infinity for every objective of an infeasible architecture', () => {
    const told: [number, number[]][] = [];
    const inner = make('random', 1);
    const spy: Strategy = {
      name: 'spy',
      ask: () => inner.ask(),
      tell: (a, o) => told.push([a, Array.from(o)]),
    };
    const t = table();
    runClosed(spy, t, 2, 50, { feasible });
    for (const [a, o] of told) {
      if (feasible[a]) expect(o).toEqual([t[2 * a], t[2 * a + 1]]);
      else expect(o).toEqual([Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY]);
    }
    expect(told.filter(([a]) => !feasible[a]).length).toBeGreaterThan(0);
  });

  it('regularized evolution learns that infeasible members are worst: children stay mostly feasible', () => {
    const r = runClosed(make('re', 5), table(), 2, 2000, { feasible });
    // random asks would be infeasible 60 % of the time; mutating feasible parents changes decision 0 in
    // about a third of the children, and only some of those leave the feasible codes
    expect(r.infeasible! / r.asks).toBeLessThan(0.4);
  });

  it('missing (NaN) rows are infeasible with allowMissing, and an error without', () => {
    const t = table();
    for (let i = 0; i < n; i += 3) t[2 * i + 1] = Number.NaN;
    const r = runClosed(make('re', 2), t, 2, 150, { allowMissing: true });
    for (const a of r.archs) expect(a % 3).not.toBe(0);
    expect(r.infeasible).toBeGreaterThan(0);
    expect(() => runClosed(make('re', 2), t, 2, 150)).toThrow(/is NaN/);
    // a mask implies the same
    const withMask = runClosed(make('re', 2), t, 2, 150, { feasible: new Uint8Array(n).fill(1) });
    expect(Array.from(withMask.archs)).toEqual(Array.from(r.archs));
  });

  it('unique counts each feasible architecture once', () => {
    const r = runClosed(make('re', 4), table(), 2, 40, { feasible, unique: true });
    expect(new Set(r.archs).size).toBe(40);
    for (const a of r.archs) expect(feasible[a]).toBe(1);
    // the feasible space (48) exhausts: the run stops after maxRepeats consecutive repeats
    const all = runClosed(make('re', 4), table(), 2, 100, { feasible, unique: true, maxRepeats: 2000 });
    expect(all.archs.length).toBe(48);
  });

  it('a space with nothing feasible fails with one line after maxInfeasible asks', () => {
    const none = new Uint8Array(n);
    const run = () => runClosed(make('re'), table(), 2, 10, { feasible: none, maxInfeasible: 5000 });
    expect(run).toThrow(HwnasError);
    expect(run).toThrow(/5000 architectures in a row were infeasible or missing \(0 of 10 evaluations done\)/);
    // the default guard: a million asks
    expect(() => runClosed(make('random'), table(), 2, 10, { feasible: none })).toThrow(
      /1000000 architectures in a row/,
    );
  });

  it('a mask of the wrong length is an error', () => {
    expect(() => runClosed(make('re'), table(), 2, 10, { feasible: new Uint8Array(3) })).toThrow(/mask has 3 entries/);
  });

  it('strategies accept +Infinity but still reject NaN and -Infinity', () => {
    for (const name of strategyNames) {
      const s = make(name);
      const a = s.ask();
      expect(() => s.tell(a, [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY])).not.toThrow();
      const b = s.ask();
      expect(() => s.tell(b, [Number.NaN, 1])).toThrow(HwnasError);
      expect(() => s.tell(b, [Number.NEGATIVE_INFINITY, 1])).toThrow(HwnasError);
    }
  });
});
