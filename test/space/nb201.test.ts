import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isHwnasError } from '../../src/errors.js';
import { countMacs, countParams } from '../../src/ir/count.js';
import { formatCell, NB201_OPS, Nb201Space, parseCell } from '../../src/space/nb201/index.js';
import { blockNetwork } from '../../src/space/types.js';

const space = new Nb201Space();
const POSTER_CELL = '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|';
const code = (op: string) => NB201_OPS.indexOf(op as (typeof NB201_OPS)[number]);
const allOf = (op: string) => space.encode([0, 0, 0, 0, 0, 0].map(() => code(op)));

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (isHwnasError(e)) return e.message;
    throw e;
  }
  throw new Error('expected a HwnasError');
}

describe('nb201 space index and cell strings', () => {
  it('has 6 edge decisions of 5 ops, 15,625 architectures, first edge fastest', () => {
    expect(space.size).toBe(15_625);
    expect(space.decisions.map((d) => d.name)).toEqual([
      'edge1<-0',
      'edge2<-0',
      'edge2<-1',
      'edge3<-0',
      'edge3<-1',
      'edge3<-2',
    ]);
    expect(space.decisions[0]!.choices).toEqual([
      'none',
      'skip_connect',
      'nor_conv_1x1',
      'nor_conv_3x3',
      'avg_pool_3x3',
    ]);
    expect(space.decode(1)).toEqual([1, 0, 0, 0, 0, 0]);
    expect(space.decode(5)).toEqual([0, 1, 0, 0, 0, 0]);
    expect(space.encode([4, 4, 4, 4, 4, 4])).toBe(15_624);
  });

  it('parses the poster cell string edge by edge', () => {
    // edges 1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2
    expect(parseCell(POSTER_CELL)).toEqual([3, 3, 4, 1, 3, 1]);
    const index = space.parse(POSTER_CELL);
    expect(index).toBe(3 + 3 * 5 + 4 * 25 + 1 * 125 + 3 * 625 + 1 * 3125);
    expect(space.format(index)).toBe(POSTER_CELL);
    expect(space.notations(index)).toEqual({ index, cell: POSTER_CELL, codes: '3,3,4,1,3,1' });
  });

  it('round-trips every index through its cell string (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 15_624 }), (i) => {
        expect(space.parse(space.format(i))).toBe(i);
        expect(space.parse(String(i))).toBe(i);
      }),
    );
  });

  it('rejects malformed cell strings naming the bad token', () => {
    expect(errorOf(() => space.parse(POSTER_CELL.replace('avg_pool_3x3~1', 'max_pool_3x3~1')))).toMatch(
      /unknown op 'max_pool_3x3' in edge token 'max_pool_3x3~1'/,
    );
    expect(errorOf(() => space.parse(POSTER_CELL.replace('avg_pool_3x3~1', 'avg_pool_3x3~0')))).toMatch(
      /edge token 'avg_pool_3x3~0' of cell string node 2 must read from node 1/,
    );
    expect(errorOf(() => space.parse(POSTER_CELL.replace('skip_connect~2', 'skip_connect')))).toMatch(
      /malformed edge token 'skip_connect'/,
    );
    expect(errorOf(() => space.parse('|nor_conv_3x3~0|+|none~0|none~1|'))).toMatch(/2 node group\(s\)/);
    expect(errorOf(() => space.parse('|none~0|+|none~0|+|none~0|none~1|none~2|'))).toMatch(
      /node 2 group '\|none~0\|' has 1 edge/,
    );
    expect(errorOf(() => space.parse(POSTER_CELL.slice(0, -1)))).toMatch(/must start and end with '\|'/);
    expect(errorOf(() => space.parse('15625'))).toMatch(/nb201 index 15625 is out of range/);
    expect(errorOf(() => space.parse('-1'))).toMatch(/out of range/);
    expect(errorOf(() => space.parse('resnet'))).toMatch(
      /neither an nb201 space index, a cell string nor edge op codes/,
    );
    expect(errorOf(() => space.encode([0, 0, 0, 0, 0, 5]))).toMatch(/edge 5 op code 5 is out of range/);
  });
});

describe('nb201 network', () => {
  it('smallest network: 73,306 parameters and 7.78 M MACs with 10 classes (hand count)', () => {
    // stem conv 3*16*9 + BN 2*16; reduction 16->32: conv_a 16*32*9 + BN 64, conv_b 32*32*9 + BN 64,
    // shortcut conv1x1 16*32 (no BN); reduction 32->64 likewise; last BN 2*64; linear 64*10 + 10.
    const stem = 3 * 16 * 9 + 32;
    const red = (i: number, o: number) => i * o * 9 + 2 * o + o * o * 9 + 2 * o + i * o;
    const fixed = stem + red(16, 32) + red(32, 64) + 128;
    expect(fixed + 64 * 10 + 10).toBe(73_306);
    for (const op of ['none', 'skip_connect', 'avg_pool_3x3']) {
      const g = space.network(allOf(op), { classes: 10 });
      expect(countParams(g)).toBe(73_306);
      // MACs = conv + linear multiply-accumulates (no bias, BN, pooling): stem 32*32*16*27, each
      // reduction (o*h*w)*(9i + 9o + i), linear 64*10. NB201's "FLOPs" (xautodl flop_benchmark) sums
      // only Conv2d and Linear modules, adding the linear bias: 7,783,050 -> the published 7.78 M.
      const macs = 1024 * 16 * 27 + 256 * 32 * (9 * 16 + 9 * 32 + 16) + 64 * 64 * (9 * 32 + 9 * 64 + 32) + 640;
      expect(countMacs(g)).toBe(macs);
      expect(macs).toBe(7_783_040);
      expect((macs + 10) / 1e6).toBeCloseTo(7.78, 2);
    }
  });

  it('largest network (all nor_conv_3x3): 1,531,546 parameters with 10 classes (NB201 max 1.53 M)', () => {
    // Each nor_conv_3x3 edge at width C: 9C^2 conv weights + 2C BN; 6 edges x 5 cells per stage.
    const cells = [16, 32, 64].reduce((s, c) => s + 30 * (9 * c * c + 2 * c), 0);
    expect(cells + 73_306).toBe(1_531_546);
    const g = space.network(allOf('nor_conv_3x3'), { classes: 10 });
    expect(countParams(g)).toBe(1_531_546);
    // each stage adds 30 * H*W * 9 C^2 = 70,778,880 MACs (H*W*C^2 is the same in all three stages)
    expect(countMacs(g)).toBe(7_783_040 + 3 * 30 * 1024 * 9 * 256);
  });

  it('classes set the classifier width; ImageNet16-120 (120 classes) sees 16x16 inputs', () => {
    const g100 = space.network(0);
    expect(g100.nodes[g100.output]!.shape.c).toBe(100);
    expect(countParams(g100)).toBe(73_306 - 650 + 64 * 100 + 100);
    const g120 = space.network(0, { classes: 120 });
    expect(g120.inputShape).toEqual({ c: 3, h: 16, w: 16 });
    expect(countMacs(g120)).toBe((7_783_040 - 640) / 4 + 64 * 120);
  });

  it('layout: stem, 3 x 5 cells at 16/32/64 channels and 32/16/8 pixels, 2 reductions, head', () => {
    const g = space.network(allOf('nor_conv_1x1'), { classes: 10 });
    const adds = g.nodes.filter((n) => n.op === 'add' && /cell\d\/node3$/.test(n.scope));
    expect(adds.map((n) => `${n.shape.c}x${n.shape.h}`)).toEqual([
      ...Array(5).fill('16x32'),
      ...Array(5).fill('32x16'),
      ...Array(5).fill('64x8'),
    ]);
    expect(g.nodes.filter((n) => n.op === 'conv2d' && n.block === -1).length).toBe(1 + 2 * 3);
    const pools = g.nodes.filter((n) => n.op === 'avgpool');
    expect(pools.map((n) => n.scope)).toEqual(['reduce1/shortcut/pool', 'reduce2/shortcut/pool']);
    const conv = g.nodes.find((n) => n.scope === 'stage0/cell0/edge1<-0/nor_conv_1x1/conv')!;
    expect(g.nodes[conv.inputs[0]!]!.op).toBe('relu');
    expect(conv.attrs).toMatchObject({ kernel: 1, padding: 0, bias: false });
    const ap = space.network(allOf('avg_pool_3x3')).nodes.find((n) => n.scope.endsWith('edge3<-2/avg_pool_3x3'))!;
    expect(ap.attrs).toEqual({ kernel: 3, stride: 1, padding: 1, countIncludePad: false });
  });

  it('tags edge e nodes with block e; block costs add up to the whole network', () => {
    const codes = [3, 2, 4, 1, 3, 0];
    const g = space.network(space.encode(codes), { classes: 10 });
    for (let e = 0; e < 6; e++) {
      const nodes = g.nodes.filter((n) => n.block === e);
      expect(nodes.length).toBeGreaterThan(0);
      expect(nodes.every((n) => n.scope.includes(`/edge${space.decisions[e]!.name.slice(4)}/`))).toBe(true);
      // a block costs the same in any network (decisions are independent)
      expect(countParams(g, e)).toBe(countParams(blockNetwork(space, e, codes[e]!, { classes: 10 }), e));
    }
    let sum = countParams(g, -1);
    for (let e = 0; e < 6; e++) sum += countParams(g, e);
    expect(sum).toBe(countParams(g));
    expect(countParams(g, -1)).toBe(73_306);
  });
});

const mirror = process.env.HWNAS_MIRROR;
const natsCsv = mirror
  ? join(mirror, 'v-tao/nats-bench-landscape/b307ae5fe6e8d7043cd4fe7d1c3532288271adb7/nats_bench.csv')
  : undefined;

describe.skipIf(!natsCsv || !existsSync(natsCsv))(
  `nb201 against nats_bench.csv (${natsCsv ?? 'skipped: HWNAS_MIRROR is not set'})`,
  () => {
    it('parses and round-trips all 15,625 official cell strings to distinct indices', () => {
      const lines = readFileSync(natsCsv!, 'utf8').trim().split('\n');
      const header = lines[0]!.split(',');
      const col = header.indexOf('ArchitectureString');
      expect(col).toBeGreaterThanOrEqual(0);
      const seen = new Uint8Array(space.size);
      for (const line of lines.slice(1)) {
        const cell = line.split(',')[col]!;
        const i = space.parse(cell);
        expect(space.format(i)).toBe(cell);
        seen[i]!++;
      }
      expect(lines.length - 1).toBe(15_625);
      expect(seen.every((v) => v === 1)).toBe(true);
      // the data README's index check: official row 0
      expect(formatCell(space.decode(space.parse(lines[1]!.split(',')[col]!)))).toBe(
        '|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|',
      );
    });
  },
);

if (!mirror) console.warn('space-nb201: HWNAS_MIRROR is not set, skipping the nats_bench.csv round-trip test');
