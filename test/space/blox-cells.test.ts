/**
 * The 45 unique BLOX cells (BLOX.md §1.7), derived by code from the model hash, against the reference
 * table; and each cell's params / ptflops MACs at every stage from the built IR graph.
 */
import { describe, expect, it } from 'vitest';
import { countAll, countMacs, countParams, countPtflops, nodeParams, nodePtflops } from '../../src/ir/count.js';
import { cellClasses, deriveCellClasses } from '../../src/space/blox/cells.js';
import { RAW_PER_STAGE, rawDigits, stageRaw } from '../../src/space/blox/encoding.js';
import { BloxSpace } from '../../src/space/blox/index.js';
import { blockNetwork } from '../../src/space/types.js';

// Transcribed from BLOX.md §1.7 (measured there with BLOX's code + ptflops 0.6.9): u, compact rep, raw index,
// class size, optimised nodes, cell function, params and ptflops MACs of the cell alone at stages 0/1/2.
type CellRow = [
  u: number,
  compact: string,
  raw: number,
  members: number,
  optimised: string,
  fn: string,
  params: [number, number, number],
  flops: [number, number, number],
];
const TABLE: CellRow[] = [
  [
    0,
    '00100',
    9,
    1,
    '[[0,1,0,0],[0,1,0,0]]',
    'conv(conv(x))',
    [74_496, 296_448, 1_182_720],
    [76_546_048, 76_021_760, 75_759_616],
  ],
  [
    1,
    '10100',
    10,
    1,
    '[[1,1,0,0],[0,1,0,0]]',
    'conv(mbconv(x))',
    [95_424, 379_264, 1_512_192],
    [81_150_336, 80_478_976, 80_315_904],
  ],
  [
    2,
    '20100',
    11,
    1,
    '[[2,1,0,0],[0,1,0,0]]',
    'conv(bconv(x))',
    [59_104, 220_608, 850_816],
    [61_308_928, 56_868_864, 54_648_832],
  ],
  [
    3,
    '01100',
    12,
    1,
    '[[0,1,0,0],[1,1,0,0]]',
    'mbconv(conv(x))',
    [95_424, 379_264, 1_512_192],
    [81_150_336, 80_478_976, 80_315_904],
  ],
  [
    4,
    '11100',
    13,
    1,
    '[[1,1,0,0],[1,1,0,0]]',
    'mbconv(mbconv(x))',
    [116_352, 462_080, 1_841_664],
    [85_754_624, 84_936_192, 84_872_192],
  ],
  [
    5,
    '21100',
    14,
    1,
    '[[2,1,0,0],[1,1,0,0]]',
    'mbconv(bconv(x))',
    [80_032, 303_424, 1_180_288],
    [65_913_216, 61_326_080, 59_205_120],
  ],
  [
    6,
    '02100',
    15,
    1,
    '[[0,1,0,0],[2,1,0,0]]',
    'bconv(conv(x))',
    [59_104, 220_608, 850_816],
    [61_308_928, 56_868_864, 54_648_832],
  ],
  [
    7,
    '12100',
    16,
    1,
    '[[1,1,0,0],[2,1,0,0]]',
    'bconv(mbconv(x))',
    [80_032, 303_424, 1_180_288],
    [65_913_216, 61_326_080, 59_205_120],
  ],
  [
    8,
    '22100',
    17,
    1,
    '[[2,1,0,0],[2,1,0,0]]',
    'bconv(bconv(x))',
    [43_712, 144_768, 518_912],
    [46_071_808, 37_715_968, 33_538_048],
  ],
  [9, '00010', 18, 6, '[[0,1,0,0]]', 'conv(x)', [37_248, 148_224, 591_360], [38_273_024, 38_010_880, 37_879_808]],
  [10, '01010', 21, 6, '[[1,1,0,0]]', 'mbconv(x)', [58_176, 231_040, 920_832], [42_877_312, 42_468_096, 42_436_096]],
  [11, '02010', 24, 6, '[[2,1,0,0]]', 'bconv(x)', [21_856, 72_384, 259_456], [23_035_904, 18_857_984, 16_769_024]],
  [
    12,
    '00110',
    27,
    1,
    '[[0,1,0,0],[0,1,1,0]]',
    'conv(conv(x) + x)',
    [74_496, 296_448, 1_182_720],
    [76_546_048, 76_021_760, 75_759_616],
  ],
  [
    13,
    '10110',
    28,
    1,
    '[[1,1,0,0],[0,1,1,0]]',
    'conv(mbconv(x) + x)',
    [95_424, 379_264, 1_512_192],
    [81_150_336, 80_478_976, 80_315_904],
  ],
  [
    14,
    '20110',
    29,
    1,
    '[[2,1,0,0],[0,1,1,0]]',
    'conv(bconv(x) + x)',
    [59_104, 220_608, 850_816],
    [61_308_928, 56_868_864, 54_648_832],
  ],
  [
    15,
    '01110',
    30,
    1,
    '[[0,1,0,0],[1,1,1,0]]',
    'mbconv(conv(x) + x)',
    [95_424, 379_264, 1_512_192],
    [81_150_336, 80_478_976, 80_315_904],
  ],
  [
    16,
    '11110',
    31,
    1,
    '[[1,1,0,0],[1,1,1,0]]',
    'mbconv(mbconv(x) + x)',
    [116_352, 462_080, 1_841_664],
    [85_754_624, 84_936_192, 84_872_192],
  ],
  [
    17,
    '21110',
    32,
    1,
    '[[2,1,0,0],[1,1,1,0]]',
    'mbconv(bconv(x) + x)',
    [80_032, 303_424, 1_180_288],
    [65_913_216, 61_326_080, 59_205_120],
  ],
  [
    18,
    '02110',
    33,
    1,
    '[[0,1,0,0],[2,1,1,0]]',
    'bconv(conv(x) + x)',
    [59_104, 220_608, 850_816],
    [61_308_928, 56_868_864, 54_648_832],
  ],
  [
    19,
    '12110',
    34,
    1,
    '[[1,1,0,0],[2,1,1,0]]',
    'bconv(mbconv(x) + x)',
    [80_032, 303_424, 1_180_288],
    [65_913_216, 61_326_080, 59_205_120],
  ],
  [
    20,
    '22110',
    35,
    1,
    '[[2,1,0,0],[2,1,1,0]]',
    'bconv(bconv(x) + x)',
    [43_712, 144_768, 518_912],
    [46_071_808, 37_715_968, 33_538_048],
  ],
  [
    21,
    '00101',
    45,
    1,
    '[[0,1,0,0],[0,1,0,1]]',
    'conv(conv(x)) + conv(x)',
    [74_496, 296_448, 1_182_720],
    [76_546_048, 76_021_760, 75_759_616],
  ],
  [
    22,
    '10101',
    46,
    1,
    '[[1,1,0,0],[0,1,0,1]]',
    'conv(mbconv(x)) + mbconv(x)',
    [95_424, 379_264, 1_512_192],
    [81_150_336, 80_478_976, 80_315_904],
  ],
  [
    23,
    '20101',
    47,
    1,
    '[[2,1,0,0],[0,1,0,1]]',
    'conv(bconv(x)) + bconv(x)',
    [59_104, 220_608, 850_816],
    [61_308_928, 56_868_864, 54_648_832],
  ],
  [
    24,
    '01101',
    48,
    1,
    '[[0,1,0,0],[1,1,0,1]]',
    'mbconv(conv(x)) + conv(x)',
    [95_424, 379_264, 1_512_192],
    [81_150_336, 80_478_976, 80_315_904],
  ],
  [
    25,
    '11101',
    49,
    1,
    '[[1,1,0,0],[1,1,0,1]]',
    'mbconv(mbconv(x)) + mbconv(x)',
    [116_352, 462_080, 1_841_664],
    [85_754_624, 84_936_192, 84_872_192],
  ],
  [
    26,
    '21101',
    50,
    1,
    '[[2,1,0,0],[1,1,0,1]]',
    'mbconv(bconv(x)) + bconv(x)',
    [80_032, 303_424, 1_180_288],
    [65_913_216, 61_326_080, 59_205_120],
  ],
  [
    27,
    '02101',
    51,
    1,
    '[[0,1,0,0],[2,1,0,1]]',
    'bconv(conv(x)) + conv(x)',
    [59_104, 220_608, 850_816],
    [61_308_928, 56_868_864, 54_648_832],
  ],
  [
    28,
    '12101',
    52,
    1,
    '[[1,1,0,0],[2,1,0,1]]',
    'bconv(mbconv(x)) + mbconv(x)',
    [80_032, 303_424, 1_180_288],
    [65_913_216, 61_326_080, 59_205_120],
  ],
  [
    29,
    '22101',
    53,
    1,
    '[[2,1,0,0],[2,1,0,1]]',
    'bconv(bconv(x)) + bconv(x)',
    [43_712, 144_768, 518_912],
    [46_071_808, 37_715_968, 33_538_048],
  ],
  [
    30,
    '00011',
    54,
    1,
    '[[0,1,0,0],[0,0,1,1]]',
    'conv(x) + conv(x)',
    [74_496, 296_448, 1_182_720],
    [76_546_048, 76_021_760, 75_759_616],
  ],
  [
    31,
    '10011',
    55,
    2,
    '[[1,1,0,0],[0,0,1,1]]',
    'mbconv(x) + conv(x)',
    [95_424, 379_264, 1_512_192],
    [81_150_336, 80_478_976, 80_315_904],
  ],
  [
    32,
    '20011',
    56,
    2,
    '[[2,1,0,0],[0,0,1,1]]',
    'bconv(x) + conv(x)',
    [59_104, 220_608, 850_816],
    [61_308_928, 56_868_864, 54_648_832],
  ],
  [
    33,
    '11011',
    58,
    1,
    '[[1,1,0,0],[1,0,1,1]]',
    'mbconv(x) + mbconv(x)',
    [116_352, 462_080, 1_841_664],
    [85_754_624, 84_936_192, 84_872_192],
  ],
  [
    34,
    '21011',
    59,
    2,
    '[[2,1,0,0],[1,0,1,1]]',
    'bconv(x) + mbconv(x)',
    [80_032, 303_424, 1_180_288],
    [65_913_216, 61_326_080, 59_205_120],
  ],
  [
    35,
    '22011',
    62,
    1,
    '[[2,1,0,0],[2,0,1,1]]',
    'bconv(x) + bconv(x)',
    [43_712, 144_768, 518_912],
    [46_071_808, 37_715_968, 33_538_048],
  ],
  [
    36,
    '00111',
    63,
    1,
    '[[0,1,0,0],[0,1,1,1]]',
    'conv(conv(x) + x) + conv(x)',
    [74_496, 296_448, 1_182_720],
    [76_546_048, 76_021_760, 75_759_616],
  ],
  [
    37,
    '10111',
    64,
    1,
    '[[1,1,0,0],[0,1,1,1]]',
    'conv(mbconv(x) + x) + mbconv(x)',
    [95_424, 379_264, 1_512_192],
    [81_150_336, 80_478_976, 80_315_904],
  ],
  [
    38,
    '20111',
    65,
    1,
    '[[2,1,0,0],[0,1,1,1]]',
    'conv(bconv(x) + x) + bconv(x)',
    [59_104, 220_608, 850_816],
    [61_308_928, 56_868_864, 54_648_832],
  ],
  [
    39,
    '01111',
    66,
    1,
    '[[0,1,0,0],[1,1,1,1]]',
    'mbconv(conv(x) + x) + conv(x)',
    [95_424, 379_264, 1_512_192],
    [81_150_336, 80_478_976, 80_315_904],
  ],
  [
    40,
    '11111',
    67,
    1,
    '[[1,1,0,0],[1,1,1,1]]',
    'mbconv(mbconv(x) + x) + mbconv(x)',
    [116_352, 462_080, 1_841_664],
    [85_754_624, 84_936_192, 84_872_192],
  ],
  [
    41,
    '21111',
    68,
    1,
    '[[2,1,0,0],[1,1,1,1]]',
    'mbconv(bconv(x) + x) + bconv(x)',
    [80_032, 303_424, 1_180_288],
    [65_913_216, 61_326_080, 59_205_120],
  ],
  [
    42,
    '02111',
    69,
    1,
    '[[0,1,0,0],[2,1,1,1]]',
    'bconv(conv(x) + x) + conv(x)',
    [59_104, 220_608, 850_816],
    [61_308_928, 56_868_864, 54_648_832],
  ],
  [
    43,
    '12111',
    70,
    1,
    '[[1,1,0,0],[2,1,1,1]]',
    'bconv(mbconv(x) + x) + mbconv(x)',
    [80_032, 303_424, 1_180_288],
    [65_913_216, 61_326_080, 59_205_120],
  ],
  [
    44,
    '22111',
    71,
    1,
    '[[2,1,0,0],[2,1,1,1]]',
    'bconv(bconv(x) + x) + bconv(x)',
    [43_712, 144_768, 518_912],
    [46_071_808, 37_715_968, 33_538_048],
  ],
];

const space = new BloxSpace();
const { classes, classOfRaw } = cellClasses();
const C = [32, 64, 128];
const HW = [32 * 32, 16 * 16, 8 * 8];

describe('BLOX unique cells derived from the model hash', () => {
  it('72 raw configurations per stage: 9 empty, 63 valid in 45 classes, the same partition at every stage', () => {
    expect(classes).toHaveLength(45);
    const invalid = [...classOfRaw.keys()].filter((r) => classOfRaw[r] === -1);
    expect(invalid).toHaveLength(9);
    for (const r of invalid) expect(rawDigits(r).slice(2)).toEqual([0, 0, 0]);
    expect(classes.reduce((n, c) => n + c.members.length, 0)).toBe(63);
    for (const s of [1, 2]) {
      const other = deriveCellClasses(s);
      expect([...other.classOfRaw]).toEqual([...classOfRaw]);
    }
  });

  it('equals the §1.7 table: representative, raw index, class size, optimised nodes, cell function', () => {
    const derived = classes.map((c) => [c.u, c.rep.join(''), c.raw, c.members.length, JSON.stringify(c.nodes), c.fn]);
    expect(derived).toEqual(TABLE.map((row) => row.slice(0, 6)));
    expect(space.decisions.map((d) => d.choices)).toEqual([0, 1, 2].map(() => TABLE.map((row) => row[1])));
  });

  it('class membership follows the rules of §1.7', () => {
    for (const r of Array.from({ length: RAW_PER_STAGE }, (_, i) => i)) {
      const [a, b, prev, inp, sc] = rawDigits(r);
      expect(stageRaw(rawDigits(r))).toBe(r);
      const u = classOfRaw[r]!;
      if (prev === 0 && inp === 1 && sc === 0)
        expect(u).toBe(9 + b); // only op1 survives
      else if (prev === 0 && inp === 0 && sc === 1)
        expect(u).toBe(9 + a); // only op0 survives
      else if (prev === 0 && inp === 1 && sc === 1) expect(u).toBe(classOfRaw[b + 3 * a + 18 + 36]); // symmetric
    }
    for (const u of [9, 10, 11]) expect(classes[u]!.members).toHaveLength(6);
    for (const u of [31, 32, 34]) expect(classes[u]!.members).toHaveLength(2);
  });
});

describe('BLOX cell and block counts (BLOX.md §1.7, §3.2, §3.3)', () => {
  it('every cell at every stage: params and ptflops MACs of its nodes equal the table', () => {
    for (const [u, , , , , , params, flops] of TABLE) {
      for (let s = 0; s < 3; s++) {
        const g = blockNetwork(space, s, u);
        expect([u, s, countParams(g, s)]).toEqual([u, s, params[s]]);
        expect([u, s, countPtflops(g, s)]).toEqual([u, s, flops[s]]);
      }
    }
  });

  it('op blocks follow the closed forms, conv+linear MACs included', () => {
    // ConvBlock, MBConvBlock, BottleneckBlock = the single-op cells u = 9, 10, 11.
    const forms = [
      (c: number, hw: number) => [36 * c * c + 12 * c, 36 * c * c * hw + 16 * c * hw, 36 * c * c * hw],
      (c: number, hw: number) => [
        56 * c * c + 26 * c,
        40 * c * c * hw + 28 * c * hw + 16 * c * c + 12 * c,
        40 * c * c * hw + 16 * c * c,
      ],
      (c: number, hw: number) => [14 * c * c + 235 * c, 14 * c * c * hw + 255 * c * hw, 14 * c * c * hw + 175 * c * hw],
    ];
    const table33 = [
      [37_248, 38_273_024, 148_224, 38_010_880, 591_360, 37_879_808],
      [58_176, 42_877_312, 231_040, 42_468_096, 920_832, 42_436_096],
      [21_856, 23_035_904, 72_384, 18_857_984, 259_456, 16_769_024],
    ];
    for (let op = 0; op < 3; op++) {
      for (let s = 0; s < 3; s++) {
        const g = blockNetwork(space, s, 9 + op);
        const got = countAll(g, s);
        expect([got.params, got.flops, got.macs]).toEqual(forms[op]!(C[s]!, HW[s]!));
        expect([got.params, got.flops]).toEqual(table33[op]!.slice(2 * s, 2 * s + 2));
      }
    }
  });

  it('the fixed part: stem, reductions and head', () => {
    const g = space.network(0);
    expect(countParams(g, -1)).toBe(1_363_940);
    expect(countPtflops(g, -1)).toBe(50_148_452);
    // conv+linear MACs: stem 884,736 + reductions 15.5 Cin^2 HW + linear 25,600.
    const reductions = [0, 1, 2].reduce((m, s) => m + 15.5 * C[s]! * C[s]! * HW[s]!, 0);
    expect(countMacs(g, -1)).toBe(884_736 + reductions + 25_600);
    // Per part: stem 960 / 1,015,808; reductions 62 Cin^2 + 18 Cin / 15.5 Cin^2 HW + 6 Cin HW; head 25,700 / 29,796.
    const part = (prefix: string, f: typeof nodeParams) =>
      g.nodes.filter((n) => n.scope.startsWith(prefix)).reduce((sum, n) => sum + f(n, g), 0);
    expect([part('stem', nodeParams), part('stem', nodePtflops)]).toEqual([960, 1_015_808]);
    expect([part('head', nodeParams), part('head', nodePtflops)]).toEqual([25_700, 29_796]);
    for (let s = 0; s < 3; s++) {
      const c = C[s]!;
      expect(part(`stage${s}/reduction`, nodeParams)).toBe(62 * c * c + 18 * c);
      expect(part(`stage${s}/reduction`, nodePtflops)).toBe(15.5 * c * c * HW[s]! + 6 * c * HW[s]!);
    }
  });
});
