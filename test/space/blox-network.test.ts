/**
 * The BLOX network in the IR against BLOX.md §2-3: layer structure, block tags, params / ptflops MACs /
 * conv+linear MACs from the closed forms for all 91,125 networks (via the per-block cache) and from full
 * graph counts on samples, and the ranges of §3.4.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countAll } from '../../src/ir/count.js';
import type { ConvAttrs, Node } from '../../src/ir/graph.js';
import { BloxSpace } from '../../src/space/blox/index.js';
import { spaceCounts } from '../../src/space/counts.js';

const space = new BloxSpace();
const C = [32, 64, 128];
const HW = [32 * 32, 16 * 16, 8 * 8];

/** Closed forms of §3.2 per op (conv, mbconv, bconv) at channels c, map size hw: [params, ptflops, MACs]. */
function opCost(op: number, c: number, hw: number): [number, number, number] {
  if (op === 0) return [36 * c * c + 12 * c, 36 * c * c * hw + 16 * c * hw, 36 * c * c * hw];
  if (op === 1) {
    return [56 * c * c + 26 * c, 40 * c * c * hw + 28 * c * hw + 16 * c * c + 12 * c, 40 * c * c * hw + 16 * c * c];
  }
  return [14 * c * c + 235 * c, 14 * c * c * hw + 255 * c * hw, 14 * c * c * hw + 175 * c * hw];
}

/** Whole network from the closed forms: fixed part + the ops of each stage's optimised cell. */
function closedForm(index: number): [number, number, number] {
  const total: [number, number, number] = [1_363_940, 50_148_452, 884_736 + 25_600];
  space.decode(index).forEach((u, s) => {
    total[2] += 15.5 * C[s]! * C[s]! * HW[s]!;
    for (const [op] of space.classes[u]!.nodes) {
      const cost = opCost(op, C[s]!, HW[s]!);
      for (let k = 0; k < 3; k++) total[k] += cost[k]!;
    }
  });
  return total;
}

describe('BLOX network structure (BLOX.md §2)', () => {
  const g = space.network(24_519); // [[[0],[1,1,1,1]],[[1],[1,1,0,0]],[[0],[0,1,1,0]]]
  const convs = g.nodes.filter((n) => n.op === 'conv2d') as (Node & { attrs: ConvAttrs })[];
  const consumers = (id: number) => g.nodes.filter((n) => n.inputs.includes(id));

  it('input 3x32x32, output 100 logits; stage shapes 32x32x32 -> 64x16 -> 128x8 -> 256x4', () => {
    expect(g.inputShape).toEqual({ c: 3, h: 32, w: 32 });
    expect(g.nodes[g.output]!.shape).toEqual({ c: 100, h: 1, w: 1 });
    expect(g.nodes[g.output]!.op).toBe('linear');
    const out = (scope: string) => g.nodes.filter((n) => n.scope.startsWith(scope)).at(-1)!.shape;
    expect(out('stem')).toEqual({ c: 32, h: 32, w: 32 });
    expect(out('stage0/cell')).toEqual({ c: 32, h: 32, w: 32 });
    expect(out('stage0/reduction')).toEqual({ c: 64, h: 16, w: 16 });
    expect(out('stage1/reduction')).toEqual({ c: 128, h: 8, w: 8 });
    expect(out('stage2/reduction')).toEqual({ c: 256, h: 4, w: 4 });
    expect(space.network(24_519, { classes: 10 }).nodes.at(-1)!.shape.c).toBe(10);
  });

  it('every conv has a bias; all but the SE 1x1 convs are followed by BN then ReLU', () => {
    for (const n of convs) {
      expect(n.attrs.bias).toBe(true);
      const [next] = consumers(n.id);
      if (n.scope.includes('/se/')) {
        expect(next!.op).toBe(n.scope.endsWith('fc1') ? 'relu' : 'sigmoid');
        continue;
      }
      expect(next!.op).toBe('batchnorm');
      expect(consumers(next!.id).map((m) => m.op)).toEqual(['relu']);
    }
  });

  it('MBConv: full 3x3 C->2C, SE with hidden 2C, 1x1 2C->C; bconv: 1x1, depthwise 5x5, 1x1 at C/2, C, 2C', () => {
    const mb = convs.filter((n) => n.scope.startsWith('stage1/cell/node0/mbconv/'));
    expect(mb.map((n) => [n.attrs.kernel, n.attrs.groups, n.attrs.outChannels])).toEqual([
      [3, 1, 128],
      [1, 1, 128],
      [1, 1, 128],
      [1, 1, 64],
      [3, 1, 128],
      [1, 1, 128],
      [1, 1, 128],
      [1, 1, 64],
    ]);
    const b = space.network(11); // stage 0 = bconv alone
    const bc = b.nodes.filter((n) => n.op === 'conv2d' && n.scope.startsWith('stage0/cell/')) as (Node & {
      attrs: ConvAttrs;
    })[];
    expect(bc.map((n) => [n.attrs.kernel, n.attrs.groups, n.attrs.outChannels, n.attrs.padding])).toEqual(
      [16, 32, 64, 16, 32, 64].flatMap((w) => [
        [1, 1, w, 0],
        [5, w, w, 2],
        [1, 1, 32, 0],
      ]),
    );
    expect(b.nodes.filter((n) => n.scope.startsWith('stage0/cell/') && n.op === 'add')).toHaveLength(6);
  });

  it('cell wiring: mbconv(conv(x) + x) + conv(x) sums the input before node 1 and adds node 0 after it', () => {
    const adds = g.nodes.filter((n) => n.scope.startsWith('stage0/cell/node1/') && n.op === 'add');
    const names = adds.map((n) => n.scope.split('/').at(-1));
    expect(names.filter((x) => x === 'sum_in' || x === 'skip')).toEqual(['sum_in', 'skip']);
    const stem = g.nodes.filter((n) => n.scope.startsWith('stem')).at(-1)!.id;
    const node0 = g.nodes.filter((n) => n.scope.startsWith('stage0/cell/node0')).at(-1)!.id;
    const sumIn = adds.find((n) => n.scope.endsWith('sum_in'))!;
    expect(sumIn.inputs).toEqual([node0, stem]);
    expect(adds.find((n) => n.scope.endsWith('skip'))!.inputs[1]).toBe(node0);
  });

  it('reduction: proj 2x2/s2, conv 3x3/s2, conv 3x3, summed', () => {
    const red = convs.filter((n) => n.scope.startsWith('stage0/reduction/'));
    expect(red.map((n) => [n.attrs.kernel, n.attrs.stride, n.attrs.padding, n.attrs.outChannels])).toEqual([
      [2, 2, 0, 64],
      [3, 2, 1, 64],
      [3, 1, 1, 64],
    ]);
  });

  it('cell nodes carry block = stage, everything else -1', () => {
    for (const n of g.nodes) {
      const m = /^stage(\d)\/cell\//.exec(n.scope);
      expect([n.scope, n.block]).toEqual([n.scope, m ? Number(m[1]) : -1]);
    }
  });
});

describe('BLOX counts (BLOX.md §3)', () => {
  it('full graph counts equal the closed forms on sampled networks', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 91_124 }), (i) => {
        const c = countAll(space.network(i));
        expect([c.params, c.flops, c.macs]).toEqual(closedForm(i));
      }),
      { numRuns: 60 },
    );
  });

  it('per-block cached counts equal the closed forms for all 91,125 networks', () => {
    const counts = spaceCounts(space);
    expect(counts.additive).toBe(true);
    // conv+linear MACs of the fixed part: stem 884,736 + 3 reductions of 15.5 Cin^2 HW = 16,252,928 + fc 25,600.
    expect(counts.fixed).toEqual({ params: 1_363_940, flops: 50_148_452, macs: 884_736 + 3 * 16_252_928 + 25_600 });
    let bad = 0;
    for (let i = 0; i < space.size; i++) {
      const [p, f, m] = closedForm(i);
      if (counts.params[i] !== p || counts.flops[i] !== f || counts.macs[i] !== m) bad++;
    }
    expect(bad).toBe(0);
  });

  it('ranges of §3.4: min / max / median with their first indices; 729 distinct values', () => {
    const { params, flops, macs } = spaceCounts(space);
    const stats = (a: Float64Array) => {
      const sorted = Float64Array.from(a).sort();
      const min = sorted[0]!;
      const max = sorted.at(-1)!;
      return { min, max, median: sorted[(a.length - 1) / 2]!, argmin: a.indexOf(min), argmax: a.indexOf(max) };
    };
    expect(stats(params)).toEqual({ min: 1_717_636, max: 3_784_036, median: 2_884_900, argmin: 22_781, argmax: 8_284 });
    const f = stats(flops);
    expect([f.min, f.max, f.median, f.argmin, f.argmax]).toEqual([
      108_811_364, 305_711_460, 247_225_700, 22_781, 8_284,
    ]);
    const m = stats(macs);
    expect([m.min, m.max]).toEqual([103_744_512, 302_015_488]);
    expect(new Set(params).size).toBe(729);
    expect(new Set(flops).size).toBe(729);
  });

  it('index 0 (conv->conv everywhere) has ptflops 278,475,876 (the ptflops 0.6.9 figure of §3.1)', () => {
    expect(countAll(space.network(0)).flops).toBe(278_475_876);
  });
});
