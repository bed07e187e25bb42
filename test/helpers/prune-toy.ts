/** The toy space the pruning tests share (test/prune/prune.test.ts, test/prune/metrics.test.ts). */
import { GraphBuilder } from '../../src/ir/graph.js';
import type { ObjectiveColumn } from '../../src/objectives/types.js';
import { mixedRadixDecode, mixedRadixEncode, type SearchSpace } from '../../src/space/types.js';

/**
 * A toy space: stem conv 3->8 (fixed), then two decisions, each a block on 8 channels at 8x8.
 * Block params (conv k x k, 8->8, no bias, + BN 16): c1 = 80, c3 = 592, c5 = 1616, skip = 0.
 */
const ops: Record<string, number> = { c1: 1, c3: 3, c5: 5, skip: 0 };
export const toy: SearchSpace = {
  id: 'toy',
  title: 'toy',
  decisions: [
    { name: 'b0', choices: ['c1', 'c3', 'skip', 'c5'] },
    { name: 'b1', choices: ['c3', 'skip', 'c1'] },
  ],
  size: 12,
  defaultClasses: 10,
  decode: (i) => mixedRadixDecode(i, [4, 3]),
  encode: (codes) => mixedRadixEncode(codes, [4, 3]),
  parse: (t) => Number(t),
  format: (i) => String(i),
  notations: (i) => ({ index: i }),
  network(index) {
    const codes = mixedRadixDecode(index, [4, 3]);
    const g = new GraphBuilder('toy', { c: 3, h: 8, w: 8 });
    let x = g.conv(g.input, { outChannels: 8, kernel: 1 });
    toy.decisions.forEach((dec, d) => {
      g.inBlock(d, () => {
        const k = ops[dec.choices[codes[d]!]!]!;
        if (k > 0) x = g.bn(g.conv(x, { outChannels: 8, kernel: k, padding: (k - 1) / 2 }));
        else x = g.identity(x);
      });
    });
    return g.build(g.linear(g.flatten(g.globalAvgPool(x)), { outFeatures: 10 }));
  },
};

// Block latencies: decision 0 c1 = 5 is beaten by c3 (more params, less latency)
export const blockLat = [
  [5, 4, 0.5, 20],
  [2, 0.25, 1],
];

export function column(values: Float64Array, withBlocks: boolean): ObjectiveColumn {
  const col: ObjectiveColumn = { name: 'latency', source: 'test', direction: 'min', unit: 'ms', values };
  if (withBlocks) col.blockValue = (d, c) => blockLat[d]![c]!;
  return col;
}

/** Additive per-architecture latency with a fixed part. */
export function additiveTable(blocks: number[][], fixed: number): Float64Array {
  const radix = blocks.map((b) => b.length);
  const n = radix.reduce((a, b) => a * b, 1);
  return Float64Array.from(
    { length: n },
    (_, i) => fixed + mixedRadixDecode(i, radix).reduce((s, c, d) => s + blocks[d]![c]!, 0),
  );
}

export const latency = column(additiveTable(blockLat, 0), true);
