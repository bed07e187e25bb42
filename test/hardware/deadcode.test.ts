import { describe, expect, it } from 'vitest';
import { graphFeatures } from '../../src/hardware/cost.js';
import { getDevice, loadDeviceFile } from '../../src/hardware/device.js';
import { fitCorrection, selectFit, withDeadCode } from '../../src/hardware/fit.js';
import { detectKernels } from '../../src/hardware/kernels.js';
import { spaceLatency } from '../../src/hardware/space-latency.js';
import { GraphBuilder } from '../../src/ir/graph.js';
import { Rng } from '../../src/rng.js';
import { getSpace } from '../../src/space/all.js';

const pruned = loadDeviceFile('cortex-a72').fusion;
const eager = { ...pruned, deadCode: false };

describe('converter dead-code elimination (fusion.deadCode)', () => {
  it('every TFLite-class device prunes dead code', () => {
    for (const id of ['cortex-m7', 'cortex-a76', 'adreno-640', 'cortex-a75', 'cortex-a72'])
      expect(loadDeviceFile(id).fusion.deadCode).toBe(true);
  });

  it('a conv whose only consumer is a zero op is pruned; one fed by a zero op still runs', () => {
    const b = new GraphBuilder('t', { c: 8, h: 4, w: 4 });
    const x = b.convBnAct(b.input, { outChannels: 8, kernel: 3, padding: 1 });
    const deadConv = b.conv(x, { outChannels: 8, kernel: 1 });
    const zeroOfInput = b.zero(x);
    const fedByZero = b.conv(zeroOfInput, { outChannels: 8, kernel: 3, padding: 1 });
    b.add([x, b.zero(deadConv), fedByZero]);
    const g = b.build();
    // kernels: stem conv(+bn+relu), dead 1x1, conv on zeros, add
    expect(detectKernels(g, eager).map((k) => k.kind)).toEqual(['conv', 'pointwise', 'conv', 'elementwise']);
    expect(detectKernels(g, pruned).map((k) => k.kind)).toEqual(['conv', 'conv', 'elementwise']);
  });

  it('a network whose output does not depend on its input is a constant: no kernels', () => {
    const b = new GraphBuilder('t', { c: 8, h: 4, w: 4 });
    const x = b.convBnAct(b.input, { outChannels: 8, kernel: 3, padding: 1 });
    const z = b.zero(x);
    b.linear(b.flatten(b.globalAvgPool(b.conv(z, { outChannels: 8, kernel: 1 }))), { outFeatures: 4 });
    const g = b.build();
    expect(detectKernels(g, pruned)).toHaveLength(0);
    expect(detectKernels(g, eager).map((k) => k.kind)).toEqual(['conv', 'pointwise', 'pool', 'linear']);
  });

  it('NB201: a dead conv3x3 costs nothing when pruned and 30 kernels (ReLU + conv per cell) when every op runs', () => {
    const space = getSpace('nb201');
    const d = getDevice('cortex-a72');
    const feats = (codes: number[], dev = d) => graphFeatures(space.network(space.encode(codes)), dev);
    // edge order 1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2; ops none, skip, conv1x1, conv3x3, avgpool
    const skipOnly = feats([0, 0, 0, 1, 0, 0]);
    const deadConv = feats([3, 0, 0, 1, 0, 0]); // node 1 = conv3x3(x) feeds only zero edges
    expect(Array.from(deadConv)).toEqual(Array.from(skipOnly));
    const eagerDev = withDeadCode(d, false);
    const diff = feats([3, 0, 0, 1, 0, 0], eagerDev)[8]! - feats([0, 0, 0, 1, 0, 0], eagerDev)[8]!;
    expect(diff).toBe(30); // per cell: the edge's own ReLU (reads the cell input) and conv(+bn)
    // conv3x3 fed by the all-zero node 1 and reaching the output through node 2: runs when pruned
    const zeroFed = feats([0, 0, 3, 1, 0, 1]);
    expect(zeroFed[0]!).toBeGreaterThan(skipOnly[0]!);
    // node 3 has only zero edges: the whole network is constant
    expect(Array.from(feats([1, 3, 2, 0, 0, 0]))).toEqual(new Array(9).fill(0));
  });
});

describe('few-shot fit chooses the graph semantics from the measured rows', () => {
  it('selectFit keeps the candidate that explains the data (lowest leave-one-out error)', () => {
    const rng = new Rng(7);
    const a: Float64Array[] = [];
    const b: Float64Array[] = [];
    const y: number[] = [];
    for (let r = 0; r < 12; r++) {
      const ra = Float64Array.from({ length: 9 }, () => rng.nextFloat());
      const rb = Float64Array.from({ length: 9 }, () => rng.nextFloat());
      a.push(ra);
      b.push(rb);
      y.push(3 * rb.reduce((s, v) => s + v, 0)); // measured = 3 x candidate b
    }
    const best = selectFit([a, b], y);
    expect(best.index).toBe(1);
    expect(best.model.looError).toBeLessThan(1e-6);
    for (const w of best.model.weights) expect(w).toBeCloseTo(3, 4);
  });

  it('fit: on NB201 picks pruned features for a pruned device and eager ones for an eager device', () => {
    const space = getSpace('nb201');
    const d = getDevice('cortex-a72');
    for (const [truthDevice, expectPruned] of [
      [d, true],
      [withDeadCode(d, false), false],
    ] as const) {
      const truth = spaceLatency(space, truthDevice).values;
      const measured = new Float64Array(space.size).fill(Number.NaN);
      const rng = new Rng(11);
      for (let k = 0; k < 20; ) {
        const i = rng.nextInt(space.size);
        if (truth[i]! > 0 && Number.isNaN(measured[i]!)) {
          measured[i] = 1.5 * truth[i]!;
          k++;
        }
      }
      const fit = fitCorrection(space, d, measured);
      expect(fit.pruned).toBe(expectPruned);
      expect(fit.looError).toBeLessThan(1e-3);
      let worst = 0;
      for (let i = 0; i < space.size; i++)
        if (truth[i]! > 0) worst = Math.max(worst, Math.abs(fit.values[i]! / (1.5 * truth[i]!) - 1));
      expect(worst).toBeLessThan(1e-3);
    }
  });

  it('block latencies for pruning cost a block as it runs when live (NB201: not 0 behind none edges)', () => {
    const space = getSpace('nb201');
    const lat = spaceLatency(space, getDevice('cortex-m7'));
    const names = space.decisions[0]!.choices;
    const conv3 = names.indexOf('nor_conv_3x3');
    const conv1 = names.indexOf('nor_conv_1x1');
    const pool = names.indexOf('avg_pool_3x3');
    // every edge holds the same op in the same 15 cells, so its own kernels cost about the same on every
    // edge (within 2 %: edges into the output node fuse differently with the cell sum)
    for (let d = 0; d < space.decisions.length; d++) {
      expect(Math.abs(lat.blockMs[d]![conv3]! / lat.blockMs[0]![conv3]! - 1)).toBeLessThan(0.02);
      expect(lat.blockMs[d]![conv3]).toBeGreaterThan(lat.blockMs[d]![conv1]!);
      expect(lat.blockMs[d]![conv1]).toBeGreaterThan(lat.blockMs[d]![pool]!);
      expect(lat.blockMs[d]![pool]).toBeGreaterThan(0);
    }
  });
});
