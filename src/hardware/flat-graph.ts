/**
 * An IR graph as typed arrays (struct of arrays, op kinds as small integer codes): what kernel detection
 * (`kernels.ts`) runs on, whether the graph was built (`flattenGraph`) or assembled from pieces of other
 * graphs without building (`splice.ts`).
 */
import type { Graph, OpKind } from '../ir/graph.js';

/** Op codes. */
export const OP = {
  input: 0,
  conv2d: 1,
  batchnorm: 2,
  relu: 3,
  relu6: 4,
  hswish: 5,
  sigmoid: 6,
  add: 7,
  mul: 8,
  avgpool: 9,
  maxpool: 10,
  globalavgpool: 11,
  flatten: 12,
  linear: 13,
  concat: 14,
  identity: 15,
  zero: 16,
} as const satisfies Record<OpKind, number>;

export function opCode(op: OpKind): number {
  const c = Object.hasOwn(OP, op) ? OP[op] : undefined;
  if (c === undefined) throw new Error(`flat graph: unknown op ${op}`);
  return c;
}

/** A graph as typed arrays. `kernel`/`groups` are conv and pool attributes (0 / 1 otherwise). */
export interface FlatGraph {
  n: number;
  op: Uint8Array;
  /** Inputs of node i: inputs[inStart[i] .. inStart[i + 1]). Inputs come before the node (topological order). */
  inStart: Int32Array;
  inputs: Int32Array;
  /** Output channels and elements (c x h x w) of each node. */
  c: Float64Array;
  numel: Float64Array;
  kernel: Int32Array;
  groups: Int32Array;
  output: number;
}

export function allocFlat(nodes: number, edges: number): FlatGraph {
  return {
    n: 0,
    op: new Uint8Array(nodes),
    inStart: new Int32Array(nodes + 1),
    inputs: new Int32Array(edges),
    c: new Float64Array(nodes),
    numel: new Float64Array(nodes),
    kernel: new Int32Array(nodes),
    groups: new Int32Array(nodes),
    output: 0,
  };
}

/** Flat copy of an IR graph (node i = g.nodes[i]). */
export function flattenGraph(g: Graph): FlatGraph {
  const edges = g.nodes.reduce((a, n) => a + n.inputs.length, 0);
  const f = allocFlat(g.nodes.length, edges);
  let e = 0;
  for (const node of g.nodes) {
    const i = node.id;
    f.op[i] = opCode(node.op);
    f.inStart[i] = e;
    for (const x of node.inputs) f.inputs[e++] = x;
    f.c[i] = node.shape.c;
    f.numel[i] = node.shape.c * node.shape.h * node.shape.w;
    const a = node.attrs as { kernel?: number; groups?: number };
    f.kernel[i] = a.kernel ?? 0;
    f.groups[i] = node.op === 'conv2d' ? (a.groups ?? 1) : 1;
  }
  f.inStart[g.nodes.length] = e;
  f.n = g.nodes.length;
  f.output = g.output;
  return f;
}
