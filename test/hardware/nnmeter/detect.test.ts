/**
 * nn-Meter's kernel detection and features on hand-checked graphs. Expected kernels and vectors are worked
 * out by hand from shared/reference/nn-meter.md (2.2 lowering, 2.3 fusion with the A76 rules of issue #65,
 * 2.5 features): conv PARAMS = COUT (K^2 CIN + 1), dwconv COUT (K^2 + 1), FLOPs = 2 (HW/S)^2 PARAMS,
 * features [HW, CIN, COUT, K, S, FLOPs/2e6, PARAMS/1e6].
 */
import { describe, expect, it } from 'vitest';
import {
  detectMeterKernels,
  kernelFeatures,
  lowerGraph,
  type MeterNode,
  predictKernels,
  readFusionRules,
} from '../../../src/hardware/nnmeter/index.js';
import { GraphBuilder } from '../../../src/ir/graph.js';
import { getSpace } from '../../../src/space/all.js';
import { A76_RULES, syntheticPredictors } from '../../helpers/nnmeter.js';

const rules = readFusionRules(A76_RULES, 'a76');

/** [op, predictor, features] of every kernel in detection order (predictor/features absent: 0 ms). */
function kernelsOf(b: GraphBuilder): [string, string?, number[]?][] {
  return detectMeterKernels(lowerGraph(b.build()), rules).map((k) => {
    const f = kernelFeatures(k);
    return f ? [k.op, f.predictor, f.features] : [k.op];
  });
}

describe('nn-Meter kernels of hand-checked graphs (A76 rules)', () => {
  it('MobileNetV2 inverted residual block (BN folded, ReLU6 as Clip -> relu)', () => {
    const b = new GraphBuilder('mbv2', { c: 3, h: 56, w: 56 });
    const x = b.convBnAct(b.input, { outChannels: 32, kernel: 3, padding: 1 }, 'relu6', 'stem');
    let y = b.convBnAct(x, { outChannels: 192, kernel: 1 }, 'relu6', 'expand');
    y = b.convBnAct(y, { outChannels: 192, kernel: 3, padding: 1, groups: 192 }, 'relu6', 'dw');
    y = b.convBnAct(y, { outChannels: 32, kernel: 1 }, null, 'project');
    b.add([x, y]);
    expect(kernelsOf(b)).toEqual([
      // stem: PARAMS 32 (9*3+1) = 896, FLOPs 2*56*56*896 = 5,619,712; the relu has two consumers: no more fusion
      ['conv-relu', 'conv-bn-relu', [56, 3, 32, 3, 1, 2.809856, 0.000896]],
      // expand 1x1: PARAMS 192*33 = 6,336, FLOPs 2*3136*6336 = 39,739,392
      ['conv-relu', 'conv-bn-relu', [56, 32, 192, 1, 1, 19.869696, 0.006336]],
      // depthwise (group == Cin): PARAMS 192 (9+1) = 1,920, FLOPs 12,042,240
      ['dwconv-relu', 'dwconv-bn-relu', [56, 192, 192, 3, 1, 6.02112, 0.00192]],
      // project 1x1 (conv_add does not obey): PARAMS 32*193 = 6,176, FLOPs 38,735,872
      ['conv', 'conv-bn-relu', [56, 192, 32, 1, 1, 19.367936, 0.006176]],
      ['add', 'add', [56, 32, 32]],
    ]);
  });

  it('ResNet basic block: the residual add fuses its ReLU (add_relu obeys)', () => {
    const b = new GraphBuilder('resnet', { c: 3, h: 16, w: 16 });
    const x = b.convBnAct(b.input, { outChannels: 64, kernel: 3, padding: 1 }, 'relu', 'stem');
    let y = b.convBnAct(x, { outChannels: 64, kernel: 3, padding: 1 }, 'relu', 'conv1');
    y = b.convBnAct(y, { outChannels: 64, kernel: 3, padding: 1 }, null, 'conv2');
    b.relu(b.add([y, x]));
    expect(kernelsOf(b)).toEqual([
      // PARAMS 64*28 = 1,792, FLOPs 2*256*1792 = 917,504
      ['conv-relu', 'conv-bn-relu', [16, 3, 64, 3, 1, 0.458752, 0.001792]],
      // PARAMS 64 (9*64+1) = 36,928, FLOPs 2*256*36928 = 18,907,136
      ['conv-relu', 'conv-bn-relu', [16, 64, 64, 3, 1, 9.453568, 0.036928]],
      ['conv', 'conv-bn-relu', [16, 64, 64, 3, 1, 9.453568, 0.036928]],
      ['add-relu', 'addrelu', [16, 64, 64]],
    ]);
  });

  it('NAS-Bench-201 cell: skip leaves no node, none is x*0, node sums chain adds; order is networkx generations', () => {
    // |nor_conv_3x3~0|+|skip_connect~0|avg_pool_3x3~1|+|nor_conv_1x1~0|none~1|nor_conv_3x3~2|
    const b = new GraphBuilder('nb201cell', { c: 3, h: 32, w: 32 });
    const s = b.bn(b.conv(b.input, { outChannels: 16, kernel: 3, padding: 1 }));
    const rcb = (x: number, k: number) => b.bn(b.conv(b.relu(x), { outChannels: 16, kernel: k, padding: (k - 1) / 2 }));
    const n1 = rcb(s, 3);
    const n2 = b.add([b.identity(s), b.pool('avgpool', n1, { kernel: 3, stride: 1, padding: 1 })]);
    b.add([rcb(s, 1), b.zero(n1), rcb(n2, 3)]);
    const conv3: [string, string, number[]] = ['conv', 'conv-bn-relu', [32, 16, 16, 3, 1, 2.37568, 0.00232]];
    expect(kernelsOf(b)).toEqual([
      // stem (3 consumers: never fuses): PARAMS 16*28 = 448, FLOPs 2*1024*448 = 917,504
      ['conv', 'conv-bn-relu', [32, 3, 16, 3, 1, 0.458752, 0.000448]],
      ['relu', 'relu', [32, 16]],
      ['relu', 'relu', [32, 16]],
      // PARAMS 16 (9*16+1) = 2,320, FLOPs 4,751,360 (relu_conv is not a rule)
      conv3,
      // 1x1: PARAMS 16*17 = 272, FLOPs 557,056
      ['conv', 'conv-bn-relu', [32, 16, 16, 1, 1, 0.278528, 0.000272]],
      ['avgpool', 'avgpool', [32, 16, 16, 3, 1]],
      ['mul'],
      // node 2's sum has one consumer, the ReLU of edge 2->3: add_relu fuses across the edge
      ['add-relu', 'addrelu', [32, 16, 16]],
      ['add', 'add', [32, 16, 16]],
      conv3,
      ['add', 'add', [32, 16, 16]],
    ]);
  });

  it('BLOX networks: the kernel counts nn-Meter itself gave (reference section 4) and worked vectors', () => {
    const blox = getSpace('blox');
    const p = syntheticPredictors();
    const counts = (i: number) => {
      const c: Record<string, number> = {};
      for (const k of predictKernels(blox.network(i), p)) c[k.op] = (c[k.op] ?? 0) + 1;
      return c;
    };
    // README example arch (index 24519)
    expect(counts(blox.parse('01111_11100_00110'))).toEqual({
      'conv-relu': 40,
      add: 12,
      gap: 7,
      conv: 6,
      Sigmoid: 6,
      mul: 6,
      fc: 1,
    });
    expect(counts(91124)).toEqual({ 'conv-relu': 82, 'dwconv-relu': 36, add: 45, gap: 1, fc: 1 });
    const vectors = predictKernels(blox.network(91124), p).map((k) => `${k.predictor} ${k.features}`);
    for (const v of [
      'conv-bn-relu 32,3,32,3,1,0.917504,0.000896', // stem
      'dwconv-bn-relu 32,16,16,5,1,0.425984,0.000416', // bconv depthwise 5x5 on b = 16
      'fc 256,100,0.02565,0.0513', // Linear(256 -> 100): FLOP (2*256+1)*100
      'add 32,32,32', // residual add at stage 0
      'global-avgpool 1,256', // HW is always 1 (hasattr on a dict)
    ])
      expect(vectors).toContain(v);
    const readme = predictKernels(blox.network(24519), p).map((k) => `${k.op} ${k.features}`);
    expect(readme).toContain('conv-relu 32,32,32,3,1,9.469952,0.009248'); // stage-0 ConvBlock conv
    expect(readme).toContain('conv-relu 32,32,64,3,2,4.734976,0.018496'); // reduction 0
    expect(readme).toContain('conv-relu 1,64,64,1,1,0.00416,0.00416'); // SE 1x1 conv at HW 1
  });
});

describe('fusion units and MON', () => {
  const node = (type: string, inbounds: number[], shape: number[], extra: Partial<MeterNode> = {}): MeterNode => ({
    type,
    inbounds,
    inShapes: inbounds.length ? inbounds.map(() => shape) : [shape],
    outShape: shape,
    block: -1,
    ...extra,
  });
  const x = [1, 14, 14, 64];
  const pooled = [1, 1, 1, 64];

  it('a hard-sigmoid SE collapses into one se node; se_relu then fuses the ReLU after it', () => {
    const nodes = [
      node('conv', [], x, { ks: [1, 1], strides: [1, 1] }),
      node('gap', [0], x, { outShape: pooled }),
      node('conv', [1], pooled, { ks: [1, 1], strides: [1, 1] }),
      node('relu', [2], pooled),
      node('conv', [3], pooled, { ks: [1, 1], strides: [1, 1] }),
      node('hardsigmoid', [4], pooled),
      node('mul', [0, 5], x),
      node('relu', [6], x),
    ];
    const ks = detectMeterKernels(nodes, rules);
    expect(ks.map((k) => k.op)).toEqual(['conv', 'se-relu']);
    // se features: W and C of the last input tensor (the gap's input: 14, 64)
    expect(kernelFeatures(ks[1]!)).toEqual({ predictor: 'se', features: [14, 64] });
  });

  it("a rules file's 3-op BF chain is a fusion unit; MON true lets a node with several consumers fuse", () => {
    const chain = [node('conv', [], x, { ks: [3, 3], strides: [2, 2] }), node('bn', [0], x), node('relu', [1], x)];
    expect(detectMeterKernels(chain, rules).map((k) => k.op)).toEqual(['conv-bn-relu']);
    const branch = [node('dwconv', [], x, { ks: [3, 3] }), node('relu', [0], x), node('relu', [0], x)];
    expect(detectMeterKernels(branch, rules).map((k) => k.op)).toEqual(['dwconv', 'relu', 'relu']);
    const mon = readFusionRules({ ...A76_RULES, MON: { obey: true } }, 'mon');
    // MON 1: one consumer per pass (then `break`), outbounds united, the node examined again: both ReLUs join.
    expect(detectMeterKernels(branch, mon).map((k) => k.op)).toEqual(['dwconv-relu-relu']);
  });
});
