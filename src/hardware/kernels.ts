/**
 * Kernel detection: split an IR graph into the kernels a runtime would launch, following that runtime's
 * fusion rules (conv + BN + activation as one kernel; TFLite's fused activation on adds; the GPU
 * delegate's linking of element-wise ops into the op before them). Identity, flatten and zero cost
 * nothing; an add left with one non-zero input is an alias; SE is its pieces (pool, 1x1 convs, gate, scale).
 */
import { type Graph, isConv, type Node, numel } from '../ir/graph.js';
import type { FusionRules } from './device.js';

export type KernelKind = 'conv' | 'pointwise' | 'depthwise' | 'linear' | 'pool' | 'elementwise';

export interface Kernel {
  kind: KernelKind;
  /** IR node ids in execution order; nodes[0] is the root that names the kernel. */
  nodes: number[];
  /** Block (search decision) of the root node, -1 for the fixed part. */
  block: number;
  /** Multiply-accumulates of the root (conv, linear). */
  macs: number;
  /** Root's output channels and input channels per group (for SIMD / tile padding). */
  cout: number;
  cinPerGroup: number;
  /** Elements touched by pooling (output x window) or by stand-alone element-wise work (x passes). */
  elements: number;
  /** Values read from tensors made outside the kernel, values written, weights. */
  inValues: number;
  outValues: number;
  weights: number;
}

const ACTIVATIONS = new Set(['relu', 'relu6', 'hswish', 'sigmoid']);
/** Activations a TFLite CPU kernel fuses (fused_activation_function); sigmoid is a separate op. */
const FUSABLE_ACT = new Set(['relu', 'relu6', 'hswish']);

/** Where each node's value really comes from: itself, an aliased source, or nothing (a zero op). */
const ZERO = -2;

function resolveAliases(g: Graph): Int32Array {
  const src = new Int32Array(g.nodes.length);
  for (const n of g.nodes) {
    const real = n.inputs.map((i) => src[i]!).filter((i) => i !== ZERO);
    switch (n.op) {
      case 'identity':
      case 'flatten':
        src[n.id] = src[n.inputs[0]!]!;
        break;
      case 'zero':
        src[n.id] = ZERO;
        break;
      case 'add':
        // x + 0 is x; 0 + 0 is 0.
        src[n.id] = real.length === 0 ? ZERO : real.length === 1 ? real[0]! : n.id;
        break;
      case 'mul':
        src[n.id] = real.length < n.inputs.length ? ZERO : n.id;
        break;
      case 'concat':
        src[n.id] = real.length === 1 && n.inputs.length === 1 ? real[0]! : n.id;
        break;
      default:
        // An op whose input is a zero edge still runs: the HELP measurements (HW-NAS-Bench, TFLite) show
        // such convs are neither folded nor dropped as dead code.
        src[n.id] = n.id;
    }
  }
  return src;
}

/**
 * Nodes that run when the converter prunes the graph: real nodes whose value reaches the network output
 * (walking back from the output through real, non-zero inputs). When the output does not depend on the
 * network input at all (every path passes through a zero op), the whole network is a constant: nothing runs.
 */
function liveNodes(g: Graph, src: Int32Array): Uint8Array {
  const n = g.nodes.length;
  const live = new Uint8Array(n);
  const dependsOnInput = new Uint8Array(n);
  for (const node of g.nodes) {
    if (node.op === 'input') dependsOnInput[node.id] = 1;
    else if (src[node.id] === node.id)
      for (const i of node.inputs) if (src[i]! >= 0 && dependsOnInput[src[i]!]) dependsOnInput[node.id] = 1;
  }
  const out = src[g.output]!;
  if (out < 0 || !dependsOnInput[out]) return live;
  live[out] = 1;
  for (let id = n - 1; id >= 0; id--) {
    if (!live[id]) continue;
    for (const i of g.nodes[id]!.inputs) if (src[i]! >= 0) live[src[i]!] = 1;
  }
  return live;
}

function passes(n: Node, realInputs: number): number {
  if (n.op === 'batchnorm') return 2; // stand-alone BN runs as mul + add
  if (n.op === 'add') return Math.max(1, realInputs - 1);
  return 1;
}

function rootKind(n: Node, g: Graph): KernelKind {
  if (isConv(n)) {
    const cin = g.nodes[n.inputs[0]!]!.shape.c;
    if (n.attrs.groups > 1 && n.attrs.groups === cin) return 'depthwise';
    return n.attrs.kernel === 1 ? 'pointwise' : 'conv';
  }
  if (n.op === 'linear') return 'linear';
  if (n.op === 'avgpool' || n.op === 'maxpool' || n.op === 'globalavgpool') return 'pool';
  return 'elementwise';
}

/** Kernels of `g` under `rules`, in execution order. */
export function detectKernels(g: Graph, rules: FusionRules): Kernel[] {
  const src = resolveAliases(g);
  const n = g.nodes.length;
  const live = rules.deadCode ? liveNodes(g, src) : undefined;
  // Consumers of each real node, through aliases.
  const consumers: number[][] = Array.from({ length: n }, () => []);
  for (const node of g.nodes) {
    if (src[node.id] !== node.id || node.op === 'input' || (live && !live[node.id])) continue;
    for (const i of node.inputs) {
      const s = src[i]!;
      if (s >= 0 && !consumers[s]!.includes(node.id)) consumers[s]!.push(node.id);
    }
  }
  if (src[g.output]! >= 0) consumers[src[g.output]!]!.push(-1); // the network output is a consumer
  const owner = new Int32Array(n).fill(-1);
  const kernels: Kernel[] = [];

  for (const root of g.nodes) {
    if (root.op === 'input' || src[root.id] !== root.id || owner[root.id] !== -1) continue;
    if (live && !live[root.id]) continue;
    const kind = rootKind(root, g);
    const members = [root.id];
    owner[root.id] = kernels.length;
    const state = { bn: false, act: false, add: false };
    let cur = root;
    for (;;) {
      const cs = consumers[cur.id]!;
      if (cs.length !== 1 || cs[0]! < 0) break;
      const next = g.nodes[cs[0]!]!;
      if (owner[next.id] !== -1) break;
      const ok = fuses(kind, root.op, next.op, rules, state);
      if (!ok) break;
      members.push(next.id);
      owner[next.id] = kernels.length;
      cur = next;
    }
    // Inputs read: every real tensor consumed by a member that is not itself a member.
    const inSet = new Set<number>();
    let elements = 0;
    let weights = 0;
    for (const id of members) {
      const m = g.nodes[id]!;
      let real = 0;
      for (const i of m.inputs) {
        const s = src[i]!;
        if (s === ZERO) continue;
        real++;
        if (owner[s] !== kernels.length) inSet.add(s);
      }
      if (m.op === 'batchnorm' && members[0] !== id) continue; // folded into the conv's weights
      weights += nodeWeights(m, g);
      if (id === root.id && kind === 'elementwise') elements += numel(m.shape) * passes(m, real);
    }
    if (kind === 'pool') {
      const k = (root.attrs as { kernel?: number }).kernel;
      elements =
        root.op === 'globalavgpool' ? numel(g.nodes[root.inputs[0]!]!.shape) : numel(root.shape) * (k ?? 1) * (k ?? 1);
    }
    let inValues = 0;
    for (const s of inSet) inValues += numel(g.nodes[s]!.shape);
    const cinNode = g.nodes[root.inputs[0]!];
    const groups = isConv(root) ? root.attrs.groups : 1;
    kernels.push({
      kind,
      nodes: members,
      block: root.block,
      macs: macsOf(root, g),
      cout: root.shape.c,
      cinPerGroup: (cinNode ? cinNode.shape.c : root.shape.c) / groups,
      elements,
      inValues,
      outValues: numel(cur.shape),
      weights,
    });
  }
  return kernels;
}

/** Whether `next` joins a kernel of `kind` rooted at `rootOp`; updates what the kernel already holds. */
function fuses(
  kind: KernelKind,
  rootOp: string,
  next: string,
  rules: FusionRules,
  st: { bn: boolean; act: boolean; add: boolean },
): boolean {
  const compute = kind !== 'elementwise' && kind !== 'pool';
  if (compute && rules.convBnAct && next === 'batchnorm' && !st.bn && !st.act && !st.add) {
    st.bn = true;
    return true;
  }
  if (compute && rules.convBnAct && FUSABLE_ACT.has(next) && !st.act) {
    st.act = true;
    return true;
  }
  if (compute && rules.convAdd && next === 'add' && !st.add && !st.act) {
    st.add = true;
    return true;
  }
  if (
    kind === 'elementwise' &&
    rules.elementwiseAct &&
    FUSABLE_ACT.has(next) &&
    !st.act &&
    (rootOp === 'add' || rootOp === 'mul' || rootOp === 'batchnorm')
  ) {
    st.act = true;
    return true;
  }
  return rules.linkElementwise && (ACTIVATIONS.has(next) || next === 'add' || next === 'mul' || next === 'batchnorm');
}

function nodeWeights(m: Node, g: Graph): number {
  if (isConv(m)) {
    const cin = g.nodes[m.inputs[0]!]!.shape.c;
    return m.attrs.outChannels * (cin / m.attrs.groups) * m.attrs.kernel * m.attrs.kernel + m.shape.c;
  }
  if (m.op === 'linear') return g.nodes[m.inputs[0]!]!.shape.c * m.shape.c + m.shape.c;
  if (m.op === 'batchnorm') return 2 * m.shape.c;
  return 0;
}

function macsOf(m: Node, g: Graph): number {
  if (isConv(m)) {
    const cin = g.nodes[m.inputs[0]!]!.shape.c;
    return numel(m.shape) * (cin / m.attrs.groups) * m.attrs.kernel * m.attrs.kernel;
  }
  if (m.op === 'linear') return g.nodes[m.inputs[0]!]!.shape.c * m.shape.c;
  return 0;
}
