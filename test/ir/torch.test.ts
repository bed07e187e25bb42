/**
 * PyTorch export: for 20 random architectures of BLOX, NB201 and two user JSON spaces, the module real
 * PyTorch builds from the exported source has `hwnas arch`'s parameter count, and with the exported
 * seeded weights (.safetensors or .pt, alternately) its output on a fixed input equals ONNX Runtime's
 * output of the ONNX export of the same architecture and seed. One python process checks all of them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { countParams } from '../../src/ir/count.js';
import { GraphBuilder, numel } from '../../src/ir/graph.js';
import { toOnnx } from '../../src/ir/onnx.js';
import { toTorchSource } from '../../src/ir/torch.js';
import { storedZip, torchStateDict, toSafetensors, toTorchPt, weightsFormat } from '../../src/ir/torch-weights.js';
import { Rng } from '../../src/rng.js';
import { getSpace } from '../../src/space/all.js';
import { checkModules, HAS_TORCH, type ModuleCheck, NO_TORCH_REASON } from '../helpers/torch.js';

const dir = mkdtempSync(join(tmpdir(), 'hwnas-torch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SPACES = ['blox', 'nb201', 'examples/fmnist-m7.json', 'examples/mcu-dscnn.json'];
const PER_SPACE = 20;
const SEED = 7;

async function ortRun(bytes: Uint8Array, x: Float32Array, dims: number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    const r = await session.run({ input: new ort.Tensor('float32', x, dims) });
    return Float32Array.from(r.logits!.data as Float32Array);
  } finally {
    await session.release();
  }
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

describe('toTorchSource', () => {
  it('writes the ops of a small graph as PyTorch calls, module attributes named by node id', () => {
    const b = new GraphBuilder('tiny', { c: 1, h: 4, w: 4 });
    const c = b.conv(b.input, { outChannels: 2, kernel: 3, padding: 1, bias: true });
    const r = b.act('relu6', b.bn(c));
    const p = b.pool('avgpool', r, { kernel: 3, stride: 1, padding: 1, countIncludePad: false });
    const fc = b.linear(b.flatten(b.globalAvgPool(b.add([r, p]))), { outFeatures: 3 });
    const src = toTorchSource(b.build(fc));
    expect(src).toContain('self.n1 = nn.Conv2d(1, 2, 3, stride=1, padding=1, groups=1, bias=True)');
    expect(src).toContain('self.n2 = nn.BatchNorm2d(2, eps=1e-5)');
    expect(src).toContain('x3 = torch.clamp(x2, 0.0, 6.0)');
    expect(src).toContain('F.avg_pool2d(x3, 3, stride=1, padding=1, count_include_pad=False)');
    expect(src).toContain('x5 = x3 + x4');
    expect(src).toContain('self.n8 = nn.Linear(2, 3, bias=True)');
    expect(src).toContain('return x8');
    expect(src).not.toMatch(/^import (?!torch)/m);
    expect(toTorchSource(b.build(fc))).toBe(src);
  });

  it('names weight files by extension', () => {
    expect(weightsFormat('a.safetensors')).toBe('safetensors');
    expect(weightsFormat('a.PT')).toBe('pt');
    expect(weightsFormat('a.bin')).toBeUndefined();
  });
});

describe('torch weights', () => {
  it('lays out a safetensors file: header length, 8-aligned JSON header, raw little-endian data', () => {
    const b = new GraphBuilder('t', { c: 1, h: 1, w: 1 });
    const fc = b.linear(b.flatten(b.input), { outFeatures: 2 });
    const state = torchStateDict(b.build(fc), 0, new Map([[2, { weight: [1.5, -2], bias: [0.25, 0] }]]));
    expect(state.map((t) => [t.key, t.shape])).toEqual([
      ['n2.weight', [2, 1]],
      ['n2.bias', [2]],
    ]);
    const bytes = toSafetensors(state);
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    const len = Number(view.getBigUint64(0, true));
    expect((8 + len) % 8).toBe(0);
    const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + len)).toString('utf8'));
    expect(header['n2.weight']).toEqual({ dtype: 'F32', shape: [2, 1], data_offsets: [0, 8] });
    expect(header['n2.bias']).toEqual({ dtype: 'F32', shape: [2], data_offsets: [8, 16] });
    const data = new Float32Array(bytes.slice(8 + len).buffer);
    expect(Array.from(data)).toEqual([1.5, -2, 0.25, 0]);
  });

  it('writes a stored zip whose entries are 64-byte aligned and whose CRC-32 is the standard one', () => {
    const zip = storedZip([{ name: 'archive/x', data: Buffer.from('123456789') }]);
    const buf = Buffer.from(zip);
    expect(buf.readUInt32LE(0)).toBe(0x04034b50);
    expect(buf.readUInt32LE(14)).toBe(0xcbf43926); // CRC-32 of "123456789"
    const dataAt = 30 + buf.readUInt16LE(26) + buf.readUInt16LE(28);
    expect(dataAt % 64).toBe(0);
    expect(buf.subarray(dataAt, dataAt + 9).toString()).toBe('123456789');
    expect(Buffer.from(toTorchPt([])).equals(Buffer.from(toTorchPt([])))).toBe(true);
  });

  it('the same architecture and seed give the same source and weight bytes', () => {
    const space = getSpace('examples/fmnist-m7.json');
    const g = space.network(1234);
    expect(toTorchSource(g)).toBe(toTorchSource(space.network(1234)));
    expect(Buffer.from(toTorchPt(torchStateDict(g, 3))).equals(Buffer.from(toTorchPt(torchStateDict(g, 3))))).toBe(
      true,
    );
  });
});

describe.skipIf(!HAS_TORCH)('export-torch against PyTorch and ONNX Runtime', () => {
  it(`${PER_SPACE} random architectures of each space: parameters as hwnas arch, outputs as ONNX Runtime`, async () => {
    const checks: ModuleCheck[] = [];
    const expected: { label: string; params: number; output: Float32Array }[] = [];
    let k = 0;
    for (const name of SPACES) {
      const space = getSpace(name);
      const rng = new Rng(SEED);
      for (let j = 0; j < PER_SPACE; j++, k++) {
        const arch = rng.nextInt(space.size);
        const graph = space.network(arch);
        const s = graph.inputShape;
        const dims = [2, s.c, s.h, s.w];
        const n = 2 * s.c * s.h * s.w;
        const x = Float32Array.from({ length: n }, (_, i) => Math.sin(0.37 * i + 0.1 * k));
        const onnx = toOnnx(graph, { seed: SEED });
        // He-initialised networks without training grow their activations layer by layer: scale the
        // input so that the logits are O(1) (the ReLU networks are positively homogeneous).
        const first = await ortRun(onnx, x, dims);
        const scale = 1 / Math.max(1, maxAbs(first));
        for (let i = 0; i < n; i++) x[i] = x[i]! * scale;
        const output = await ortRun(onnx, x, dims);
        const py = join(dir, `m${k}.py`);
        writeFileSync(py, toTorchSource(graph));
        const weights = join(dir, k % 2 === 0 ? `m${k}.safetensors` : `m${k}.pt`);
        const state = torchStateDict(graph, SEED);
        writeFileSync(weights, k % 2 === 0 ? toSafetensors(state) : toTorchPt(state));
        const input = join(dir, `x${k}.bin`);
        writeFileSync(input, new Uint8Array(x.buffer));
        checks.push({ py, weights, input, shape: dims });
        expected.push({ label: `${space.id} ${arch}`, params: countParams(graph), output });
        expect(output.length).toBe(2 * numel(graph.nodes[graph.output]!.shape));
      }
    }
    const results = checkModules(dir, checks);
    expect(results).toHaveLength(expected.length);
    results.forEach((r, i) => {
      const e = expected[i]!;
      expect(r.params, e.label).toBe(e.params);
      expect(r.output!.length, e.label).toBe(e.output.length);
      let diff = 0;
      for (let j = 0; j < e.output.length; j++) diff = Math.max(diff, Math.abs(r.output![j]! - e.output[j]!));
      expect(diff, e.label).toBeLessThan(1e-4);
    });
    // The scaled logits are not all ~0: the comparison compares something.
    expect(expected.some((e) => maxAbs(e.output) > 1e-3)).toBe(true);
  }, 600_000);
});

if (!HAS_TORCH) describe.skip(NO_TORCH_REASON, () => it('skipped', () => {}));
