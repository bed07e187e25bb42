import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isHwnasError } from '../../src/errors.js';
import { countMacs, countParams } from '../../src/ir/count.js';
import { getSpace } from '../../src/space/all.js';
import {
  LayeredSpace,
  layeredSpaceFromJson,
  roundHalfEven,
  validateLayeredSpace,
} from '../../src/space/layered/index.js';
import { blockNetwork } from '../../src/space/types.js';
import { repoRoot } from '../helpers/cli.js';

const macroPath = join(repoRoot, 'examples/nas-bench-macro.json');
const macroDoc = JSON.parse(readFileSync(macroPath, 'utf8'));
const macro = layeredSpaceFromJson(macroDoc);

function errorOf(doc: unknown): string {
  try {
    validateLayeredSpace(doc);
  } catch (e) {
    if (isHwnasError(e)) return e.message;
    throw e;
  }
  throw new Error('expected a HwnasError');
}
/** A JSON document under edit: tests poke arbitrary (also invalid) fields into it. */
// biome-ignore lint/suspicious/noExplicitAny: the tests write invalid JSON on purpose
type Doc = any;
/** A copy of a document with one change applied. */
function edit(doc: unknown, change: (d: Doc) => void): unknown {
  const copy = structuredClone(doc);
  change(copy);
  return copy;
}

// NAS-Bench-Macro (xiusu/NAS-Bench-Macro train/model.py) by closed form. PyTorch counts conv weights and
// BN weight + bias; no conv has a bias.
const bn = (c: number) => 2 * c;
/** InvertedResidual(inp, oup, t, k): pw inp->h, dw k x k on h, pw-linear h->oup, each + BN; h = inp * t. */
const mb = (inp: number, oup: number, t: number, k: number) => {
  const h = inp * t;
  return inp * h + bn(h) + h * k * k + bn(h) + h * oup + bn(oup);
};
/** Identity: free, or Conv1x1 (stride 2) + BN when it starts a stage. */
const id = (inp: number, oup: number) => (inp === oup ? 0 : inp * oup + bn(oup));
const OPS = [id, (i: number, o: number) => mb(i, o, 3, 3), (i: number, o: number) => mb(i, o, 6, 5)];
/** Params of arch code string `a` (first char = first layer), 10 classes. */
function macroParams(a: string): number {
  const stem = 3 * 32 * 9 + bn(32);
  const head = 256 * 1280 + bn(1280) + 1280 * 10 + 10;
  const inout = [
    [32, 64],
    [64, 64],
    [64, 128],
    [128, 128],
    [128, 128],
    [128, 256],
    [256, 256],
    [256, 256],
  ];
  return [...a].reduce((s, ch, l) => s + OPS[Number(ch)]!(inout[l]![0]!, inout[l]![1]!), stem + head);
}

describe('NAS-Bench-Macro as a JSON space', () => {
  it('has 8 searchable layers of 3 choices, 3^8 = 6561 networks, CIFAR-10', () => {
    expect(macro.size).toBe(6561);
    expect(macro.defaultClasses).toBe(10);
    expect(macro.decisions.map((d) => d.name)).toEqual([
      'stage1.0',
      'stage1.1',
      'stage2.0',
      'stage2.1',
      'stage2.2',
      'stage3.0',
      'stage3.1',
      'stage3.2',
    ]);
    expect(macro.decisions.every((d) => d.choices.join() === 'id,ir_3x3_t3,ir_5x5_t6')).toBe(true);
    expect(macro.additive).toBe(true);
  });

  it('parameters equal the closed form of the reference model', () => {
    expect(macroParams('00000000')).toBe(387_882);
    expect(macroParams('11111111')).toBe(1_588_874);
    expect(macroParams('22222222')).toBe(2_932_586);
    for (const a of ['00000000', '11111111', '22222222', '01201201', '20000102']) {
      expect(countParams(macro.network(macro.parse(a)))).toBe(macroParams(a));
    }
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6560 }), (i) => {
        expect(countParams(macro.network(i))).toBe(macroParams(macro.format(i)));
      }),
      { numRuns: 40 },
    );
  });

  it('MACs of the all-identity network equal the reference count_FLOPs (conv + linear, no bias)', () => {
    // stem 32x32x32x27; downsample convs 16x16x64x32, 8x8x128x64, 4x4x256x128; head conv 4x4x1280x256; fc 1280x10
    const macs = 1024 * 32 * 27 + 256 * 64 * 32 + 64 * 128 * 64 + 16 * 256 * 128 + 16 * 1280 * 256 + 12_800;
    expect(countMacs(macro.network(0))).toBe(macs);
  });

  it('codes read as the benchmark keys: first character = first layer, index first layer fastest', () => {
    expect(macro.parse('10000000')).toBe(1);
    expect(macro.parse('01000000')).toBe(3);
    expect(macro.parse('22222222')).toBe(6560);
    expect(macro.parse('6560')).toBe(6560);
    expect(macro.parse('[0,1,0,0,0,0,0,0]')).toBe(3);
    expect(macro.parse('0-1-0-0-0-0-0-0')).toBe(3);
    expect(macro.notations(3)).toEqual({ index: 3, codes: '01000000', ops: 'id ir_3x3_t3 id id id id id id' });
    fc.assert(fc.property(fc.integer({ min: 0, max: 6560 }), (i) => macro.parse(macro.format(i)) === i));
  });

  it('tags layer blocks; the first identity of a stage is a strided 1x1 conv + BN, the others alias', () => {
    const g = macro.network(0);
    const ds = g.nodes.filter((n) => n.block === 0);
    expect(ds.map((n) => n.op)).toEqual(['conv2d', 'batchnorm']);
    expect(ds[0]!.attrs).toMatchObject({ kernel: 1, stride: 2, bias: false });
    expect(g.nodes.filter((n) => n.block === 1).map((n) => n.op)).toEqual(['identity']);
    const g2 = macro.network(macro.parse('02000000'));
    const block = g2.nodes.filter((n) => n.block === 1);
    expect(block.map((n) => n.op)).toEqual([
      'conv2d',
      'batchnorm',
      'relu',
      'conv2d',
      'batchnorm',
      'relu',
      'conv2d',
      'batchnorm',
      'add',
    ]);
    expect(countParams(g2, 1)).toBe(mb(64, 64, 6, 5));
    expect(countParams(g2, 1)).toBe(countParams(blockNetwork(macro, 1, 2), 1));
  });
});

const minimal = {
  name: 'tiny',
  input: { channels: 3, resolution: 8 },
  classes: 4,
  layers: [
    { op: 'conv', kernel: 3, out: 8 },
    {
      out: 8,
      stride: 2,
      choices: [{ op: 'identity' }, { op: 'mbconv', expand: 1, kernel: 3, se: 0.25 }, { op: 'maxpool', kernel: 3 }],
    },
    {
      choices: [
        { op: 'sepconv', kernel: 3, out: 16 },
        { op: 'depthwise', kernel: 5, act: 'none' },
      ],
    },
  ],
};

describe('layered ops', () => {
  it('builds each op with the documented layers and counts them exactly', () => {
    const s = layeredSpaceFromJson(minimal);
    expect(s.size).toBe(6);
    expect(s.decisions.map((d) => d.choices)).toEqual([
      ['identity', 'mb1_k3_se0.25', 'maxpool_k3'],
      ['sep_k3_c16', 'dw_k5'],
    ]);
    expect(s.additive).toBe(false);
    // mbconv e1: no expansion conv; dw 3x3 on 8 + BN, SE 8 -> floor(8*0.25)=2 -> 8 with biases, project 8->8 + BN.
    const g = s.network(s.encode([1, 0]));
    expect(countParams(g, 0)).toBe(8 * 9 + 16 + (8 * 2 + 2 + 2 * 8 + 8) + 64 + 16);
    expect(g.nodes.filter((n) => n.block === 0).some((n) => n.op === 'add')).toBe(false); // stride 2: no residual
    // sepconv 3x3 8 -> 16 at 4x4: dw 8*9 + BN 16, pw 8*16 + BN 32; classifier 16*4 + 4
    expect(countParams(g, 1)).toBe(72 + 16 + 128 + 32);
    expect(countMacs(g, 1)).toBe(16 * (8 * 9) + 16 * (16 * 8));
    expect(g.nodes[g.output]!.shape).toEqual({ c: 4, h: 1, w: 1 });
    // depthwise keeps 8 channels; maxpool halves the map
    const g2 = s.network(s.encode([2, 1]));
    expect(countParams(g2, 1)).toBe(8 * 25 + 16);
    expect(g2.nodes.find((n) => n.op === 'maxpool')!.shape).toEqual({ c: 8, h: 4, w: 4 });
  });

  it('rounds expanded widths half to even like Python round()', () => {
    expect([0.5, 1.5, 2.5, 2.4, 2.6, 3].map(roundHalfEven)).toEqual([0, 2, 2, 2, 3, 3]);
  });

  it('loads from a .json path through the registry', () => {
    const s = getSpace(macroPath);
    expect(s).toBeInstanceOf(LayeredSpace);
    expect(s.id).toBe('nas-bench-macro');
  });

  it('MCU example: int8 peak activations of every architecture stay below 150 KB', async () => {
    const { peakActivationBytes } = await import('../../src/ir/count.js');
    const mcu = getSpace(join(repoRoot, 'examples/mcu-dscnn.json'));
    expect(mcu.size).toBe(4 * 4 * 5 * 4 * 5 * 2);
    let peak = 0;
    for (let i = 0; i < mcu.size; i += 7) peak = Math.max(peak, peakActivationBytes(mcu.network(i), 1));
    expect(peak).toBeLessThan(150_000);
  });
});

describe('layered validation errors name the field path', () => {
  const cases: [string, (d: Doc) => void, RegExp][] = [
    [
      'even kernel',
      (d) => (d.layers[1].choices[1].kernel = 4),
      /^layers\[1\]\.choices\[1\]\.kernel must be an odd integer >= 1, got 4$/,
    ],
    ['missing kernel', (d) => delete d.layers[0].kernel, /^layers\[0\]\.kernel is required/],
    [
      'unknown op',
      (d) => (d.layers[2].choices[0].op = 'transformer'),
      /^layers\[2\]\.choices\[0\]\.op must be one of conv, /,
    ],
    [
      'typo field',
      (d) => (d.layers[1].choices[1].kernal = 3),
      /^layers\[1\]\.choices\[1\]\.kernal is not a field of op 'mbconv'/,
    ],
    [
      'field of another op',
      (d) => (d.layers[1].choices[0].expand = 3),
      /^layers\[1\]\.choices\[0\]\.expand is not a field of op 'identity'/,
    ],
    [
      'bad activation',
      (d) => (d.layers[2].choices[1].act = 'gelu'),
      /^layers\[2\]\.choices\[1\]\.act must be one of relu, relu6, hswish, none/,
    ],
    [
      'bad expansion',
      (d) => (d.layers[1].choices[1].expand = 0.5),
      /^layers\[1\]\.choices\[1\]\.expand must be a number >= 1/,
    ],
    ['bad se', (d) => (d.layers[1].choices[1].se = 2), /^layers\[1\]\.choices\[1\]\.se must be a ratio in \[0, 1\]/],
    ['bad stride', (d) => (d.layers[1].stride = 0), /^layers\[1\]\.stride must be an integer >= 1, got 0$/],
    ['bad classes', (d) => (d.classes = 'ten'), /^classes must be an integer >= 1, got "ten"$/],
    ['no input', (d) => delete d.input, /^input is required \(e.g. "input": \{ "channels": 3, "resolution": 32 \}\)$/],
    ['input not an object', (d) => (d.input = 3), /^input must be an object, got 3/],
    ['bad resolution', (d) => (d.input.resolution = [8]), /^input\.resolution must be a number or \[height, width\]/],
    ['no name', (d) => delete d.name, /^name is required/],
    ['unknown top-level field', (d) => (d.layer = []), /^\(top level\)\.layer is not a field of a space file/],
    ['empty choices', (d) => (d.layers[1].choices = []), /^layers\[1\]\.choices must list at least one op$/],
    [
      'duplicate choices',
      (d) => d.layers[2].choices.push({ op: 'depthwise', kernel: 5, act: 'relu' }),
      /^layers\[2\]\.choices\[2\] duplicates choices\[1\] \(both named 'dw_k5'\)/,
    ],
    [
      'choices in stem',
      (d) => (d.stem = [{ choices: [{ op: 'identity' }] }]),
      /^stem\[0\]\.choices: stem layers are fixed/,
    ],
    [
      'depthwise changing channels',
      (d) => (d.layers[2].choices[1].out = 32),
      /^layers\[2\]\.choices\[1\]: op 'depthwise' keeps the channel count, but out is 32 and the input has 8 channels$/,
    ],
    [
      'groups',
      (d) => (d.layers[0].groups = 2),
      /^layers\[0\]\.groups \(2\) must divide the input channels \(3\) and out \(8\)$/,
    ],
    ['no searchable layer', (d) => (d.layers = [d.layers[0]]), /at least one searchable layer/],
    [
      'duplicate layer name',
      (d) => {
        d.layers[1].name = 'x';
        d.layers[2].name = 'x';
      },
      /^layers\[2\]\.name: layer name 'x' is already used by layers\[1\]$/,
    ],
    ['bad name chars', (d) => (d.layers[1].name = 'a/b'), /^layers\[1\]\.name 'a\/b' may only contain/],
  ];
  for (const [what, change, re] of cases) {
    it(what, () => expect(errorOf(edit(minimal, change))).toMatch(re));
  }

  it('bad arch notations', () => {
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    };
    expect(err(() => macro.parse('6561'))).toMatch(/nas-bench-macro index 6561 is out of range/);
    expect(err(() => macro.parse('01201203'))).toMatch(/layer stage3\.2 choice code 3 is out of range/);
    expect(err(() => macro.parse('0-1'))).toMatch(/needs 8 choice codes/);
    expect(err(() => macro.parse('mb3'))).toMatch(/'mb3' is not an architecture of nas-bench-macro/);
  });
});

describe('per-block counts (src/space/counts.ts) on JSON spaces', () => {
  it('NAS-Bench-Macro is additive: cached counts equal full counts of all 6561 networks', async () => {
    const { fullSpaceCounts, spaceCounts } = await import('../../src/space/counts.js');
    const cached = spaceCounts(macro);
    const full = fullSpaceCounts(macro);
    expect(cached.additive).toBe(true);
    expect(cached.params).toEqual(full.params);
    expect(cached.macs).toEqual(full.macs);
    expect(cached.params[6560]).toBe(macroParams('22222222'));
  });

  it('channel choices (MCU example) are flagged non-additive and counted in full', async () => {
    const { spaceCounts } = await import('../../src/space/counts.js');
    const mcu = getSpace(join(repoRoot, 'examples/mcu-dscnn.json')) as LayeredSpace;
    expect(mcu.additive).toBe(false);
    const c = spaceCounts(mcu);
    expect(c.additive).toBe(false);
    for (const i of [0, 1, 777, mcu.size - 1]) expect(c.params[i]).toBe(countParams(mcu.network(i)));
  });
});
