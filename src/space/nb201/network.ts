/**
 * The NAS-Bench-201 network (Dong & Yang, ICLR 2020; xautodl `TinyNetwork` + `InferCell`): stem
 * conv3x3(3->16, no bias) + BN; three stages of 5 cells at 16/32/64 channels joined by two ResNet
 * reduction blocks; BN-ReLU, global average pool, linear. Every cell uses the same 6 edge ops; the nodes
 * of edge e (in all 15 cells) carry block = e.
 */
import { type Graph, GraphBuilder } from '../../ir/graph.js';
import { NB201_EDGES, NB201_OPS } from './cell.js';

const CELLS_PER_STAGE = 5;
const STAGE_CHANNELS = [16, 32, 64] as const;

/** Input side of each NB201 dataset: ImageNet16-120 images are 16x16, CIFAR images 32x32. */
export function nb201Resolution(classes: number): number {
  return classes === 120 ? 16 : 32;
}

/** ReLU -> Conv (no bias, 'same' padding) -> BN: NB201's ReLUConvBN. */
function reluConvBn(b: GraphBuilder, x: number, out: number, kernel: number, stride: number, name: string): number {
  return b.scope(name, () => {
    let y = b.relu(x);
    y = b.conv(y, { outChannels: out, kernel, stride, padding: (kernel - 1) >> 1, bias: false });
    return b.bn(y);
  });
}

function edgeOp(b: GraphBuilder, x: number, code: number, channels: number): number {
  switch (NB201_OPS[code]) {
    case 'none':
      return b.zero(x, 'none');
    case 'skip_connect':
      return b.identity(x, 'skip_connect');
    case 'nor_conv_1x1':
      return reluConvBn(b, x, channels, 1, 1, 'nor_conv_1x1');
    case 'nor_conv_3x3':
      return reluConvBn(b, x, channels, 3, 1, 'nor_conv_3x3');
    case 'avg_pool_3x3':
      return b.pool('avgpool', x, { kernel: 3, stride: 1, padding: 1, countIncludePad: false }, 'avg_pool_3x3');
    default:
      throw new Error(`nb201: op code ${code} out of range`);
  }
}

/** Node j = sum of op(node i) over its incoming edges i -> j; the cell output is node 3. */
function cell(b: GraphBuilder, x: number, codes: readonly number[], channels: number): number {
  const nodes = [x];
  for (let to = 1; to <= 3; to++) {
    const terms: number[] = [];
    NB201_EDGES.forEach(([t, from], e) => {
      if (t !== to) return;
      terms.push(b.inBlock(e, () => b.scope(`edge${to}<-${from}`, () => edgeOp(b, nodes[from]!, codes[e]!, channels))));
    });
    nodes.push(terms.length === 1 ? terms[0]! : b.add(terms, `node${to}`));
  }
  return nodes[3]!;
}

/** ResNet basic block with stride 2: ReLUConvBN(s2) -> ReLUConvBN, shortcut AvgPool2x2 + Conv1x1; add. */
function reduction(b: GraphBuilder, x: number, out: number): number {
  const a = reluConvBn(b, x, out, 3, 2, 'conv_a');
  const main = reluConvBn(b, a, out, 3, 1, 'conv_b');
  const short = b.scope('shortcut', () => {
    const p = b.pool('avgpool', x, { kernel: 2, stride: 2, padding: 0 }, 'pool');
    return b.conv(p, { outChannels: out, kernel: 1, bias: false }, 'conv');
  });
  return b.add([main, short], 'add');
}

export function nb201Network(codes: readonly number[], classes: number, name: string): Graph {
  const side = nb201Resolution(classes);
  const b = new GraphBuilder(name, { c: 3, h: side, w: side });
  let x = b.scope('stem', () => b.bn(b.conv(b.input, { outChannels: STAGE_CHANNELS[0], kernel: 3, padding: 1 })));
  STAGE_CHANNELS.forEach((channels, s) => {
    if (s > 0) x = b.scope(`reduce${s}`, () => reduction(b, x, channels));
    for (let i = 0; i < CELLS_PER_STAGE; i++) {
      x = b.scope(`stage${s}/cell${i}`, () => cell(b, x, codes, channels));
    }
  });
  x = b.scope('head', () => {
    let y = b.relu(b.bn(x));
    y = b.flatten(b.globalAvgPool(y));
    return b.linear(y, { outFeatures: classes, bias: true });
  });
  return b.build(x);
}
