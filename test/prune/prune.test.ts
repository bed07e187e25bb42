import { describe, expect, it } from 'vitest';
import { HwnasError } from '../../src/errors.js';
import { trueFront } from '../../src/problem/index.js';
import {
  fitAdditive,
  frontRecall,
  prunedIndices,
  pruneMetricNames,
  pruneSpace,
  removalCount,
} from '../../src/prune/index.js';
import { mixedRadixDecode } from '../../src/space/types.js';
import { additiveTable, column, latency, toy } from '../helpers/prune-toy.js';

describe('removal count', () => {
  it('removes floor(ratio * n), keeps at least one: 45 blocks keep 23/14/5 at 50/70/90 %', () => {
    expect([0.5, 0.7, 0.9].map((r) => 45 - removalCount(45, r))).toEqual([23, 14, 5]);
    expect([0, 0.5, 0.9, 0.99].map((r) => 5 - removalCount(5, r))).toEqual([5, 3, 1, 1]);
    expect(removalCount(100, 0.29)).toBe(29);
    expect(removalCount(1, 0.9)).toBe(0);
    for (const r of [1, -0.1, Number.NaN]) expect(() => removalCount(4, r)).toThrow(HwnasError);
  });
});

describe('pruneSpace on hand-computed blocks', () => {
  it('params/latency keeps the best ratio (the poster metric)', () => {
    // d0: c1 80/5 = 16, c3 592/4 = 148, skip 0, c5 1616/20 = 80.8; d1: c3 296, skip 0, c1 80
    const r = pruneSpace({ space: toy, latency, metric: 'params/latency', ratio: 0.5 });
    expect(r.scores[0]).toEqual([16, 148, 0, 80.8]);
    expect(r.scores[1]).toEqual([296, 0, 80]);
    expect(r.allowed).toEqual([
      [1, 3],
      [0, 2],
    ]);
    expect(r.removed).toEqual([[2, 0], [1]]);
    expect(r.size).toBe(4);
    expect(r.blockParams).toEqual([
      [80, 592, 0, 1616],
      [592, 0, 80],
    ]);
    expect(r.r2).toBeUndefined();
  });

  it('pareto removes the dominated block first, params/latency the parameter-free one', () => {
    expect(pruneSpace({ space: toy, latency, metric: 'pareto', ratio: 0.25 }).removed[0]).toEqual([0]);
    expect(pruneSpace({ space: toy, latency, metric: 'params/latency', ratio: 0.25 }).removed[0]).toEqual([2]);
    const p = pruneSpace({ space: toy, latency, metric: 'pareto', ratio: 0.25 });
    expect(p.tiers![0]).toEqual([0, 1, 1, 1]);
  });

  it('latency keeps the fastest, params the largest, macs/latency the best throughput', () => {
    expect(pruneSpace({ space: toy, latency, metric: 'latency', ratio: 0.5 }).allowed).toEqual([
      [1, 2],
      [1, 2],
    ]);
    expect(pruneSpace({ space: toy, latency, metric: 'params', ratio: 0.5 }).allowed).toEqual([
      [1, 3],
      [0, 2],
    ]);
    // MACs at 8x8: c1 4096, c3 36864, c5 102400 -> /latency: 819.2, 9216, 0, 5120; d1: 18432, 0, 4096
    const m = pruneSpace({ space: toy, latency, metric: 'macs/latency', ratio: 0.5 });
    expect(m.scores[0]).toEqual([819.2, 9216, 0, 5120]);
    expect(m.allowed).toEqual([
      [1, 3],
      [0, 2],
    ]);
  });

  it('random removes the same number, seeded', () => {
    const a = pruneSpace({ space: toy, latency, metric: 'random', ratio: 0.5, seed: 3 });
    const b = pruneSpace({ space: toy, latency, metric: 'random', ratio: 0.5, seed: 3 });
    expect(a.allowed).toEqual(b.allowed);
    expect(a.allowed.map((x) => x.length)).toEqual([2, 2]);
    const seen = new Set<string>();
    for (let s = 0; s < 30; s++)
      seen.add(JSON.stringify(pruneSpace({ space: toy, metric: 'random', ratio: 0.5, seed: s }).allowed));
    expect(seen.size).toBeGreaterThan(5);
  });

  it('ratio 0 keeps everything; unknown metric and bad ratio are user errors', () => {
    expect(pruneSpace({ space: toy, latency, metric: 'params/latency', ratio: 0 }).size).toBe(12);
    expect(() => pruneSpace({ space: toy, latency, metric: 'flops', ratio: 0.5 })).toThrow(
      /unknown pruning metric 'flops'/,
    );
    expect(() => pruneSpace({ space: toy, latency, metric: 'params', ratio: 1 })).toThrow(/\[0, 1\)/);
    expect(() => pruneSpace({ space: toy, metric: 'latency', ratio: 0.5 })).toThrow(/needs a latency source/);
    expect(pruneMetricNames()).toEqual([
      'params/latency',
      'macs/latency',
      'params',
      'latency',
      'pareto',
      'random',
      'tiers',
      'macs-tiers',
      'capacity-tiers',
      'front-usage',
    ]);
  });

  it('fits block latencies from a per-architecture table and reports R^2', () => {
    // equal block means per decision and no fixed part: the equal-share convention recovers them exactly
    const blocks = [
      [1, 2, 3, 6],
      [2, 5, 2],
    ];
    const r = pruneSpace({
      space: toy,
      latency: column(additiveTable(blocks, 0), false),
      metric: 'latency',
      ratio: 0.5,
    });
    expect(r.r2).toBeCloseTo(1, 12);
    for (const [d, row] of r.blockLatency!.entries())
      for (const [c, v] of row.entries()) expect(v).toBeCloseTo(blocks[d]![c]!, 10);
    expect(r.allowed).toEqual([
      [0, 1],
      [0, 2],
    ]);
  });
});

describe('additive fit', () => {
  const blocks = [
    [1, 4, 0.5, 20, 3],
    [2, 0.25, 1],
    [7, 1, 3, 2],
  ];
  const radix = [5, 3, 4];

  it('recovers within-decision differences and every value exactly, with missing rows', () => {
    const values = additiveTable(blocks, 3.5);
    for (const i of [0, 7, 19, 33]) values[i] = Number.NaN;
    const fit = fitAdditive(values, radix);
    expect(fit.r2).toBeCloseTo(1, 12);
    expect(fit.rows).toBe(56);
    expect(fit.rmse).toBeLessThan(1e-9);
    for (const [d, row] of fit.blocks.entries()) {
      for (const [c, v] of row.entries()) expect(v - row[0]!).toBeCloseTo(blocks[d]![c]! - blocks[d]![0]!, 10);
    }
    const full = additiveTable(blocks, 3.5);
    for (let i = 0; i < full.length; i++) {
      const codes = mixedRadixDecode(i, radix);
      expect(codes.reduce((s, c, d) => s + fit.blocks[d]![c]!, 0)).toBeCloseTo(full[i]!, 10);
    }
  });

  it('reports R^2 < 1 for a non-additive table (an interaction, as layer fusion makes)', () => {
    const values = additiveTable(blocks, 0);
    for (let i = 0; i < values.length; i++) {
      const [a, b] = mixedRadixDecode(i, radix);
      if (a === 3 && b === 0) values[i]! -= 10; // fused pair
    }
    const fit = fitAdditive(values, radix);
    expect(fit.r2).toBeLessThan(0.99);
    expect(fit.r2).toBeGreaterThan(0);
  });

  it('fails when a choice never has a value', () => {
    const values = additiveTable(blocks, 0);
    for (let i = 0; i < values.length; i++) if (mixedRadixDecode(i, radix)[1] === 2) values[i] = Number.NaN;
    expect(() => fitAdditive(values, radix)).toThrow(/no finite value with choice 2 of decision 1/);
  });
});

describe('front recall', () => {
  // 2 decisions (3 x 2); objectives (error, latency) per architecture index
  const radix = [3, 2];
  const objs = Float64Array.from([
    // i=0 (0,0)  i=1 (1,0)  i=2 (2,0)  i=3 (0,1)  i=4 (1,1)  i=5 (2,1)
    0, 3, 1, 1, 3, 0, 1, 4, 2, 2, 4, 4,
  ]);
  const front = trueFront(objs, 2);

  it('lists pruned indices', () => {
    expect(Array.from(prunedIndices([[0, 2], [1]], radix))).toEqual([3, 5]);
  });

  it('is 1 with GD 0 when every front architecture survives, and hand-computed otherwise', () => {
    expect(Array.from(front)).toEqual([0, 1, 2]);
    expect(frontRecall({ allowed: [[0, 1, 2], [0]], radix, objectives: objs, m: 2, front })).toMatchObject({
      recall: 1,
      bestGd: 0,
    });
    // keep choices {1, 2} of decision 0 and {1} of decision 1: archs 4 (2,2) and 5 (4,4); none on the front
    const r = frontRecall({ allowed: [[1, 2], [1]], radix, objectives: objs, m: 2, front });
    expect(r.recall).toBe(0);
    expect(Array.from(r.prunedFront)).toEqual([4]);
    // normalised by the front's ideal (0,0) and nadir (3,3): (2,2) -> (2/3, 2/3); nearest front point (1/3,1/3)
    expect(r.bestGd).toBeCloseTo(Math.hypot(1 / 3, 1 / 3), 12);
    // keep {0, 1} x {0}: archs 0 and 1 on the front, 2 lost
    expect(frontRecall({ allowed: [[0, 1], [0]], radix, objectives: objs, m: 2, front }).recall).toBeCloseTo(2 / 3, 12);
  });
});
