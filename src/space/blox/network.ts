/**
 * The PyTorch model BLOX trains (`blox/model/model.py`, `operations.py`; BLOX.md §2) as an IR graph:
 * stem, three stages of (cell, reduction), global average pool, linear. Every conv has a bias and is
 * followed by BN and ReLU, except the two 1x1 convs of SE. Cell nodes carry block = stage index.
 */
import { type Graph, GraphBuilder } from '../../ir/graph.js';
import type { CellNode } from './cells.js';
import { OPS } from './encoding.js';

export const STEM_CHANNELS = 32;
export const IMAGE_SIZE = 32;
export const DEFAULT_CLASSES = 100;

type Op = (b: GraphBuilder, x: number) => number;

function genericConv(
  b: GraphBuilder,
  x: number,
  out: number,
  kernel: number,
  stride = 1,
  padding = 0,
  groups = 1,
  name = 'conv',
) {
  return b.convBnAct(x, { outChannels: out, kernel, stride, padding, groups, bias: true }, 'relu', name);
}

/** ConvBlock(C): four 3x3 GenericConv C->C, no residual. */
const convBlock: Op = (b, x) => {
  const c = b.shape(x).c;
  for (let i = 0; i < 4; i++) x = genericConv(b, x, c, 3, 1, 1, 1, `conv${i}`);
  return x;
};

/** MBConvBlock(C): twice [full 3x3 C->2C, SE(2C) with hidden 2C, 1x1 2C->C] + x. */
const mbconvBlock: Op = (b, x) => {
  const c = b.shape(x).c;
  for (let i = 0; i < 2; i++) {
    x = b.scope(`mb${i}`, () => {
      let y = genericConv(b, x, 2 * c, 3, 1, 1, 1, 'expand');
      y = b.squeezeExcite(y, 2 * c, { bias: true, innerAct: 'relu', gate: 'sigmoid' });
      y = genericConv(b, y, c, 1, 1, 0, 1, 'project');
      return b.add([y, x], 'residual');
    });
  }
  return x;
};

/** BottleneckBlock(C): six [1x1 C->w, depthwise 5x5 w, 1x1 w->C] + x with w = C/2, C, 2C, C/2, C, 2C. */
const bconvBlock: Op = (b, x) => {
  const c = b.shape(x).c;
  const widths = [c / 2, c, 2 * c];
  for (let i = 0; i < 6; i++) {
    const w = widths[i % 3]!;
    x = b.scope(`b${i}`, () => {
      let y = genericConv(b, x, w, 1, 1, 0, 1, 'reduce');
      y = genericConv(b, y, w, 5, 1, 2, w, 'dw');
      y = genericConv(b, y, c, 1, 1, 0, 1, 'expand');
      return b.add([y, x], 'residual');
    });
  }
  return x;
};

const OP_BUILDERS: Record<(typeof OPS)[number], Op> = { conv: convBlock, mbconv: mbconvBlock, bconv: bconvBlock };

/** `Cell.forward`: node k computes op(prev | input | prev + input), then adds prev if sc (§2.5). */
function cell(b: GraphBuilder, x: number, nodes: readonly CellNode[]): number {
  const input = x;
  let prevOut = x;
  nodes.forEach(([op, prev, inp, sc], k) => {
    prevOut = b.scope(`node${k}`, () => {
      let y: number;
      if (prev && inp) y = b.add([prevOut, input], 'sum_in');
      else y = prev ? prevOut : input;
      const name = OPS[op]!;
      y = b.scope(name, () => OP_BUILDERS[name](b, y));
      return sc ? b.add([y, prevOut], 'skip') : y;
    });
  });
  return prevOut;
}

/** Reduction(Cin -> 2Cin): conv3x3/s2 -> conv3x3, plus a 2x2/s2 projection. */
function reduction(b: GraphBuilder, x: number): number {
  const out = 2 * b.shape(x).c;
  const p = genericConv(b, x, out, 2, 2, 0, 1, 'proj');
  let y = genericConv(b, x, out, 3, 2, 1, 1, 'conv1');
  y = genericConv(b, y, out, 3, 1, 1, 1, 'conv2');
  return b.add([y, p], 'add');
}

/** The BLOX network whose stage s is built from `cells[s]` (optimised nodes, §2.2). */
export function bloxNetwork(cells: readonly (readonly CellNode[])[], name: string, classes = DEFAULT_CLASSES): Graph {
  const b = new GraphBuilder(name, { c: 3, h: IMAGE_SIZE, w: IMAGE_SIZE });
  let x = genericConv(b, b.input, STEM_CHANNELS, 3, 1, 1, 1, 'stem');
  cells.forEach((nodes, s) => {
    x = b.scope(`stage${s}`, () => {
      const y = b.inBlock(s, () => b.scope('cell', () => cell(b, x, nodes)));
      return b.scope('reduction', () => reduction(b, y));
    });
  });
  x = b.scope('head', () => {
    const p = b.globalAvgPool(x, 'pool');
    return b.linear(b.flatten(p), { outFeatures: classes, bias: true }, 'fc');
  });
  return b.build(x);
}
