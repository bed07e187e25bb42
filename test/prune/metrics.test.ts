import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HwnasError } from '../../src/errors.js';
import { GraphBuilder } from '../../src/ir/graph.js';
import type { ObjectiveColumn } from '../../src/objectives/types.js';
import {
  BlockCosts,
  decisionRanks,
  frontUsageScores,
  preSearchMetricNames,
  pruneMetricNames,
  pruneSpace,
} from '../../src/prune/index.js';
import type { SearchSpace } from '../../src/space/types.js';
import { mixedRadixDecode, mixedRadixEncode } from '../../src/space/types.js';
import { latency, toy } from '../helpers/prune-toy.js';

// Toy blocks (test/helpers/prune-toy.ts): d0 c1 (80 params, 5 ms), c3 (592, 4), skip (0, 0.5), c5 (1616, 20);
// d1 c3 (592, 2), skip (0, 0.25), c1 (80, 1). Index = c0 + 4 * c1.
const idx = (c0: number, c1: number) => c0 + 4 * c1;

describe('tiers: Pareto tiers of each decision on params and latency', () => {
  it('ranks by non-dominated sorting (hand-computed), equal pairs sharing a rank', () => {
    // d0: c1 is beaten by c3 (more params, faster): rank 1; c3, skip, c5 rank 0. d1: nothing beaten.
    expect(
      decisionRanks(
        [
          [80, 592, 0, 1616],
          [592, 0, 80],
        ],
        [
          [5, 4, 0.5, 20],
          [2, 0.25, 1],
        ],
      ),
    ).toEqual([
      [1, 0, 0, 0],
      [0, 0, 0],
    ]);
    // three ranks; the duplicate (1, 1) pairs share rank 1
    expect(decisionRanks([[3, 1, 1, 0]], [[1, 2, 2, 3]])).toEqual([[0, 1, 1, 2]]);
  });

  it('removes the dominated block first, then the slowest of the top tier; keeps the parameter-free fastest', () => {
    const r = pruneSpace({ space: toy, latency, metric: 'tiers', ratio: 0.5 });
    expect(r.tiers).toEqual([
      [0, 1, 1, 1],
      [0, 0, 0],
    ]);
    expect(r.scores).toEqual([
      [-5, -4, -0.5, -20],
      [-2, -0.25, -1],
    ]);
    // d0 removes c1 (tier 0), then c5 (slowest); d1 removes c3 (slowest)
    expect(r.removed).toEqual([[0, 3], [0]]);
    expect(r.allowed).toEqual([
      [1, 2],
      [1, 2],
    ]);
    // params/latency removes the parameter-free skip instead
    expect(pruneSpace({ space: toy, latency, metric: 'params/latency', ratio: 0.5 }).allowed[0]).toEqual([1, 3]);
  });

  it('macs-tiers ranks on MACs (here proportional to params, so the same tiers)', () => {
    const r = pruneSpace({ space: toy, latency, metric: 'macs-tiers', ratio: 0.5 });
    expect(r.tiers).toEqual([
      [0, 1, 1, 1],
      [0, 0, 0],
    ]);
    expect(r.allowed).toEqual([
      [1, 2],
      [1, 2],
    ]);
  });

  it("always keeps one of each decision's fastest blocks, at any ratio (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(1000), fc.integer({ min: 1, max: 50 })), { minLength: 2, maxLength: 8 }),
        fc.double({ min: 0, max: 0.99, noNaN: true }),
        (blocks, ratio) => {
          const n = blocks.length;
          const space = {
            ...toy,
            decisions: [{ name: 'd', choices: blocks.map((_, c) => `b${c}`) }],
            size: n,
          } as SearchSpace;
          const lat: ObjectiveColumn = {
            name: 'latency',
            source: 'test',
            direction: 'min',
            unit: 'ms',
            values: new Float64Array(n),
            blockValue: (_d, c) => blocks[c]![1],
          };
          const r = pruneSpace({ space, latency: lat, metric: 'tiers', ratio, params: [blocks.map((b) => b[0])] });
          const fastest = Math.min(...blocks.map((b) => b[1]));
          expect(r.allowed[0]!.some((c) => blocks[c]![1] === fastest)).toBe(true);
        },
      ),
    );
  });
});

/**
 * An NB201-like toy: two edges with none (a zero op), skip, conv 1x1 and 3x3 (8 -> 8 at 8x8) and avg pool.
 * Block latencies: none 0, skip 0.2, c1 1, c3 4, pool 1.5 ms (pool is beaten by skip: no params, slower).
 */
const cellOps = ['none', 'skip', 'c1', 'c3', 'pool'];
const cellLat = [0, 0.2, 1, 4, 1.5];
const cell: SearchSpace = {
  ...toy,
  id: 'cell',
  decisions: [
    { name: 'e0', choices: cellOps },
    { name: 'e1', choices: cellOps },
  ],
  size: 25,
  decode: (i) => mixedRadixDecode(i, [5, 5]),
  encode: (codes) => mixedRadixEncode(codes, [5, 5]),
  network(index) {
    const codes = mixedRadixDecode(index, [5, 5]);
    const g = new GraphBuilder('cell', { c: 3, h: 8, w: 8 });
    let x = g.conv(g.input, { outChannels: 8, kernel: 1 });
    codes.forEach((c, d) => {
      g.inBlock(d, () => {
        const op = cellOps[c]!;
        if (op === 'none') x = g.zero(x);
        else if (op === 'skip') x = g.identity(x);
        else if (op === 'pool') x = g.pool('avgpool', x, { kernel: 3, stride: 1, padding: 1 });
        else x = g.bn(g.conv(x, { outChannels: 8, kernel: op === 'c1' ? 1 : 3, padding: op === 'c1' ? 0 : 1 }));
      });
    });
    return g.build(g.linear(g.flatten(g.globalAvgPool(x)), { outFeatures: 10 }));
  },
};
const cellLatency: ObjectiveColumn = {
  name: 'latency',
  source: 'test',
  direction: 'min',
  unit: 'ms',
  values: new Float64Array(25),
  blockValue: (_d, c) => cellLat[c]!,
};

describe('capacity-tiers: a zero block has no capacity', () => {
  it('reads the zero op off the IR', () => {
    expect(new BlockCosts(cell, cellLatency).signal()).toEqual([
      [0, 1, 1, 1, 1],
      [0, 1, 1, 1, 1],
    ]);
  });

  it('removes the dominated pool, then none, then the slowest (hand-computed)', () => {
    // (params, signal, latency): none (0, 0, 0), skip (0, 1, 0.2), c1 (80, 1, 1), c3 (592, 1, 4), pool (0, 1, 1.5)
    // pool is beaten by skip -> rank 1; the rest rank 0
    const half = pruneSpace({ space: cell, latency: cellLatency, metric: 'capacity-tiers', ratio: 0.5 });
    expect(half.tiers![0]).toEqual([1, 1, 1, 1, 0]);
    expect(half.removed[0]).toEqual([4, 0]);
    expect(half.allowed[0]).toEqual([1, 2, 3]);
    const most = pruneSpace({ space: cell, latency: cellLatency, metric: 'capacity-tiers', ratio: 0.7 });
    expect(most.removed[0]).toEqual([4, 0, 3]);
    expect(most.allowed[0]).toEqual([1, 2]);
    // tiers keeps none (the fastest) instead of skip
    expect(pruneSpace({ space: cell, latency: cellLatency, metric: 'tiers', ratio: 0.5 }).allowed[0]).toEqual([
      0, 2, 3,
    ]);
  });
});

describe('front-usage: block statistics learned inside a search', () => {
  // a (c3, c3) and b (skip, skip) are non-dominated; c (c5, c1) rank 1; e (c1, c1) rank 2; f (c1, c3) rank 3
  const evaluated = {
    archs: [idx(1, 0), idx(2, 1), idx(3, 2), idx(0, 2), idx(0, 0)],
    objectives: Float64Array.of(0, 1, 1, 0, 1, 1, 2, 2, 3, 3),
    m: 2,
  };

  it('adds 2^-rank per use, up to rank 2 (hand-computed)', () => {
    expect(frontUsageScores([4, 3], evaluated)).toEqual([
      [0.25, 1, 1, 0.5],
      [1, 1, 0.75],
    ]);
    expect(frontUsageScores([4, 3], { archs: [], objectives: new Float64Array(0), m: 2 })).toEqual([
      [0, 0, 0, 0],
      [0, 0, 0],
    ]);
  });

  it('prunes the least used, unused blocks first and the slowest of them first', () => {
    const r = pruneSpace({ space: toy, latency, metric: 'front-usage', ratio: 0.5, evaluated });
    expect(r.removed).toEqual([[0, 3], [2]]);
    // only a and b evaluated: c1 (5 ms) and c5 (20 ms) unused on d0: c5 goes first
    const two = { archs: evaluated.archs.slice(0, 2), objectives: evaluated.objectives.slice(0, 4), m: 2 };
    const p = pruneSpace({ space: toy, latency, metric: 'front-usage', ratio: 0.25, evaluated: two });
    expect(p.tiers![0]).toEqual([0, 1, 1, 0]);
    expect(p.removed[0]).toEqual([3]);
  });

  it('is refused before a search: no evaluated set, or an empty one (not pre-search pruning)', () => {
    for (const opts of [{}, { evaluated: { archs: [], objectives: new Float64Array(0), m: 2 } }]) {
      let err: unknown;
      try {
        pruneSpace({ space: toy, latency, metric: 'front-usage', ratio: 0.5, ...opts });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(HwnasError);
      expect((err as Error).message).toMatch(
        /learns from the accuracies of evaluated architectures: before a search none are evaluated.*not pre-search pruning/,
      );
    }
    expect(preSearchMetricNames()).not.toContain('front-usage');
    expect(pruneMetricNames()).toContain('front-usage');
  });

  it('refuses objectives that do not match the evaluated architectures', () => {
    expect(() => frontUsageScores([4, 3], { archs: [0, 1], objectives: Float64Array.of(1, 2), m: 2 })).toThrow(
      /2 evaluated architectures but 1 objective rows/,
    );
  });
});
