/**
 * Counting on the IR: parameters (as PyTorch counts them), MACs (conv and linear multiply-accumulates),
 * ptflops-0.6.9-style "flops" (what BLOX's blox-info file stores), activation memory and weight bytes.
 */
import { type Graph, isConv, isLinear, type Node, numel } from './graph.js';

/** Trainable parameters of one node: conv weight (+bias), BN weight and bias, linear weight (+bias). */
export function nodeParams(n: Node, g: Graph): number {
  if (isConv(n)) {
    const cin = g.nodes[n.inputs[0]!]!.shape.c;
    const a = n.attrs;
    return a.outChannels * (cin / a.groups) * a.kernel * a.kernel + (a.bias ? a.outChannels : 0);
  }
  if (n.op === 'batchnorm') return 2 * n.shape.c;
  if (isLinear(n)) {
    const cin = g.nodes[n.inputs[0]!]!.shape.c;
    return cin * n.attrs.outFeatures + (n.attrs.bias ? n.attrs.outFeatures : 0);
  }
  return 0;
}

/** Multiply-accumulates of conv and linear layers (no bias, BN or activations). */
export function nodeMacs(n: Node, g: Graph): number {
  if (isConv(n)) {
    const cin = g.nodes[n.inputs[0]!]!.shape.c;
    const a = n.attrs;
    return n.shape.c * n.shape.h * n.shape.w * (cin / a.groups) * a.kernel * a.kernel;
  }
  if (isLinear(n)) return g.nodes[n.inputs[0]!]!.shape.c * n.attrs.outFeatures;
  return 0;
}

/**
 * ptflops 0.6.9 ("pytorch" backend) counting rules: conv MACs + bias, BN 2 x numel (affine), ReLU numel,
 * pooling numel(input), linear MACs + bias; sigmoid, add, mul, flatten are not counted.
 */
export function nodePtflops(n: Node, g: Graph): number {
  switch (n.op) {
    case 'conv2d': {
      const a = n.attrs as { bias: boolean };
      return nodeMacs(n, g) + (a.bias ? numel(n.shape) : 0);
    }
    case 'linear': {
      const a = n.attrs as { bias: boolean; outFeatures: number };
      return nodeMacs(n, g) + (a.bias ? a.outFeatures : 0);
    }
    case 'batchnorm':
      return 2 * numel(n.shape);
    case 'relu':
    case 'relu6':
      return numel(n.shape);
    case 'avgpool':
    case 'maxpool':
    case 'globalavgpool':
      return numel(g.nodes[n.inputs[0]!]!.shape);
    default:
      return 0;
  }
}

export interface Counts {
  params: number;
  macs: number;
  flops: number;
}

function sumOver(g: Graph, f: (n: Node, g: Graph) => number, block?: number): number {
  let s = 0;
  for (const n of g.nodes) if (block === undefined || n.block === block) s += f(n, g);
  return s;
}

export function countParams(g: Graph, block?: number): number {
  return sumOver(g, nodeParams, block);
}
export function countMacs(g: Graph, block?: number): number {
  return sumOver(g, nodeMacs, block);
}
export function countPtflops(g: Graph, block?: number): number {
  return sumOver(g, nodePtflops, block);
}
export function countAll(g: Graph, block?: number): Counts {
  return { params: countParams(g, block), macs: countMacs(g, block), flops: countPtflops(g, block) };
}

/** Bytes of all weights (parameters) at `bytesPerWeight` (1 for int8, 4 for fp32). */
export function weightBytes(g: Graph, bytesPerWeight = 4): number {
  return countParams(g) * bytesPerWeight;
}

/**
 * Change of the number of live activation values at each step when nodes run in graph order: a tensor
 * lives from the node that makes it until its last consumer has run (the network output until the end).
 * Identity and flatten alias their input (adding nothing, keeping it alive while they are used) and zero
 * produces nothing a runtime would allocate. Prefix sums give the live values after each node.
 */
export function liveValueDeltas(g: Graph): Float64Array {
  const n = g.nodes.length;
  const lastUse = new Int32Array(n).fill(-1);
  for (const node of g.nodes) for (const i of node.inputs) lastUse[i] = Math.max(lastUse[i]!, node.id);
  lastUse[g.output] = n;
  for (let i = n - 1; i > 0; i--) {
    const node = g.nodes[i]!;
    if (node.op === 'identity' || node.op === 'flatten') {
      const src = node.inputs[0]!;
      lastUse[src] = Math.max(lastUse[src]!, lastUse[i]!);
    }
  }
  const delta = new Float64Array(n + 2);
  for (const node of g.nodes) {
    if (node.op === 'identity' || node.op === 'flatten' || node.op === 'zero') continue;
    const values = numel(node.shape);
    delta[node.id] += values;
    delta[Math.max(lastUse[node.id]!, node.id) + 1] -= values;
  }
  return delta;
}

/** Peak bytes of live activations when nodes run in graph order (see `liveValueDeltas`). */
export function peakActivationBytes(g: Graph, bytesPerValue = 4): number {
  const delta = liveValueDeltas(g);
  let live = 0;
  let peak = 0;
  for (let t = 0; t <= g.nodes.length; t++) {
    live += delta[t]!;
    if (live > peak) peak = live;
  }
  return peak * bytesPerValue;
}
