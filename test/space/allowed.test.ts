/**
 * AllowedSpace under adaptive pruning: widening (only grows, refuses to shrink) and soft pruning (removed
 * blocks reached only through mutation, at the documented probability; sampling never reaches them; no
 * draw is spent while it is off, so hard-pruned runs are unchanged).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/rng.js';
import { AllowedSpace } from '../../src/space/allowed.js';
import { errorOf } from '../helpers/errors.js';

/** NB201's shape: 6 decisions of 5 choices; 2 kept per decision (70 % pruning). */
const radix = [5, 5, 5, 5, 5, 5];
const kept = radix.map((_, d) => [d % 5, (d + 2) % 5].sort((a, b) => a - b));
const codesOf = (sp: AllowedSpace, i: number) => radix.map((_, d) => sp.code(i, d));
const inKept = (sp: AllowedSpace, i: number) => codesOf(sp, i).every((c, d) => kept[d]!.includes(c));

describe('AllowedSpace.widen', () => {
  it('grows the space and keeps its architectures; refuses to drop a choice', () => {
    const sp = new AllowedSpace(radix, kept);
    expect(sp.size).toBe(64);
    const before = sp.indices();
    sp.widen(kept.map((k, d) => [...k, (d + 4) % 5]));
    expect(sp.size).toBe(3 ** 6);
    for (const i of before) expect(sp.contains(i)).toBe(true);
    expect(() => sp.widen(kept)).toThrow(/would remove choice/);
    expect(errorOf(() => sp.widen([[0]])).message).toMatch(/cover 1 decisions/);
  });

  it('mutates within the widened space only', () => {
    const sp = new AllowedSpace(radix, kept);
    const wider = kept.map((k, d) => [...k, (d + 4) % 5]);
    sp.widen(wider);
    const rng = new Rng(1);
    let a = sp.random(rng);
    let outside = 0;
    for (let t = 0; t < 2000; t++) {
      a = sp.mutate(a, rng);
      if (!codesOf(sp, a).every((c, d) => wider[d]!.includes(c))) outside++;
    }
    expect(outside).toBe(0);
  });
});

describe('AllowedSpace soft pruning', () => {
  it('draws nothing extra while off: the hard mutation sequence is unchanged', () => {
    const hard = new AllowedSpace(radix, kept);
    const soft = new AllowedSpace(radix, kept);
    soft.setSoft(0);
    const r1 = new Rng(7);
    const r2 = new Rng(7);
    let a = hard.random(r1);
    let b = soft.random(r2);
    for (let t = 0; t < 500; t++) {
      a = hard.mutate(a, r1);
      b = soft.mutate(b, r2);
      expect(b).toBe(a);
    }
  });

  it('random sampling never reaches removed blocks, whatever the probability', () => {
    const sp = new AllowedSpace(radix, kept);
    sp.setSoft(1);
    const rng = new Rng(3);
    let outside = 0;
    for (let t = 0; t < 2000; t++) if (!inKept(sp, sp.random(rng))) outside++;
    expect(outside).toBe(0);
  });

  it('a mutation reaches a removed block with probability p * (removed others) / (choices - 1)', () => {
    // from a kept architecture: with probability p any other of the 4 choices (3 of them removed), else a
    // kept one: P(removed) = p * 3/4
    for (const p of [0.05, 0.2, 1]) {
      const sp = new AllowedSpace(radix, kept);
      sp.setSoft(p);
      const rng = new Rng(11);
      const start = sp.random(new Rng(2));
      const n = 40_000;
      let hits = 0;
      let same = 0;
      for (let t = 0; t < n; t++) {
        const c = sp.mutate(start, rng);
        if (c === start) same++;
        if (!inKept(sp, c)) hits++;
      }
      expect(same).toBe(0);
      const q = (p * 3) / 4;
      // 5 standard deviations of a binomial share
      expect(Math.abs(hits / n - q)).toBeLessThanOrEqual(5 * Math.sqrt((q * (1 - q)) / n) + 1e-9);
    }
  });

  it('property: a mutation changes exactly one decision; from a removed block, the hard path returns to a kept one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.double({ min: 0.01, max: 1, noNaN: true }), (seed, p) => {
        const sp = new AllowedSpace(radix, kept);
        sp.setSoft(p);
        const rng = new Rng(seed);
        let a = sp.random(rng);
        for (let t = 0; t < 50; t++) {
          const b = sp.mutate(a, rng);
          const diff = codesOf(sp, a).filter((c, d) => c !== sp.code(b, d)).length;
          expect(diff).toBe(1);
          expect(sp.contains(b)).toBe(true);
          a = b;
        }
      }),
      { numRuns: 50 },
    );
    // every decision on a removed code, soft off again: one mutation puts one decision back on a kept code
    const sp = new AllowedSpace(radix, kept);
    const codes = radix.map((_, d) => [0, 1, 2, 3, 4].find((c) => !kept[d]!.includes(c))!);
    const arch = codes.reduce((acc, c, d) => acc + c * 5 ** d, 0);
    sp.setSoft(1e-9);
    const rng = new Rng(5);
    const b = sp.mutate(arch, rng);
    const changed = radix.map((_, d) => d).filter((d) => sp.code(b, d) !== codes[d]);
    expect(changed).toHaveLength(1);
    expect(kept[changed[0]!]).toContain(sp.code(b, changed[0]!));
  });
});
