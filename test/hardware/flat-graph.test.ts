/**
 * The fast whole-space costing (splice.ts, kernel-stream.ts, flatFeatures) against the reference
 * (building each network and `graphFeatures` / `predictGraph`): bit-identical, on every NAS-Bench-201
 * network and every device, on zoo and BLOX networks under every combination of fusion rules.
 */
import { describe, expect, it } from 'vitest';
import { FEATURES, flatFeatures, graphFeatures, predictGraph } from '../../src/hardware/cost.js';
import { type FusionRules, getDevice, listDevices } from '../../src/hardware/device.js';
import { flattenGraph } from '../../src/hardware/flat-graph.js';
import { kernelStream, streamFeatures } from '../../src/hardware/kernel-stream.js';
import { FlatScratch } from '../../src/hardware/kernels.js';
import { directFeatures, spaceFeatures, spaceLatency } from '../../src/hardware/space-latency.js';
import { allocSpliced, allocStarts, sameFlat, spliceNetwork, spliceTemplate } from '../../src/hardware/splice.js';
import { type Graph, GraphBuilder } from '../../src/ir/graph.js';
import { zooGraph, zooNames } from '../../src/ir/zoo.js';
import { Rng } from '../../src/rng.js';
import { getSpace } from '../../src/space/all.js';
import type { SearchSpace } from '../../src/space/types.js';

/** All 32 combinations of the fusion switches. */
function allRules(): FusionRules[] {
  const out: FusionRules[] = [];
  for (let m = 0; m < 32; m++)
    out.push({
      convBnAct: (m & 1) !== 0,
      convAdd: (m & 2) !== 0,
      elementwiseAct: (m & 4) !== 0,
      linkElementwise: (m & 8) !== 0,
      deadCode: (m & 16) !== 0,
    });
  return out;
}

function expectSameFeatures(g: Graph, rules: FusionRules, scratch: FlatScratch): void {
  const base = getDevice('cortex-a76');
  const d = { ...base, file: { ...base.file, fusion: rules } };
  const ref = graphFeatures(g, d);
  const fast = flatFeatures(flattenGraph(g), rules, d, new Float64Array(FEATURES), scratch);
  expect(Array.from(fast)).toEqual(Array.from(ref));
}

describe('flat-graph kernel costing equals graphFeatures bit for bit', () => {
  const scratch = new FlatScratch();
  it('every zoo network under every combination of fusion rules', () => {
    const names = [...zooNames().filter((n) => !n.includes('<')), 'mobilenetv1-1.0-224', 'mobilenetv2-0.35-128-c5'];
    expect(names.length).toBeGreaterThan(8);
    for (const name of names) for (const rules of allRules()) expectSameFeatures(zooGraph(name), rules, scratch);
  });
  it('sampled NAS-Bench-201 and BLOX networks under every combination of fusion rules', () => {
    const rng = new Rng(11);
    for (const id of ['nb201', 'blox']) {
      const space = getSpace(id);
      for (let s = 0; s < 12; s++) {
        const g = space.network(rng.nextInt(space.size));
        for (const rules of allRules()) expectSameFeatures(g, rules, scratch);
      }
    }
  });
  it('a network whose output is a constant (all-zero NAS-Bench-201 cell) costs nothing under dead-code rules', () => {
    const space = getSpace('nb201');
    const g = space.network(0); // every edge 'none'
    const d = getDevice('cortex-a76');
    expect(d.file.fusion.deadCode).toBe(true);
    const f = flatFeatures(flattenGraph(g), d.file.fusion, d, new Float64Array(FEATURES), scratch);
    expect(Array.from(f)).toEqual(Array.from(graphFeatures(g, d)));
    expect(f[8]).toBe(0);
  });
});

describe('networks assembled from block runs (splice)', () => {
  it('NAS-Bench-201 and BLOX splice; assembled networks equal space.network(i)', () => {
    for (const id of ['nb201', 'blox']) {
      const space = getSpace(id);
      const t = spliceTemplate(space);
      expect(t).toBeDefined();
      const net = allocSpliced(t!);
      const starts = allocStarts(t!);
      const rng = new Rng(3);
      for (const i of [0, space.size - 1, ...Array.from({ length: 40 }, () => rng.nextInt(space.size))]) {
        spliceNetwork(t!, space.decode(i), net, starts);
        expect(sameFlat(net, flattenGraph(space.network(i)))).toBe(true);
      }
    }
  });
  it('a space whose choice changes the shape a fixed node reads does not splice, and is built in full', () => {
    // Two widths in sequence: the second conv's work depends on both choices (not additive either).
    const widths = [8, 16];
    const toy: SearchSpace = {
      id: 'toy-width',
      title: 'toy',
      decisions: [
        { name: 'w0', choices: ['8', '16'] },
        { name: 'w1', choices: ['8', '16'] },
      ],
      size: 4,
      defaultClasses: 10,
      decode: (i) => [i % 2, i >> 1],
      encode: (c) => c[0]! + 2 * c[1]!,
      parse: (s) => Number(s),
      format: (i) => String(i),
      notations: (i) => ({ index: i }),
      network: (i) => {
        const b = new GraphBuilder('toy', { c: 3, h: 8, w: 8 });
        let x = b.inBlock(0, () => b.conv(b.input, { outChannels: widths[i % 2]!, kernel: 3, padding: 1 }));
        x = b.relu(x);
        x = b.inBlock(1, () => b.conv(x, { outChannels: widths[i >> 1]!, kernel: 3, padding: 1 }));
        return b.build(b.relu(x));
      },
    };
    expect(spliceTemplate(toy)).toBeUndefined();
    const d = getDevice('cortex-a76');
    expect(spaceFeatures(toy, d).additive).toBe(false);
    const lat = spaceLatency(toy, d);
    for (let i = 0; i < 4; i++) expect(lat.values[i]).toBe(predictGraph(toy.network(i), d));
  });
});

describe('model: latency of every NAS-Bench-201 network', () => {
  it('equals predictGraph of the built network exactly, on every device, for all 15,625 networks', () => {
    const space = getSpace('nb201');
    const devices = listDevices().map((id) => getDevice(id));
    const columns = devices.map((d) => spaceLatency(space, d).values);
    let checked = 0;
    for (let i = 0; i < space.size; i++) {
      const g = space.network(i);
      devices.forEach((d, k) => {
        // Reported with the index: one failing network names itself.
        if (columns[k]![i] !== predictGraph(g, d))
          expect([d.id, i, columns[k]![i]]).toEqual([d.id, i, predictGraph(g, d)]);
      });
      checked++;
    }
    expect(checked).toBe(15625);
    expect(devices.length).toBeGreaterThanOrEqual(5);
  }, 120_000);
  it('devices with the same fusion rules share one kernel stream; distinct kernels are few', () => {
    const space = getSpace('nb201');
    const t = spliceTemplate(space)!;
    const a76 = getDevice('cortex-a76');
    const st = kernelStream(t, space.size, a76.file.fusion)!;
    expect(st).toBeDefined();
    expect(st.offsets[space.size]).toBe(st.ids.length);
    expect(st.distinct).toBeLessThan(200);
    // Same stream, another device with the same rules (M7: other constants, vector widths, memory).
    const m7 = getDevice('cortex-m7');
    expect(m7.file.fusion).toEqual(a76.file.fusion);
    const full = streamFeatures(st, m7);
    // The path for spaces too large to keep a stream gives the same features.
    expect(Array.from(directFeatures(t, space.size, m7))).toEqual(Array.from(full));
    for (const i of [0, 1, 777, 15624]) {
      const ref = graphFeatures(space.network(i), m7);
      expect(Array.from(full.subarray(i * FEATURES, (i + 1) * FEATURES))).toEqual(Array.from(ref));
    }
  });
});
