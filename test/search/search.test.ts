import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HwnasError } from '../../src/errors.js';
import { crowdingDistance, nonDominatedRanks } from '../../src/pareto/index.js';
import { convergence, trueFront } from '../../src/problem/index.js';
import { Rng } from '../../src/rng.js';
import { ArchSet } from '../../src/search/archset.js';
import { bernoulliThreshold } from '../../src/search/bernoulli.js';
import {
  AllowedSpace,
  chunkBits,
  createStrategy,
  drawSlots,
  type Nsga2,
  RegularizedEvolution,
  runClosed,
  SelectScratch,
  selectParent2,
  selectParentM,
  strategyNames,
} from '../../src/search/index.js';

/** A random 2-objective table over a mixed-radix space (values from the seeded generator). */
function table(radix: number[], seed: number, m = 2, integers = false): Float64Array {
  const n = radix.reduce((a, b) => a * b, 1);
  const rng = new Rng(seed);
  return Float64Array.from({ length: n * m }, () => (integers ? rng.nextInt(5) : rng.nextFloat()));
}

/** Reference parent: distinct slots in drawing order, ranks and crowding from src/pareto, first drawn on ties. */
function referenceParent(objs: Float64Array, m: number, slots: number[]): number {
  const cand = [...new Set(slots)];
  const pts = Float64Array.from(cand.flatMap((k) => Array.from(objs.subarray(k * m, k * m + m))));
  const ranks = nonDominatedRanks(pts, m);
  const front = cand.map((_, i) => i).filter((i) => ranks[i] === 0);
  const cd = crowdingDistance(pts, m, front);
  let best = 0;
  for (let i = 1; i < front.length; i++) if (cd[i]! > cd[best]!) best = i;
  return cand[front[best]!]!;
}

describe('parent selection', () => {
  // slots: 0 (1,5)  1 (2,2)  2 (3,1)  3 (2,3)  4 (4,4)
  const objs = Float64Array.from([1, 5, 2, 2, 3, 1, 2, 3, 4, 4]);
  const sc = new SelectScratch(8);

  it('takes rank 0, then the largest crowding distance, first drawn on ties (hand-computed)', () => {
    // front of the sample = {0, 1, 2}; 0 and 2 are its extremes (crowding Infinity), 1 is interior
    // (crowding (3-1)/2 + (5-1)/4 = 2); 2 is drawn (position 3) before 0 (position 4)
    const sample = Int32Array.from([3, 1, 4, 2, 0]);
    expect(selectParent2(objs, sample, 5)).toBe(2);
    expect(selectParentM(objs, 2, sample, 5, sc)).toBe(2);
    expect(referenceParent(objs, 2, [3, 1, 4, 2, 0])).toBe(2);
    // 0 drawn first
    expect(selectParent2(objs, Int32Array.from([0, 4, 2, 1]), 4)).toBe(0);
    // single non-dominated member: 3 dominates 4
    expect(selectParent2(objs, Int32Array.from([4, 3, 4]), 3)).toBe(3);
    expect(selectParentM(objs, 2, Int32Array.from([4, 3, 4]), 3, sc)).toBe(3);
    // the same member drawn repeatedly
    expect(selectParent2(objs, Int32Array.from([1, 1, 4]), 3)).toBe(1);
  });

  it('the O(S) two-objective rule equals ranking + crowding of src/pareto (ties and duplicates included)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.integer({ min: 1, max: 30 }),
        fc.boolean(),
        (seed, s, ints) => {
          const pop = 12;
          const objs = table([pop], seed, 2, ints);
          const rng = new Rng(seed + 1);
          const slots = Array.from({ length: s }, () => rng.nextInt(pop));
          const ref = referenceParent(objs, 2, slots);
          expect(selectParent2(objs, Int32Array.from(slots), s)).toBe(ref);
          expect(selectParentM(objs, 2, Int32Array.from(slots), s, new SelectScratch(s))).toBe(ref);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('the general rule equals src/pareto for 1 and 3 objectives', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.integer({ min: 1, max: 30 }),
        fc.constantFrom(1, 3),
        fc.boolean(),
        (seed, s, m, ints) => {
          const objs = table([10], seed, m, ints);
          const rng = new Rng(seed + 1);
          const slots = Array.from({ length: s }, () => rng.nextInt(10));
          expect(selectParentM(objs, m, Int32Array.from(slots), s, new SelectScratch(s))).toBe(
            referenceParent(objs, m, slots),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('AllowedSpace', () => {
  it('samples and mutates only allowed choices; a mutation changes exactly one decision', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        (radix, seed) => {
          const rng = new Rng(seed);
          const allowed = radix.map((r) => {
            const keep = Array.from({ length: r }, (_, c) => c).filter(() => rng.nextFloat() < 0.6);
            return keep.length > 0 ? keep : [rng.nextInt(r)];
          });
          const sp = new AllowedSpace(radix, allowed);
          for (let i = 0; i < 50; i++) {
            const a = sp.random(rng);
            expect(sp.contains(a)).toBe(true);
            const b = sp.mutate(a, rng);
            expect(sp.contains(b)).toBe(true);
            const changed = radix.filter((_, d) => sp.code(a, d) !== sp.code(b, d)).length;
            expect(changed).toBe(sp.mutableCount === 0 ? 0 : 1);
          }
          expect(sp.indices().length).toBe(sp.size);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('lists the pruned space ascending', () => {
    const sp = new AllowedSpace([3, 2], [[0, 2], [1]]);
    expect(Array.from(sp.indices())).toEqual([3, 5]);
  });

  it('rejects bad allowed sets', () => {
    expect(() => new AllowedSpace([3, 2], [[0, 2], []])).toThrow(HwnasError);
    expect(() => new AllowedSpace([3, 2], [[0, 3], [1]])).toThrow(HwnasError);
    expect(() => new AllowedSpace([3, 2], [[0]])).toThrow(HwnasError);
  });
});

describe('strategies', () => {
  const radix = [4, 3, 5];
  const objs = table(radix, 7);

  it.each(strategyNames)('%s is deterministic per seed and differs across seeds', (name) => {
    const run = (seed: number) =>
      Array.from(
        runClosed(
          createStrategy(name, { radix, objectives: 2, seed, population: 10, sample: 4, init: 3 }),
          objs,
          2,
          300,
        ).archs,
      );
    expect(run(1)).toEqual(run(1));
    expect(run(1)).not.toEqual(run(2));
  });

  it.each(strategyNames)('%s proposes only choices of the pruned space (random allowed sets)', (name) => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        (rdx, seed) => {
          const rng = new Rng(seed);
          const allowed = rdx.map((r) => {
            const keep = Array.from({ length: r }, (_, c) => c).filter(() => rng.nextFloat() < 0.5);
            return keep.length > 0 ? keep : [rng.nextInt(r)];
          });
          const sp = new AllowedSpace(rdx, allowed);
          const s = createStrategy(name, {
            radix: rdx,
            allowed,
            objectives: 2,
            seed,
            population: 6,
            sample: 3,
            init: 2,
          });
          const { archs } = runClosed(s, table(rdx, seed), 2, 120);
          for (const a of archs) expect(sp.contains(a)).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it.each(strategyNames)('%s finds the whole front of a 60-architecture table', (name) => {
    const s = createStrategy(name, { radix, objectives: 2, seed: 3, population: 10, sample: 5 });
    const { archs } = runClosed(s, objs, 2, 3000);
    const front = trueFront(objs, 2);
    const c = convergence({ objectives: objs, m: 2, front }, archs, [3000]);
    expect(c.checkpoints[0]!.gd).toBe(0);
    expect(c.checkpoints[0]!.hv).toBeCloseTo(c.hvFront, 12);
  });

  it('unknown strategy is a user error', () => {
    expect(() => createStrategy('sa', { radix, objectives: 2, seed: 0 })).toThrow(/unknown strategy 'sa'/);
  });
});

describe('regularized evolution', () => {
  const radix = [4, 3, 5];
  const objs = table(radix, 11);

  it('starts with P random architectures, then keeps P members and removes the oldest', () => {
    const re = new RegularizedEvolution({ radix, objectives: 2, seed: 5 }, { population: 8, sample: 3 });
    const told: number[] = [];
    for (let i = 0; i < 30; i++) {
      const a = re.ask();
      re.tell(a, objs.subarray(a * 2, a * 2 + 2));
      told.push(a);
      expect(re.size).toBe(Math.min(i + 1, 8));
      expect(re.population()).toEqual(told.slice(-8));
    }
  });

  it('each child is a one-decision mutation of the parent its tournament picked', () => {
    const re = new RegularizedEvolution({ radix, objectives: 2, seed: 9 }, { population: 6, sample: 4 });
    const sp = new AllowedSpace(radix);
    const objOf = (a: number) => objs.subarray(a * 2, a * 2 + 2);
    for (let i = 0; i < 6; i++) {
      const a = re.ask();
      re.tell(a, objOf(a));
    }
    for (let i = 0; i < 50; i++) {
      const pop = re.population();
      // replay the tournament with a twin that shares the state, to see the parent the child came from
      const child = re.ask();
      const sample = re.lastSample();
      const popObjs = Float64Array.from(pop.flatMap((a) => Array.from(objOf(a))));
      // lastSample holds ring slots; map them to oldest-first positions
      const full = pop.length === 6;
      const headShift = full ? i % 6 : 0;
      const parent = pop[selectParent2(popObjs, Int32Array.from(sample.map((k) => (k - headShift + 6) % 6)), 4)]!;
      const changed = radix.filter((_, d) => sp.code(parent, d) !== sp.code(child, d)).length;
      expect(changed).toBe(1);
      re.tell(child, objOf(child));
    }
  });

  it('works with late and out-of-order tells (asynchronous workers)', () => {
    const re = new RegularizedEvolution({ radix, objectives: 2, seed: 2 }, { population: 5, sample: 3 });
    const pending: number[] = [];
    const told: number[] = [];
    for (let i = 0; i < 40; i++) {
      pending.push(re.ask());
      if (pending.length === 4) {
        // four workers finish in reverse order
        while (pending.length > 0) {
          const a = pending.pop()!;
          re.tell(a, objs.subarray(a * 2, a * 2 + 2));
          told.push(a);
        }
      }
    }
    expect(re.population()).toEqual(told.slice(-5));
  });

  it('rejects NaN objectives and architectures outside the pruned space', () => {
    const re = new RegularizedEvolution({ radix, allowed: [[0, 1], [2], [0, 4]], objectives: 2, seed: 0 });
    expect(() => re.tell(0, [Number.NaN, 1])).toThrow(HwnasError);
    expect(() => re.tell(1 + 4 * 0, [1, 1])).toThrow(/not in the \(pruned\) space/);
    const bad = Float64Array.from(objs);
    bad.fill(Number.NaN);
    expect(() => runClosed(createStrategy('re', { radix, objectives: 2, seed: 0 }), bad, 2, 10)).toThrow(/is NaN/);
  });
});

describe('runClosed', () => {
  it('counts only new architectures with unique, and stops when the space is exhausted', () => {
    const radix = [3, 2];
    const objs = table(radix, 1);
    const plain = runClosed(createStrategy('random', { radix, objectives: 2, seed: 0 }), objs, 2, 50);
    expect(plain.archs.length).toBe(50);
    const uniq = runClosed(createStrategy('random', { radix, objectives: 2, seed: 0 }), objs, 2, 4, { unique: true });
    expect(new Set(uniq.archs).size).toBe(4);
    const all = runClosed(
      createStrategy('re', { radix, objectives: 2, seed: 0, population: 3, sample: 2 }),
      objs,
      2,
      10,
      {
        unique: true,
        maxRepeats: 1000,
      },
    );
    expect([...all.archs].sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

describe('convergence', () => {
  it('matches hand-computed GD at checkpoints', () => {
    // 4 architectures, 2 objectives; true front {0: (0,1), 1: (1,0)}, 2: (1,1), 3: (2,2)
    const objs = Float64Array.from([0, 1, 1, 0, 1, 1, 2, 2]);
    const front = trueFront(objs, 2);
    expect(Array.from(front)).toEqual([0, 1]);
    const c = convergence({ objectives: objs, m: 2, front }, [3, 2, 3, 0, 1], [1, 2, 4, 5, 10]);
    expect(c.checkpoints.map((k) => k.evals)).toEqual([1, 2, 4, 5]);
    // after 1: A = {(2,2)}: distance to nearest of (0,1),(1,0) = sqrt(5); original GD = sqrt(5)/1
    expect(c.checkpoints[0]!.gd).toBeCloseTo(Math.sqrt(5), 12);
    // after 2: A = {(1,1)}: distance 1
    expect(c.checkpoints[1]!.gd).toBeCloseTo(1, 12);
    expect(c.checkpoints[2]!.gd).toBe(0);
    expect(c.checkpoints[2]!.distinct).toBe(3);
    expect(c.checkpoints[3]!.found).toBe(2);
    // HV with reference (1.1, 1.1): front = 1.1*0.1 + 0.1*1.1 - 0.1*0.1 ... union of [0,1.1]x[1,1.1] and [1,1.1]x[0,1.1]
    expect(c.hvFront).toBeCloseTo(1.1 * 0.1 + 0.1 * 1.1 - 0.1 * 0.1, 12);
  });
});

describe('drawSlots', () => {
  it('is exactly uniform over every k-bit chunk value (Lemire rejection)', () => {
    for (const n of [1, 3, 25, 100, 1000, 65536]) {
      for (const k of [Math.max(1, Math.ceil(Math.log2(n))), chunkBits(n), 16]) {
        const threshold = 2 ** k % n;
        const counts = new Map<number, number>();
        for (let x = 0; x < 2 ** k; x++) {
          const m = x * n;
          if (m % 2 ** k >= threshold)
            counts.set(Math.floor(m / 2 ** k), (counts.get(Math.floor(m / 2 ** k)) ?? 0) + 1);
        }
        expect(counts.size).toBe(n);
        expect(new Set(counts.values()).size).toBe(1);
      }
    }
    expect(chunkBits(100)).toBe(7); // 4 chunks per output, 78 % accepted: 0.32 outputs per draw
    expect(chunkBits(65536)).toBe(16);
  });

  it('draws in range, and the chunked draws look uniform (chi-square)', () => {
    const out = new Int32Array(25);
    const rng = new Rng(1);
    const counts = new Float64Array(100);
    for (let t = 0; t < 4000; t++) {
      drawSlots(rng, 100, chunkBits(100), out, 25);
      for (const v of out) counts[v]!++;
    }
    const expected = (4000 * 25) / 100;
    const chi2 = counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
    // 99 degrees of freedom: the 99.9 % quantile is 148.2
    expect(chi2).toBeLessThan(148.2);
  });
});

describe('NSGA-II survival and edge cases', () => {
  const radix = [4, 3, 5];
  const objs = table(radix, 21);
  const objOf = (a: number) => objs.subarray(a * 2, a * 2 + 2);

  it('keeps the best fronts of parents + offspring (elitist mu + lambda)', () => {
    const N = 8;
    const s = createStrategy('nsga2', {
      radix,
      objectives: 2,
      seed: 4,
      population: N,
    }) as Nsga2;
    const told: number[] = [];
    for (let i = 0; i < 2 * N; i++) {
      const a = s.ask();
      s.tell(a, objOf(a));
      told.push(a);
    }
    const pop = s.population();
    expect(pop).toHaveLength(N);
    const pts = Float64Array.from(told.flatMap((a) => Array.from(objOf(a))));
    const ranks = nonDominatedRanks(pts, 2);
    // the rank of the last front admitted: everything better is in, nothing worse is
    const kept = new Map<number, number>();
    for (const a of pop) kept.set(a, (kept.get(a) ?? 0) + 1);
    const rankOf = (a: number) => ranks[told.indexOf(a)]!;
    const cut = Math.max(...pop.map(rankOf));
    told.forEach((a, i) => {
      if (ranks[i]! < cut) expect(kept.has(a)).toBe(true);
      if (ranks[i]! > cut) expect(kept.has(a)).toBe(false);
    });
  });

  it.each(strategyNames)('%s accepts late, reversed tells', (name) => {
    const s = createStrategy(name, { radix, objectives: 2, seed: 1, population: 4, sample: 3, init: 2 });
    for (let round = 0; round < 10; round++) {
      const batch = Array.from({ length: 5 }, () => s.ask());
      for (const a of batch.reverse()) s.tell(a, objOf(a));
    }
  });

  it('regularized evolution with 3 objectives is deterministic and stays in the pruned space', () => {
    const objs3 = table(radix, 5, 3);
    const allowed = [[0, 2, 3], [1], [0, 4]];
    const sp = new AllowedSpace(radix, allowed);
    const run = () =>
      runClosed(
        createStrategy('re', { radix, allowed, objectives: 3, seed: 8, population: 5, sample: 4 }),
        objs3,
        3,
        200,
      ).archs;
    expect(Array.from(run())).toEqual(Array.from(run()));
    for (const a of run()) expect(sp.contains(a)).toBe(true);
  });

  it('a pruned space of one architecture only ever proposes it', () => {
    const allowed = [[2], [1], [3]];
    const only = new AllowedSpace(radix, allowed).indices()[0]!;
    for (const name of strategyNames) {
      const { archs } = runClosed(
        createStrategy(name, { radix, allowed, objectives: 2, seed: 0, population: 3, sample: 2 }),
        objs,
        2,
        20,
      );
      expect(new Set(archs)).toEqual(new Set([only]));
    }
  });
});

describe('NSGA-II and local search: pinned sequences', () => {
  // Recorded from the code before the allocation-free rewrite (commit f826c8a): the rewrite keeps every
  // random draw and tie rule, so the evaluated sequence must stay byte-identical.
  const pinned: [string, number, { population?: number; init?: number }, number[]][] = [
    [
      'nsga2',
      2,
      { population: 6 },
      [
        53, 54, 75, 115, 17, 77, 62, 76, 90, 73, 74, 2, 35, 62, 63, 51, 117, 75, 36, 75, 7, 82, 80, 103, 21, 42, 83, 42,
        102, 68, 60, 36, 25, 82, 84, 3, 113, 75, 36, 44, 84, 43, 23, 21, 44, 53, 54, 103,
      ],
    ],
    [
      'nsga2',
      3,
      { population: 5 },
      [
        53, 54, 75, 115, 17, 56, 119, 52, 70, 34, 114, 39, 49, 104, 52, 99, 59, 79, 80, 92, 42, 104, 39, 50, 114, 76,
        55, 57, 64, 49, 15, 59, 95, 102, 79, 77, 62, 61, 99, 48, 41, 79, 73, 26, 80, 108, 39, 108,
      ],
    ],
    [
      'ls',
      2,
      { init: 3 },
      [
        53, 54, 75, 13, 113, 51, 58, 43, 52, 50, 33, 48, 73, 93, 44, 3, 103, 23, 83, 40, 41, 42, 63, 13, 106, 40, 6,
        107, 102, 83, 105, 17, 6, 101, 44, 27, 109, 53, 43, 40, 80, 112, 73, 4, 74, 0, 47, 72,
      ],
    ],
    [
      'ls',
      3,
      { init: 3 },
      [
        53, 54, 75, 13, 113, 51, 58, 43, 52, 50, 33, 48, 73, 93, 49, 8, 108, 28, 88, 45, 46, 47, 68, 25, 85, 5, 105, 55,
        40, 65, 60, 15, 77, 70, 95, 35, 76, 115, 78, 79, 18, 118, 38, 63, 98, 106, 109, 107,
      ],
    ],
  ];
  it.each(pinned)('%s with %i objectives evaluates the recorded sequence', (name, m, opts, expected) => {
    const rng = new Rng(11);
    // values on a 1/20 grid: ties and duplicate objective vectors exercise the tie rules
    const t = Float64Array.from({ length: 120 * m }, () => Math.round(rng.nextFloat() * 20) / 20);
    const r = runClosed(createStrategy(name, { radix: [5, 4, 6], objectives: m, seed: 3, ...opts }), t, m, 48);
    expect(Array.from(r.archs)).toEqual(expected);
  });
});

describe('bernoulliThreshold: nextInt(n) < t decides exactly as nextFloat() < p', () => {
  const decide = (u: number, n: number, t: number) => Math.floor((u / 4294967296) * n) < t; // Rng.nextInt
  it('for every 32-bit output around the boundary and anywhere else', () => {
    const ps = [0.9, 0.5, 0.25, 1 / 3, 1 / 7, 1e-9, 0.999999, 0, 1];
    fc.assert(
      fc.property(
        fc.oneof(fc.constantFrom(...ps), fc.double({ min: 0, max: 1, noNaN: true })),
        fc.integer({ min: -2000, max: 2000 }),
        fc.integer({ min: 0, max: 4294967295 }),
        (p, offset, anywhere) => {
          const th = bernoulliThreshold(p);
          if (!th) return;
          expect(th.n).toBeLessThanOrEqual(2 ** 30);
          const c = Math.ceil(p * 4294967296);
          for (const u of [c + offset, anywhere]) {
            if (u < 0 || u > 4294967295) continue;
            expect(decide(u, th.n, th.t)).toBe(u / 4294967296 < p);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
  it('is undefined where no nextInt(n <= 2^30) separates the boundary (p just above 1/2)', () => {
    expect(bernoulliThreshold(0.5 + 2 ** -32)).toBeUndefined();
    expect(bernoulliThreshold(0.9)).toBeDefined();
  });
});

describe('ArchSet', () => {
  it('agrees with a Set<number> over small and huge indices while it grows', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })), {
          maxLength: 3000,
        }),
        (xs) => {
          const set = new ArchSet(4);
          const ref = new Set<number>();
          for (const x of xs) {
            expect(set.has(x)).toBe(ref.has(x));
            set.add(x);
            ref.add(x);
          }
          expect(set.size).toBe(ref.size);
          for (const x of ref) expect(set.has(x)).toBe(true);
          expect(set.has(Number.MAX_SAFE_INTEGER - 1)).toBe(ref.has(Number.MAX_SAFE_INTEGER - 1));
        },
      ),
      { numRuns: 100 },
    );
  });
});
