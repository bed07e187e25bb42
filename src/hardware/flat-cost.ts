/**
 * The cost model of `cost.ts` + `kernels.ts` on a flat, typed graph: the same kernel detection (aliases,
 * consumers, dead code, fusion chains, kernel fields) over typed arrays with reusable scratch, so that a
 * whole closed space can be costed network by network without allocating per network. Kernel fields are
 * integers and kernels are visited in the same order as `detectKernels`, and each kernel's features are
 * added by the same `addKernelFeatures`, so the result is bit-identical to `graphFeatures`. That equality
 * is checked where this is used (`space-latency.ts` compares sampled architectures against the reference
 * and falls back to it on any difference) and in test/hardware-flat.test.ts.
 */
import type { Graph, OpKind } from '../ir/graph.js';
import { addKernelFeatures, FEATURES, type FeatureDevice } from './cost.js';
import type { FusionRules } from './device.js';
import type { Kernel } from './kernels.js';

export const OP_CODES: readonly OpKind[] = [
  'input',
  'conv2d',
  'batchnorm',
  'relu',
  'relu6',
  'hswish',
  'sigmoid',
  'add',
  'mul',
  'avgpool',
  'maxpool',
  'globalavgpool',
  'flatten',
  'linear',
  'concat',
  'identity',
  'zero',
];
const CODE = new Map<OpKind, number>(OP_CODES.map((op, i) => [op, i]));
export function opCode(op: OpKind): number {
  const c = CODE.get(op);
  if (c === undefined) throw new Error(`flat graph: unknown op ${op}`);
  return c;
}
const [
  INPUT,
  CONV,
  BN,
  RELU,
  RELU6,
  HSWISH,
  SIGMOID,
  ADD,
  MUL,
  AVGPOOL,
  MAXPOOL,
  GAP,
  FLATTEN,
  LINEAR,
  CONCAT,
  IDENTITY,
  ZERO_OP,
] = OP_CODES.map((_, i) => i) as number[] as [
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
];

/** A graph as typed arrays (struct of arrays). `kernel`/`groups` are conv and pool attributes (0 / 1 otherwise). */
export interface FlatGraph {
  n: number;
  op: Uint8Array;
  /** Inputs of node i: inputs[inStart[i] .. inStart[i + 1]). */
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

/** Flat copy of an IR graph. */
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

const ZERO = -2;
const KIND_CONV = 0;
const KIND_POINTWISE = 1;
const KIND_DEPTHWISE = 2;
const KIND_LINEAR = 3;
const KIND_POOL = 4;
const KIND_ELEMENTWISE = 5;
/** Op code of conv2d. */
export const CONV_OP = CONV;

/** Kernel kinds by code (the order of the feature vector's compute entries). */
export const KERNEL_KINDS = ['conv', 'pointwise', 'depthwise', 'linear', 'pool', 'elementwise'] as const;

function isFusableAct(op: number): boolean {
  return op === RELU || op === RELU6 || op === HSWISH;
}
function isActivation(op: number): boolean {
  return isFusableAct(op) || op === SIGMOID;
}

/** Reusable per-size work arrays. */
export class FlatScratch {
  src = new Int32Array(0);
  count = new Int32Array(0);
  first = new Int32Array(0);
  last = new Int32Array(0);
  owner = new Int32Array(0);
  members = new Int32Array(0);
  mark = new Int32Array(0);
  live = new Uint8Array(0);
  dep = new Uint8Array(0);
  /** Kernel fields written by `flatKernels` (KERNEL_FIELDS per kernel), and each kernel's root node. */
  fields = new Float64Array(0);
  roots = new Int32Array(0);
  /** A kernel object reused to hand fields to `addKernelFeatures`. */
  readonly kernel: Kernel = {
    kind: 'conv',
    nodes: [],
    block: -1,
    macs: 0,
    cout: 0,
    cinPerGroup: 0,
    elements: 0,
    inValues: 0,
    outValues: 0,
    weights: 0,
  };

  ensure(n: number): void {
    if (this.src.length >= n) return;
    const m = Math.max(n, 2 * this.src.length);
    this.src = new Int32Array(m);
    this.count = new Int32Array(m);
    this.first = new Int32Array(m);
    this.last = new Int32Array(m);
    this.owner = new Int32Array(m);
    this.members = new Int32Array(m);
    this.mark = new Int32Array(m);
    this.live = new Uint8Array(m);
    this.dep = new Uint8Array(m);
  }
}

/**
 * One forward pass: alias resolution as `resolveAliases` (x + 0 is x, 0 + 0 is 0; identity/flatten alias
 * their input; zero is nothing), whether each node depends on the network input (for `liveNodes`), and
 * the reset of the per-node work arrays.
 */
function forwardPass(g: FlatGraph, s: FlatScratch): void {
  const { op, inStart, inputs, n } = g;
  const { src, dep, live, count, last, owner, mark } = s;
  for (let i = 0; i < n; i++) {
    const o = op[i]!;
    const a = inStart[i]!;
    const b = inStart[i + 1]!;
    let x = i;
    if (o === IDENTITY || o === FLATTEN) {
      x = src[inputs[a]!]!;
    } else if (o === ZERO_OP) {
      x = ZERO;
    } else if (o === ADD || o === MUL || o === CONCAT) {
      let real = 0;
      let one = -1;
      for (let e = a; e < b; e++) {
        const y = src[inputs[e]!]!;
        if (y !== ZERO) {
          if (real === 0) one = y;
          real++;
        }
      }
      if (o === ADD) x = real === 0 ? ZERO : real === 1 ? one : i;
      else if (o === MUL) x = real < b - a ? ZERO : i;
      else x = real === 1 && b - a === 1 ? one : i;
    }
    src[i] = x;
    let d = 0;
    if (o === INPUT) d = 1;
    else if (x === i)
      for (let e = a; e < b; e++) {
        const y = src[inputs[e]!]!;
        if (y >= 0 && dep[y]) {
          d = 1;
          break;
        }
      }
    dep[i] = d;
    live[i] = 0;
    count[i] = 0;
    last[i] = -1;
    owner[i] = -1;
    mark[i] = -1;
  }
}

/**
 * Real nodes whose value reaches the output, none when the output does not depend on the input
 * (`liveNodes` of kernels.ts); after `forwardPass`.
 */
function liveNodes(g: FlatGraph, src: Int32Array, live: Uint8Array, dep: Uint8Array): void {
  const { inStart, inputs, n } = g;
  const out = src[g.output]!;
  if (out < 0 || !dep[out]) return;
  live[out] = 1;
  for (let i = n - 1; i >= 0; i--) {
    if (!live[i]) continue;
    for (let e = inStart[i]!; e < inStart[i + 1]!; e++) {
      const y = src[inputs[e]!]!;
      if (y >= 0) live[y] = 1;
    }
  }
}

export function rootKind(g: FlatGraph, i: number): number {
  const o = g.op[i]!;
  if (o === CONV) {
    const cin = g.c[g.inputs[g.inStart[i]!]!]!;
    if (g.groups[i]! > 1 && g.groups[i] === cin) return KIND_DEPTHWISE;
    return g.kernel[i] === 1 ? KIND_POINTWISE : KIND_CONV;
  }
  if (o === LINEAR) return KIND_LINEAR;
  if (o === AVGPOOL || o === MAXPOOL || o === GAP) return KIND_POOL;
  return KIND_ELEMENTWISE;
}

/** Chain state bits: BN, activation, add already in the kernel. */
const ST_BN = 1;
const ST_ACT = 2;
const ST_ADD = 4;

/** `fuses` of kernels.ts: the new state (>= 0) when `next` joins, -1 when it does not. */
function fuses(kind: number, rootOp: number, next: number, rules: FusionRules, st: number): number {
  const compute = kind !== KIND_ELEMENTWISE && kind !== KIND_POOL;
  if (compute && rules.convBnAct && next === BN && (st & (ST_BN | ST_ACT | ST_ADD)) === 0) return st | ST_BN;
  if (compute && rules.convBnAct && isFusableAct(next) && (st & ST_ACT) === 0) return st | ST_ACT;
  if (compute && rules.convAdd && next === ADD && (st & (ST_ADD | ST_ACT)) === 0) return st | ST_ADD;
  if (
    kind === KIND_ELEMENTWISE &&
    rules.elementwiseAct &&
    isFusableAct(next) &&
    (st & ST_ACT) === 0 &&
    (rootOp === ADD || rootOp === MUL || rootOp === BN)
  )
    return st | ST_ACT;
  return rules.linkElementwise && (isActivation(next) || next === ADD || next === MUL || next === BN) ? st : -1;
}

function nodeWeights(g: FlatGraph, i: number): number {
  const o = g.op[i]!;
  if (o === CONV) {
    const cin = g.c[g.inputs[g.inStart[i]!]!]!;
    const k = g.kernel[i]!;
    return g.c[i]! * (cin / g.groups[i]!) * k * k + g.c[i]!;
  }
  if (o === LINEAR) return g.c[g.inputs[g.inStart[i]!]!]! * g.c[i]! + g.c[i]!;
  if (o === BN) return 2 * g.c[i]!;
  return 0;
}

function macsOf(g: FlatGraph, i: number): number {
  const o = g.op[i]!;
  if (o === CONV) {
    const cin = g.c[g.inputs[g.inStart[i]!]!]!;
    const k = g.kernel[i]!;
    return g.numel[i]! * (cin / g.groups[i]!) * k * k;
  }
  if (o === LINEAR) return g.c[g.inputs[g.inStart[i]!]!]! * g.c[i]!;
  return 0;
}

/**
 * Summed kernel features of `g` on `d` into `out` (added to what is there), like `graphFeatures(g, d)`.
 */
export function flatFeatures(
  g: FlatGraph,
  rules: FusionRules,
  d: FeatureDevice,
  out: Float64Array,
  s: FlatScratch,
): Float64Array {
  if (out.length < FEATURES) throw new Error('flatFeatures: output too short');
  const count = flatKernels(g, rules, s);
  const f = s.fields;
  const k = s.kernel;
  for (let q = 0; q < count; q++) {
    const o = q * KERNEL_FIELDS;
    k.kind = KERNEL_KINDS[f[o]!]!;
    k.macs = f[o + 1]!;
    k.cout = f[o + 2]!;
    k.cinPerGroup = f[o + 3]!;
    k.elements = f[o + 4]!;
    k.inValues = f[o + 5]!;
    k.outValues = f[o + 6]!;
    k.weights = f[o + 7]!;
    addKernelFeatures(k, d, out);
  }
  return out;
}

/** Fields per kernel in `FlatScratch.fields`: kind code, macs, cout, cinPerGroup, elements, inValues, outValues, weights. */
export const KERNEL_FIELDS = 8;

/**
 * The kernels of `g` under `rules`, in `detectKernels` order, written to `s.fields` (KERNEL_FIELDS each;
 * node lists and blocks are not kept: the costing does not read them). Returns the number of kernels.
 */
export function flatKernels(g: FlatGraph, rules: FusionRules, s: FlatScratch): number {
  const n = g.n;
  s.ensure(n);
  const { src, count, first, last, owner, members, mark, live } = s;
  const { op, inStart, inputs, numel, c } = g;
  forwardPass(g, s);
  const dead = rules.deadCode === true;
  if (dead) liveNodes(g, src, live, s.dep);
  // Consumers through aliases: how many distinct real nodes read each real node, and the first of them.
  for (let i = 0; i < n; i++) {
    if (src[i] !== i || op[i] === INPUT || (dead && !live[i])) continue;
    const b = inStart[i + 1]!;
    for (let e = inStart[i]!; e < b; e++) {
      const x = src[inputs[e]!]!;
      if (x < 0 || last[x] === i) continue;
      if (count[x] === 0) first[x] = i;
      last[x] = i;
      count[x]!++;
    }
  }
  const outSrc = src[g.output]!;
  if (outSrc >= 0) {
    if (count[outSrc] === 0) first[outSrc] = -1;
    count[outSrc]!++;
  }
  if (s.fields.length < n * KERNEL_FIELDS) {
    s.fields = new Float64Array(2 * n * KERNEL_FIELDS);
    s.roots = new Int32Array(2 * n);
  }
  const f = s.fields;
  let kernels = 0;
  for (let root = 0; root < n; root++) {
    const rootOp = op[root]!;
    if (rootOp === INPUT || src[root] !== root || owner[root] !== -1) continue;
    if (dead && !live[root]) continue;
    const kind = rootKind(g, root);
    let m = 0;
    members[m++] = root;
    owner[root] = kernels;
    let st = 0;
    let cur = root;
    while (count[cur] === 1) {
      const next = first[cur]!;
      if (next < 0 || owner[next] !== -1) break;
      const ns = fuses(kind, rootOp, op[next]!, rules, st);
      if (ns < 0) break;
      st = ns;
      members[m++] = next;
      owner[next] = kernels;
      cur = next;
    }
    let elements = 0;
    let weights = 0;
    let inValues = 0;
    for (let j = 0; j < m; j++) {
      const id = members[j]!;
      let real = 0;
      const b = inStart[id + 1]!;
      for (let e = inStart[id]!; e < b; e++) {
        const x = src[inputs[e]!]!;
        if (x === ZERO) continue;
        real++;
        if (owner[x] !== kernels && mark[x] !== kernels) {
          mark[x] = kernels;
          inValues += numel[x]!;
        }
      }
      const o = op[id]!;
      if (o === BN && j !== 0) continue; // folded into the conv's weights
      if (o === CONV || o === LINEAR || o === BN) weights += nodeWeights(g, id);
      if (j === 0 && kind === KIND_ELEMENTWISE)
        elements += numel[id]! * (o === BN ? 2 : o === ADD ? Math.max(1, real - 1) : 1);
    }
    const in0 = inStart[root]! < inStart[root + 1]! ? inputs[inStart[root]!]! : -1;
    if (kind === KIND_POOL) {
      const kk = g.kernel[root]!;
      elements = rootOp === GAP ? numel[in0]! : numel[root]! * (kk || 1) * (kk || 1);
    }
    s.roots[kernels] = root;
    const o = kernels * KERNEL_FIELDS;
    f[o] = kind;
    f[o + 1] = rootOp === CONV || rootOp === LINEAR ? macsOf(g, root) : 0;
    f[o + 2] = c[root]!;
    f[o + 3] = (in0 >= 0 ? c[in0]! : c[root]!) / (rootOp === CONV ? g.groups[root]! : 1);
    f[o + 4] = elements;
    f[o + 5] = inValues;
    f[o + 6] = numel[cur]!;
    f[o + 7] = weights;
    kernels++;
  }
  return kernels;
}
