import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { isHwnasError } from '../../src/errors.js';
import { type Graph, GraphBuilder } from '../../src/ir/graph.js';
import { initParams } from '../../src/ir/init.js';
import { toOnnx } from '../../src/ir/onnx.js';

async function run(
  bytes: Uint8Array,
  data: number[],
  dims: number[],
): Promise<{ dims: readonly number[]; values: number[] }> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const r = await session.run({ input: new ort.Tensor('float32', Float32Array.from(data), dims) });
    const out = r.logits!;
    return { dims: out.dims, values: Array.from(out.data as Float32Array) };
  } finally {
    await session.release();
  }
}

function expectClose(actual: number[], expected: number[], tol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) expect(actual[i]).toBeCloseTo(expected[i]!, -Math.log10(tol));
}

/** 1x2x2 input -> 1x1 conv (2 channels, bias) -> BN -> ReLU -> GAP -> linear 2->2; weights set by hand. */
function tinyNetwork(): { g: Graph; params: Map<number, Record<string, number[]>> } {
  const b = new GraphBuilder('tiny', { c: 1, h: 2, w: 2 });
  const conv = b.conv(b.input, { outChannels: 2, kernel: 1, bias: true });
  const bn = b.bn(conv);
  const fc = b.linear(b.flatten(b.globalAvgPool(b.relu(bn))), { outFeatures: 2 });
  const params = new Map<number, Record<string, number[]>>([
    [conv, { weight: [2, -1], bias: [0.5, 0] }],
    // sqrt(var + 1e-5) = 2 and 1
    [bn, { weight: [1, 2], bias: [0, 1], mean: [0.5, 0], variance: [4 - 1e-5, 1 - 1e-5] }],
    [fc, { weight: [1, 2, -1, 0.5], bias: [0.25, -0.5] }],
  ]);
  return { g: b.build(fc), params };
}

describe('toOnnx: a tiny network computed by hand', () => {
  // x = [1,-2,3,4]: conv ch0 = 2x+0.5 = [2.5,-3.5,6.5,8.5], ch1 = -x = [-1,2,-3,-4]
  // BN ch0 = (v-0.5)/2 = [1,-2,3,4], ch1 = 2v+1 = [-1,5,-5,-7]; ReLU; GAP = [8/4, 5/4] = [2, 1.25]
  // fc: [2 + 2.5 + 0.25, -2 + 0.625 - 0.5] = [4.75, -1.875]
  // x = 0: conv [0.5, 0] -> BN [0, 1] -> GAP [0, 1] -> fc [2.25, 0]
  for (const foldBn of [false, true]) {
    it(`matches ONNX Runtime (foldBn=${foldBn})`, async () => {
      const { g, params } = tinyNetwork();
      const bytes = toOnnx(g, { seed: 0, foldBn, params });
      const one = await run(bytes, [1, -2, 3, 4], [1, 1, 2, 2]);
      expect(one.dims).toEqual([1, 2]);
      expectClose(one.values, [4.75, -1.875]);
      const two = await run(bytes, [1, -2, 3, 4, 0, 0, 0, 0], [2, 1, 2, 2]);
      expect(two.dims).toEqual([2, 2]);
      expectClose(two.values, [4.75, -1.875, 2.25, 0]);
    });
  }

  it('folding removes the BatchNormalization node', () => {
    const { g, params } = tinyNetwork();
    const text = (b: Uint8Array) => Buffer.from(b).toString('latin1');
    expect(text(toOnnx(g, { seed: 0, params }))).toContain('BatchNormalization');
    expect(text(toOnnx(g, { seed: 0, foldBn: true, params }))).not.toContain('BatchNormalization');
  });

  it('rejects explicit parameters of the wrong size or for a parameter-free node', () => {
    const { g } = tinyNetwork();
    const bad = (params: Map<number, Record<string, number[]>>) => {
      try {
        toOnnx(g, { seed: 0, params });
      } catch (e) {
        return isHwnasError(e) ? e.message : String(e);
      }
      return 'no error';
    };
    expect(bad(new Map([[1, { weight: [1, 2, 3] }]]))).toMatch(/needs 2 values, got 3/);
    expect(bad(new Map([[0, { weight: [1] }]]))).toMatch(/has no parameters/);
  });
});

describe('toOnnx: every op against values computed by hand', () => {
  /** Builds a 1 x 1 x 4 input network ending in `f(input)`, exports, runs it on `x`. */
  async function ops(f: (b: GraphBuilder, x: number) => number, x: number[], shape = { c: 1, h: 1, w: 4 }) {
    const b = new GraphBuilder('ops', shape);
    const g = b.build(f(b, b.input));
    const r = await run(toOnnx(g, { seed: 1 }), x, [1, shape.c, shape.h, shape.w]);
    return r.values;
  }
  const x = [-4, -1, 0.5, 8];

  it('activations: relu, relu6 (Clip), hswish (HardSwish), sigmoid', async () => {
    expectClose(await ops((b, i) => b.relu(i), x), [0, 0, 0.5, 8]);
    expectClose(await ops((b, i) => b.act('relu6', i), x), [0, 0, 0.5, 6]);
    // x * relu6(x + 3) / 6
    expectClose(await ops((b, i) => b.act('hswish', i), x), [0, -1 / 3, (0.5 * 3.5) / 6, 8]);
    expectClose(
      await ops((b, i) => b.act('sigmoid', i), x),
      x.map((v) => 1 / (1 + Math.exp(-v))),
    );
  });

  it('add of three (Sum), identity, zero keeps the shape', async () => {
    expectClose(await ops((b, i) => b.add([i, b.identity(i), b.relu(i)]), x), [-8, -2, 1.5, 24]);
    expectClose(await ops((b, i) => b.zero(i), x), [0, 0, 0, 0]);
    expectClose(await ops((b, i) => b.add([i, b.zero(i)]), x), x);
  });

  it('mul broadcasts a per-channel scale; concat stacks channels', async () => {
    // channels [[1,3],[2,-2]] (1x2 maps): GAP = [2, 0]; x * GAP = [[2,6],[0,0]]
    const shape = { c: 2, h: 1, w: 2 };
    expectClose(await ops((b, i) => b.mul(i, b.globalAvgPool(i)), [1, 3, 2, -2], shape), [2, 6, 0, 0]);
    expectClose(await ops((b, i) => b.concat([i, b.relu(i)]), [1, 3, 2, -2], shape), [1, 3, 2, -2, 1, 3, 2, 0]);
  });

  it('avg pool honours count_include_pad; max pool', async () => {
    // 2x2 map [1,2,3,4], 3x3 window, stride 1, pad 1: every window covers all four values
    const shape = { c: 1, h: 2, w: 2 };
    const m = [1, 2, 3, 4];
    const avg = (countIncludePad: boolean) => (b: GraphBuilder, i: number) =>
      b.pool('avgpool', i, { kernel: 3, stride: 1, padding: 1, countIncludePad });
    expectClose(await ops(avg(false), m, shape), [2.5, 2.5, 2.5, 2.5]);
    expectClose(await ops(avg(true), m, shape), [10 / 9, 10 / 9, 10 / 9, 10 / 9]);
    expectClose(await ops((b, i) => b.pool('maxpool', i, { kernel: 2 }), m, shape), [4]);
    expectClose(await ops((b, i) => b.pool('avgpool', i, { kernel: 2 }), m, shape), [2.5]);
  });

  it('grouped, strided, padded conv (depthwise 3x3 of ones, stride 2, pad 1)', async () => {
    const b = new GraphBuilder('dw', { c: 2, h: 3, w: 3 });
    const conv = b.conv(b.input, { outChannels: 2, kernel: 3, stride: 2, padding: 1, groups: 2 });
    const g = b.build(conv);
    const params = new Map([[conv, { weight: new Array(18).fill(1) }]]);
    const input = [1, 2, 3, 4, 5, 6, 7, 8, 9, ...new Array(9).fill(1)];
    const r = await run(toOnnx(g, { seed: 0, params }), input, [1, 2, 3, 3]);
    // channel 0 windows at (0,0),(0,2),(2,0),(2,2): sums of the 2x2 corners; channel 1: counts of ones
    expect(r.dims).toEqual([1, 8]);
    expectClose(r.values, [12, 16, 24, 28, 4, 4, 4, 4]);
  });

  it('element-wise ops on flat tensors after linear stay flat', async () => {
    const b = new GraphBuilder('flat', { c: 1, h: 1, w: 4 });
    const f = b.flatten(b.input);
    const l1 = b.linear(f, { outFeatures: 2, bias: false });
    const out = b.add([l1, b.relu(l1)]);
    const g = b.build(out);
    const params = new Map([[l1, { weight: [1, 0, 0, 0, 0, 0, 0, 1] }]]);
    const r = await run(toOnnx(g, { seed: 0, params }), x, [1, 1, 1, 4]);
    expect(r.dims).toEqual([1, 2]);
    // [x0, x3] + relu([x0, x3]) = [-4 + 0, 8 + 8]
    expectClose(r.values, [-4, 16]);
  });
});

describe('toOnnx: initialisation and determinism', () => {
  function bigConv(): Graph {
    const b = new GraphBuilder('big', { c: 64, h: 8, w: 8 });
    const c = b.conv(b.input, { outChannels: 64, kernel: 3, padding: 1, bias: true });
    return b.build(b.linear(b.flatten(b.globalAvgPool(b.bn(c))), { outFeatures: 10 }));
  }

  it('He-normal weights (std sqrt(2 / fan_in)), zero biases, identity batch norm', () => {
    const g = bigConv();
    const p = initParams(g, 7);
    const w = p.get(1)!.weight!;
    let s = 0;
    let s2 = 0;
    for (const v of w) {
      s += v;
      s2 += v * v;
    }
    const mean = s / w.length;
    const std = Math.sqrt(s2 / w.length - mean * mean);
    const target = Math.sqrt(2 / (64 * 9));
    // 36,864 samples: the sample std is within 1 % of the target with overwhelming probability
    expect(Math.abs(std / target - 1)).toBeLessThan(0.02);
    expect(Math.abs(mean)).toBeLessThan(target * 0.03);
    expect([...p.get(1)!.bias!].every((v) => v === 0)).toBe(true);
    const bn = p.get(2)!;
    expect([...bn.weight!, ...bn.variance!].every((v) => v === 1)).toBe(true);
    expect([...bn.bias!, ...bn.mean!].every((v) => v === 0)).toBe(true);
  });

  it('identical bytes for the same seed, different bytes for another seed', () => {
    const a = toOnnx(bigConv(), { seed: 3 });
    expect(Buffer.from(toOnnx(bigConv(), { seed: 3 })).equals(Buffer.from(a))).toBe(true);
    expect(Buffer.from(toOnnx(bigConv(), { seed: 4 })).equals(Buffer.from(a))).toBe(false);
  });

  it('folding a BN with identity statistics leaves the outputs unchanged', async () => {
    const g = bigConv();
    const input = Array.from({ length: 64 * 64 }, (_, i) => Math.sin(i));
    const plain = await run(toOnnx(g, { seed: 5 }), input, [1, 64, 8, 8]);
    const folded = await run(toOnnx(g, { seed: 5, foldBn: true }), input, [1, 64, 8, 8]);
    expectClose(folded.values, plain.values, 1e-4);
  });
});

describe('toOnnx: real networks of the registered spaces', async () => {
  const { getSpace, listSpaces } = await import('../../src/space/all.js');
  const registered = new Set(listSpaces().map((s) => s.name));
  const cases: [string, (size: number) => number[]][] = [
    ['nb201', (size) => [0, 11718, 7812, size - 1]], // all none, all conv3x3, all conv1x1, last
    ['blox', (size) => [0, 12345, size - 1]],
  ];
  for (const [name, pick] of cases) {
    it.skipIf(!registered.has(name))(`${name}: batch 1 and 3 give [N, classes], BN folding keeps outputs`, async () => {
      const space = getSpace(name);
      for (const index of pick(space.size)) {
        const g = space.network(index, { classes: 10 });
        const s = g.inputShape;
        const per = s.c * s.h * s.w;
        const input = Array.from({ length: 3 * per }, (_, i) => Math.cos(i * 0.37));
        const plain = toOnnx(g, { seed: 11 });
        const one = await run(plain, input.slice(0, per), [1, s.c, s.h, s.w]);
        expect(one.dims).toEqual([1, 10]);
        expect(one.values.every(Number.isFinite)).toBe(true);
        const three = await run(plain, input, [3, s.c, s.h, s.w]);
        expect(three.dims).toEqual([3, 10]);
        // batch rows are independent: row 0 of the batch equals the batch-1 run
        expectClose(three.values.slice(0, 10), one.values, 1e-3);
        const folded = await run(toOnnx(g, { seed: 11, foldBn: true }), input, [3, s.c, s.h, s.w]);
        const scale = Math.max(...three.values.map(Math.abs));
        for (let i = 0; i < 30; i++) {
          expect(Math.abs(folded.values[i]! - three.values[i]!)).toBeLessThanOrEqual(1e-3 * scale + 1e-6);
        }
      }
    });
  }
});
