/**
 * Kernel detection: split a graph into the kernels a runtime would launch, following that runtime's
 * fusion rules (conv + BN + activation as one kernel; TFLite's fused activation on adds; the GPU
 * delegate's linking of element-wise ops into the op before them; the converter's dead-code elimination).
 * Identity, flatten and zero cost nothing; an add left with one non-zero input is an alias; SE is its
 * pieces (pool, 1x1 convs, gate, scale).
 *
 * One implementation, on flat typed graphs (`flat-graph.ts`) with reusable scratch, so that a whole closed
 * space can be costed network by network without allocating per network (`flatKernels`). `detectKernels`
 * runs it on a flattened IR graph and hands back kernel objects.
 */
import type { Graph } from '../ir/graph.js';
import type { FusionRules } from './device.js';
import { type FlatGraph, flattenGraph, OP } from './flat-graph.js';

/** Kernel kinds by code; the code is also the kind's index in the feature vector (cost.ts). */
export const KERNEL_KINDS = ['conv', 'pointwise', 'depthwise', 'linear', 'pool', 'elementwise'] as const;
export type KernelKind = (typeof KERNEL_KINDS)[number];
const KIND_CONV = 0;
const KIND_POINTWISE = 1;
const KIND_DEPTHWISE = 2;
const KIND_LINEAR = 3;
const KIND_POOL = 4;
const KIND_ELEMENTWISE = 5;

/**
 * Fields per kernel in `FlatScratch.fields`, in this order: kind code, MACs of the root (conv, linear),
 * root's output channels, root's input channels per group (for SIMD / tile padding), elements (pooling:
 * output x window; stand-alone element-wise work: x passes), values read from tensors made outside the
 * kernel, values written, weights. All are integers, so sums of them are exact.
 */
export const KERNEL_FIELDS = 8;

export interface Kernel {
  kind: KernelKind;
  /** IR node ids in execution order; nodes[0] is the root that names the kernel. */
  nodes: number[];
  /** Block (search decision) of the root node, -1 for the fixed part. */
  block: number;
  macs: number;
  cout: number;
  cinPerGroup: number;
  elements: number;
  inValues: number;
  outValues: number;
  weights: number;
}

/** Where a node's value comes from when it comes from nothing (a zero op). */
const ZERO = -2;

function isFusableAct(op: number): boolean {
  // Activations a TFLite CPU kernel fuses (fused_activation_function); sigmoid is a separate op.
  return op === OP.relu || op === OP.relu6 || op === OP.hswish;
}
function isActivation(op: number): boolean {
  return isFusableAct(op) || op === OP.sigmoid;
}

/** Reusable per-size work arrays, and the output of `flatKernels`. */
export class FlatScratch {
  /** Where each node's value really comes from: itself, an aliased source, or ZERO. */
  src = new Int32Array(0);
  /** Distinct real consumers of each node (the network output counts as one), and the first of them. */
  count = new Int32Array(0);
  first = new Int32Array(0);
  last = new Int32Array(0);
  /** Kernel that each node belongs to, -1 for none. */
  owner = new Int32Array(0);
  members = new Int32Array(0);
  mark = new Int32Array(0);
  live = new Uint8Array(0);
  dep = new Uint8Array(0);
  /** Kernel fields written by `flatKernels` (KERNEL_FIELDS per kernel), and each kernel's root node. */
  fields = new Float64Array(0);
  roots = new Int32Array(0);

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
 * One forward pass: alias resolution (identity/flatten alias their input; zero is nothing; x + 0 is x,
 * 0 + 0 is 0; x * 0 is 0; a one-input concat of a real value is that value), whether each node depends on
 * the network input (for `liveNodes`), and the reset of the per-node work arrays.
 */
function forwardPass(g: FlatGraph, s: FlatScratch): void {
  const { op, inStart, inputs, n } = g;
  const { src, dep, live, count, last, owner, mark } = s;
  for (let i = 0; i < n; i++) {
    const o = op[i]!;
    const a = inStart[i]!;
    const b = inStart[i + 1]!;
    // Any other op whose input is a zero edge still runs: the HELP measurements (HW-NAS-Bench, TFLite)
    // show such convs are neither folded nor dropped as dead code.
    let x = i;
    if (o === OP.identity || o === OP.flatten) {
      x = src[inputs[a]!]!;
    } else if (o === OP.zero) {
      x = ZERO;
    } else if (o === OP.add || o === OP.mul || o === OP.concat) {
      let real = 0;
      let one = -1;
      for (let e = a; e < b; e++) {
        const y = src[inputs[e]!]!;
        if (y !== ZERO) {
          if (real === 0) one = y;
          real++;
        }
      }
      if (o === OP.add) x = real === 0 ? ZERO : real === 1 ? one : i;
      else if (o === OP.mul) x = real < b - a ? ZERO : i;
      else x = real === 1 && b - a === 1 ? one : i;
    }
    src[i] = x;
    let d = 0;
    if (o === OP.input) d = 1;
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
 * Nodes that run when the converter prunes the graph: real nodes whose value reaches the network output
 * (walking back from the output through real, non-zero inputs). When the output does not depend on the
 * network input at all (every path passes through a zero op), the whole network is a constant: nothing
 * runs. After `forwardPass`.
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

/** Kind code of a conv with `groups` groups over `cin` input channels and a k x k window. */
export function convKind(groups: number, cin: number, k: number): number {
  if (groups > 1 && groups === cin) return KIND_DEPTHWISE;
  return k === 1 ? KIND_POINTWISE : KIND_CONV;
}
/** Multiply-accumulates of a conv with `numel` output elements. */
export function convMacs(numel: number, cin: number, groups: number, k: number): number {
  return numel * (cin / groups) * k * k;
}
/** Weights and biases of a conv with `cout` output channels. */
export function convWeights(cout: number, cin: number, groups: number, k: number): number {
  return cout * (cin / groups) * k * k + cout;
}

function rootKind(g: FlatGraph, i: number): number {
  const o = g.op[i]!;
  if (o === OP.conv2d) return convKind(g.groups[i]!, g.c[g.inputs[g.inStart[i]!]!]!, g.kernel[i]!);
  if (o === OP.linear) return KIND_LINEAR;
  if (o === OP.avgpool || o === OP.maxpool || o === OP.globalavgpool) return KIND_POOL;
  return KIND_ELEMENTWISE;
}

/** Chain state bits: BN, activation, add already in the kernel. */
const ST_BN = 1;
const ST_ACT = 2;
const ST_ADD = 4;

/** Whether op `next` joins a kernel of `kind` rooted at op `rootOp` in state `st`: the new state, or -1. */
function fuses(kind: number, rootOp: number, next: number, rules: FusionRules, st: number): number {
  const compute = kind !== KIND_ELEMENTWISE && kind !== KIND_POOL;
  if (compute && rules.convBnAct && next === OP.batchnorm && (st & (ST_BN | ST_ACT | ST_ADD)) === 0) return st | ST_BN;
  if (compute && rules.convBnAct && isFusableAct(next) && (st & ST_ACT) === 0) return st | ST_ACT;
  if (compute && rules.convAdd && next === OP.add && (st & (ST_ADD | ST_ACT)) === 0) return st | ST_ADD;
  if (
    kind === KIND_ELEMENTWISE &&
    rules.elementwiseAct &&
    isFusableAct(next) &&
    (st & ST_ACT) === 0 &&
    (rootOp === OP.add || rootOp === OP.mul || rootOp === OP.batchnorm)
  )
    return st | ST_ACT;
  return rules.linkElementwise && (isActivation(next) || next === OP.add || next === OP.mul || next === OP.batchnorm)
    ? st
    : -1;
}

function nodeWeights(g: FlatGraph, i: number): number {
  const o = g.op[i]!;
  if (o === OP.conv2d) return convWeights(g.c[i]!, g.c[g.inputs[g.inStart[i]!]!]!, g.groups[i]!, g.kernel[i]!);
  if (o === OP.linear) return g.c[g.inputs[g.inStart[i]!]!]! * g.c[i]! + g.c[i]!;
  if (o === OP.batchnorm) return 2 * g.c[i]!;
  return 0;
}

function macsOf(g: FlatGraph, i: number): number {
  const o = g.op[i]!;
  if (o === OP.conv2d) return convMacs(g.numel[i]!, g.c[g.inputs[g.inStart[i]!]!]!, g.groups[i]!, g.kernel[i]!);
  if (o === OP.linear) return g.c[g.inputs[g.inStart[i]!]!]! * g.c[i]!;
  return 0;
}

/**
 * The kernels of `g` under `rules`, in execution order (by root node), written to `s.fields`
 * (KERNEL_FIELDS each), their roots to `s.roots` and each node's kernel to `s.owner`. Returns the number
 * of kernels.
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
    if (src[i] !== i || op[i] === OP.input || (dead && !live[i])) continue;
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
    // The network output is a consumer too: an output never fuses into a following op.
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
    if (rootOp === OP.input || src[root] !== root || owner[root] !== -1) continue;
    if (dead && !live[root]) continue;
    const kind = rootKind(g, root);
    // The chain: while the last member has exactly one consumer and it fuses, it joins.
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
    // Inputs read: every real tensor consumed by a member that is not itself a member, counted once.
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
      if (o === OP.batchnorm && j !== 0) continue; // folded into the conv's weights
      if (o === OP.conv2d || o === OP.linear || o === OP.batchnorm) weights += nodeWeights(g, id);
      // Stand-alone BN runs as mul + add; an add of r real inputs is r - 1 passes.
      if (j === 0 && kind === KIND_ELEMENTWISE)
        elements += numel[id]! * (o === OP.batchnorm ? 2 : o === OP.add ? Math.max(1, real - 1) : 1);
    }
    const in0 = inStart[root]! < inStart[root + 1]! ? inputs[inStart[root]!]! : -1;
    if (kind === KIND_POOL) {
      const kk = g.kernel[root]!;
      elements = rootOp === OP.globalavgpool ? numel[in0]! : numel[root]! * (kk || 1) * (kk || 1);
    }
    s.roots[kernels] = root;
    const o = kernels * KERNEL_FIELDS;
    f[o] = kind;
    f[o + 1] = rootOp === OP.conv2d || rootOp === OP.linear ? macsOf(g, root) : 0;
    f[o + 2] = c[root]!;
    f[o + 3] = (in0 >= 0 ? c[in0]! : c[root]!) / (rootOp === OP.conv2d ? g.groups[root]! : 1);
    f[o + 4] = elements;
    f[o + 5] = inValues;
    f[o + 6] = numel[cur]!;
    f[o + 7] = weights;
    kernels++;
  }
  return kernels;
}

/**
 * Write the fields of a conv kernel re-costed for a k x k window (kind, MACs, weights; the others do not
 * depend on the window) into out[o .. o + KERNEL_FIELDS), as `flatKernels` would detect them.
 */
export function convFieldsForWindow(
  out: Float64Array,
  o: number,
  numel: number,
  cout: number,
  cin: number,
  groups: number,
  k: number,
): void {
  out[o] = convKind(groups, cin, k);
  out[o + 1] = convMacs(numel, cin, groups, k);
  out[o + 7] = convWeights(cout, cin, groups, k);
}

const shared = new FlatScratch();

/** Kernels of IR graph `g` under `rules`, in execution order. */
export function detectKernels(g: Graph, rules: FusionRules): Kernel[] {
  const count = flatKernels(flattenGraph(g), rules, shared);
  const { fields: f, roots, owner } = shared;
  const out: Kernel[] = [];
  for (let q = 0; q < count; q++) {
    const o = q * KERNEL_FIELDS;
    out.push({
      kind: KERNEL_KINDS[f[o]!]!,
      nodes: [],
      block: g.nodes[roots[q]!]!.block,
      macs: f[o + 1]!,
      cout: f[o + 2]!,
      cinPerGroup: f[o + 3]!,
      elements: f[o + 4]!,
      inValues: f[o + 5]!,
      outValues: f[o + 6]!,
      weights: f[o + 7]!,
    });
  }
  // A kernel is a chain along consumers, which come later in node order: ascending ids are chain order.
  for (let i = 0; i < g.nodes.length; i++) if (owner[i]! >= 0) out[owner[i]!]!.nodes.push(i);
  return out;
}
