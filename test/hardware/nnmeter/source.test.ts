import { describe, expect, it } from 'vitest';
import { predictGraphMs, predictKernels } from '../../../src/hardware/nnmeter/index.js';
import { meterSpaceLatency } from '../../../src/hardware/nnmeter/source.js';
import { GraphBuilder } from '../../../src/ir/graph.js';
import { Rng } from '../../../src/rng.js';
import { getSpace } from '../../../src/space/all.js';
import type { SearchSpace } from '../../../src/space/types.js';
import { toySpace } from '../../helpers/data.js';
import { syntheticPredictors } from '../../helpers/nnmeter.js';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);

describe('nnmeter: per-block caching', () => {
  it('BLOX: one prediction per distinct block in context; cached totals equal whole-graph predictions', () => {
    const blox = getSpace('blox');
    const p = syntheticPredictors();
    const lat = meterSpaceLatency(blox, p, { quiet: true, samples: 8 });
    expect(lat.additive).toBe(true);
    expect(lat.crossesBlocks).toBe(false);
    expect(lat.blockMs.map((b) => b.length)).toEqual([45, 45, 45]);
    const rng = new Rng(7);
    const picks = [0, 24519, 91124, ...Array.from({ length: 12 }, () => rng.nextInt(blox.size))];
    for (const i of picks) {
      const whole = predictGraphMs(blox.network(i), p);
      expect(whole).toBeGreaterThan(0);
      expect(rel(lat.values[i]!, whole), `arch ${i}`).toBeLessThanOrEqual(1e-9);
      const codes = blox.decode(i);
      const cached = lat.fixedMs + codes.reduce((a, c, d) => a + lat.blockMs[d]![c]!, 0);
      expect(rel(cached, whole)).toBeLessThanOrEqual(1e-9);
    }
    // The Sigmoid and mul of BLOX's SE get no prediction, as in nn-Meter.
    expect(lat.unpredicted.join(' ')).toMatch(
      /Sigmoid \(no nn-Meter features\).*mul \(no nn-Meter features\)|mul .*Sigmoid/,
    );
  });

  it('NAS-Bench-201: node sums fuse the ReLU of the next edge (add-relu), so kernels cross blocks', () => {
    const nb = getSpace('nb201');
    const ks = predictKernels(
      nb.network(
        nb.parse('|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|skip_connect~1|nor_conv_3x3~2|'),
      ),
      syntheticPredictors(),
    );
    expect(ks.some((k) => k.op === 'add-relu' && k.crossesBlocks)).toBe(true);
  });

  it('a space whose kernels cross blocks is predicted network by network', () => {
    // block 0: a conv (k 1 or 3); block 1: its activation (relu fuses into the conv, sigmoid does not).
    const toy = toySpace([2, 2], 'toy-nnmeter');
    const space: SearchSpace = {
      ...toy,
      network(i: number) {
        const [k, act] = toy.decode(i) as [number, number];
        const b = new GraphBuilder(`toy${i}`, { c: 3, h: 16, w: 16 });
        let x = b.convBnAct(b.input, { outChannels: 8, kernel: 3, padding: 1 }, 'relu', 'stem');
        x = b.inBlock(0, () => b.conv(x, { outChannels: 8, kernel: k === 0 ? 1 : 3, padding: k }));
        x = b.inBlock(1, () => b.act(act === 0 ? 'relu' : 'sigmoid', x));
        b.linear(b.flatten(b.globalAvgPool(x)), { outFeatures: 2 });
        return b.build();
      },
    };
    const p = syntheticPredictors();
    const lat = meterSpaceLatency(space, p, { quiet: true });
    expect(lat.additive).toBe(false);
    expect(lat.crossesBlocks).toBe(true);
    for (let i = 0; i < space.size; i++) expect(lat.values[i]).toBe(predictGraphMs(space.network(i), p));
  });
});
