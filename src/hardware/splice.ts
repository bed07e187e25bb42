/**
 * Networks of a closed space assembled from pieces instead of built one by one. A network is a sequence
 * of runs: maximal stretches of nodes with the same block tag (fixed part, or the nodes of decision d).
 * Where every decision only swaps the contents of its own runs (NAS-Bench-201: an edge's op in all 15
 * cells; the cells' node sums and the stem / reductions / head stay as they are), network(i) is the
 * reference network with each block run taken from blockNetwork(d, code_d). The template holds those run
 * contents once (1 + sum of (choices - 1) networks built); assembling a network is then a copy of typed
 * arrays, with no graph building. Whether a space splices is checked structurally on every piece; callers
 * also compare assembled networks with `space.network(i)` on samples (`sameFlat`).
 */
import type { Graph } from '../ir/graph.js';
import { blockNetwork, radices, type SearchSpace } from '../space/types.js';
import { allocFlat, type FlatGraph, flattenGraph } from './flat-graph.js';

/** Node contents of one run; inputs as (run, offset) pairs: run -1 = this run, offset -1 = the run's last node. */
export interface RunContent {
  len: number;
  op: Uint8Array;
  c: Float64Array;
  numel: Float64Array;
  kernel: Int32Array;
  groups: Int32Array;
  inCount: Int32Array;
  inRun: Int32Array;
  inOff: Int32Array;
}

export interface SpliceTemplate {
  radix: number[];
  /** Block (decision) of each run, -1 = fixed. */
  runBlock: Int32Array;
  /** contents[r][c]: run r with choice c of its decision (fixed runs: one content). */
  contents: RunContent[][];
  outRun: number;
  outOff: number;
  maxNodes: number;
  maxEdges: number;
  /** The contents pooled into flat arrays for `spliceNetwork` (no object access per run). */
  pool: ContentPool;
}

/**
 * All run contents in flat arrays: content id = contentOf[r * stride + choice]; its nodes are pool nodes
 * nodeStart[id] .. + len[id], their inputs pool edges edgeStart[id] .. in node order.
 */
interface ContentPool {
  stride: number;
  contentOf: Int32Array;
  nodeStart: Int32Array;
  len: Int32Array;
  edgeStart: Int32Array;
  op: Uint8Array;
  c: Float64Array;
  numel: Float64Array;
  kernel: Int32Array;
  groups: Int32Array;
  inCount: Int32Array;
  inRun: Int32Array;
  inOff: Int32Array;
}

function poolContents(contents: RunContent[][]): ContentPool {
  const stride = Math.max(...contents.map((cs) => cs.length));
  const list = contents.flat();
  const nodes = list.reduce((a, rc) => a + rc.len, 0);
  const edges = list.reduce((a, rc) => a + rc.inRun.length, 0);
  const p: ContentPool = {
    stride,
    contentOf: new Int32Array(contents.length * stride).fill(-1),
    nodeStart: new Int32Array(list.length),
    len: new Int32Array(list.length),
    edgeStart: new Int32Array(list.length),
    op: new Uint8Array(nodes),
    c: new Float64Array(nodes),
    numel: new Float64Array(nodes),
    kernel: new Int32Array(nodes),
    groups: new Int32Array(nodes),
    inCount: new Int32Array(nodes),
    inRun: new Int32Array(edges),
    inOff: new Int32Array(edges),
  };
  let id = 0;
  let node = 0;
  let edge = 0;
  contents.forEach((cs, r) => {
    cs.forEach((rc, choice) => {
      p.contentOf[r * stride + choice] = id;
      p.nodeStart[id] = node;
      p.len[id] = rc.len;
      p.edgeStart[id] = edge;
      p.op.set(rc.op, node);
      p.c.set(rc.c, node);
      p.numel.set(rc.numel, node);
      p.kernel.set(rc.kernel, node);
      p.groups.set(rc.groups, node);
      p.inCount.set(rc.inCount, node);
      p.inRun.set(rc.inRun, edge);
      p.inOff.set(rc.inOff, edge);
      node += rc.len;
      edge += rc.inRun.length;
      id++;
    });
  });
  return p;
}

interface Runs {
  block: number[];
  start: number[];
  end: number[];
  runOf: Int32Array;
}

function runsOf(g: Graph): Runs {
  const block: number[] = [];
  const start: number[] = [];
  const end: number[] = [];
  const runOf = new Int32Array(g.nodes.length);
  for (const node of g.nodes) {
    if (block.length === 0 || block[block.length - 1] !== node.block) {
      block.push(node.block);
      start.push(node.id);
      end.push(node.id);
    }
    end[end.length - 1] = node.id + 1;
    runOf[node.id] = block.length - 1;
  }
  return { block, start, end, runOf };
}

/** Encodes a node reference of graph `g` made from run `from`; undefined when it is not spliceable. */
function encodeRef(runs: Runs, from: number, target: number): [number, number] | undefined {
  const r = runs.runOf[target]!;
  if (r === from) return [-1, target - runs.start[r]!];
  if (runs.block[r] === -1) return [r, target - runs.start[r]!];
  // Another block's run may change length with its choice: only its last node (its result) is addressable.
  return target === runs.end[r]! - 1 ? [r, -1] : undefined;
}

function content(g: Graph, f: FlatGraph, runs: Runs, r: number): RunContent | undefined {
  const a = runs.start[r]!;
  const len = runs.end[r]! - a;
  const edges = f.inStart[a + len]! - f.inStart[a]!;
  const out: RunContent = {
    len,
    op: f.op.slice(a, a + len),
    c: f.c.slice(a, a + len),
    numel: f.numel.slice(a, a + len),
    kernel: f.kernel.slice(a, a + len),
    groups: f.groups.slice(a, a + len),
    inCount: new Int32Array(len),
    inRun: new Int32Array(edges),
    inOff: new Int32Array(edges),
  };
  let e = 0;
  for (let j = 0; j < len; j++) {
    const node = g.nodes[a + j]!;
    out.inCount[j] = node.inputs.length;
    for (const x of node.inputs) {
      const ref = encodeRef(runs, r, x);
      if (!ref) return undefined;
      out.inRun[e] = ref[0];
      out.inOff[e++] = ref[1];
    }
  }
  return out;
}

function sameContent(a: RunContent, b: RunContent): boolean {
  const eq = (x: ArrayLike<number>, y: ArrayLike<number>) => {
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    return true;
  };
  return (
    a.len === b.len &&
    eq(a.op, b.op) &&
    eq(a.c, b.c) &&
    eq(a.numel, b.numel) &&
    eq(a.kernel, b.kernel) &&
    eq(a.groups, b.groups) &&
    eq(a.inCount, b.inCount) &&
    eq(a.inRun, b.inRun) &&
    eq(a.inOff, b.inOff)
  );
}

/**
 * The splice template of `space`, or undefined when its networks are not assembled this way (a choice
 * changes a fixed part or another decision's nodes, a run's result shape, or the run layout).
 */
export function spliceTemplate(
  space: SearchSpace,
  /** blockNetwork(space, d, c) for every decision and choice, where the caller has them already. */
  blocks?: readonly (readonly Graph[])[],
): SpliceTemplate | undefined {
  const radix = radices(space);
  const ref = blocks?.[0]?.[0] ?? space.network(0);
  const refRuns = runsOf(ref);
  const refFlat = flattenGraph(ref);
  const nRuns = refRuns.block.length;
  const contents: RunContent[][] = [];
  for (let r = 0; r < nRuns; r++) {
    const c = content(ref, refFlat, refRuns, r);
    if (!c) return undefined;
    contents.push([c]);
  }
  const outRef = encodeRef(refRuns, -2, ref.output);
  if (!outRef) return undefined;
  const refEdges = refFlat.inStart[ref.nodes.length]!;
  let maxNodes = ref.nodes.length;
  let maxEdges = refEdges;
  for (let d = 0; d < radix.length; d++) {
    let growNodes = 0;
    let growEdges = 0;
    for (let choice = 1; choice < radix[d]!; choice++) {
      const g = blocks?.[d]?.[choice] ?? blockNetwork(space, d, choice);
      const runs = runsOf(g);
      if (runs.block.length !== nRuns || runs.block.some((b, r) => b !== refRuns.block[r])) return undefined;
      const f = flattenGraph(g);
      const o = encodeRef(runs, -2, g.output);
      if (!o || o[0] !== outRef[0] || o[1] !== outRef[1]) return undefined;
      for (let r = 0; r < nRuns; r++) {
        const c = content(g, f, runs, r);
        if (!c) return undefined;
        const base = contents[r]![0]!;
        if (runs.block[r] !== d) {
          if (!sameContent(c, base)) return undefined;
          continue;
        }
        // The run's result must keep its shape, so that what reads it is unchanged.
        if (c.c[c.len - 1] !== base.c[base.len - 1] || c.numel[c.len - 1] !== base.numel[base.len - 1])
          return undefined;
        contents[r]![choice] = c;
      }
      growNodes = Math.max(growNodes, g.nodes.length - ref.nodes.length);
      growEdges = Math.max(growEdges, f.inStart[g.nodes.length]! - refEdges);
    }
    maxNodes += growNodes;
    maxEdges += growEdges;
  }
  return {
    radix,
    runBlock: Int32Array.from(refRuns.block),
    contents,
    outRun: outRef[0],
    outOff: outRef[1],
    maxNodes,
    maxEdges,
    pool: poolContents(contents),
  };
}

/** A flat graph large enough for any network of the template. */
export function allocSpliced(t: SpliceTemplate): FlatGraph {
  return allocFlat(t.maxNodes, t.maxEdges);
}

/** Network with per-decision `codes` assembled into `out` (reused; no allocation). */
export function spliceNetwork(
  t: SpliceTemplate,
  codes: ArrayLike<number>,
  out: FlatGraph,
  starts: Int32Array,
): FlatGraph {
  const { stride, contentOf, nodeStart, len, edgeStart, op, c, numel, kernel, groups, inCount, inRun, inOff } = t.pool;
  const runBlock = t.runBlock;
  const nRuns = runBlock.length;
  // starts[r] = first node of run r; starts[nRuns] = node count (starts has nRuns + 1 entries).
  let pos = 0;
  for (let r = 0; r < nRuns; r++) {
    const b = runBlock[r]!;
    starts[r] = pos;
    pos += len[contentOf[r * stride + (b < 0 ? 0 : codes[b]!)]!]!;
  }
  starts[nRuns] = pos;
  const oOp = out.op;
  const oC = out.c;
  const oNumel = out.numel;
  const oKernel = out.kernel;
  const oGroups = out.groups;
  const oInStart = out.inStart;
  const oInputs = out.inputs;
  let e = 0;
  for (let r = 0; r < nRuns; r++) {
    const b = runBlock[r]!;
    const id = contentOf[r * stride + (b < 0 ? 0 : codes[b]!)]!;
    const a = starts[r]!;
    const from = nodeStart[id]!;
    const to = from + len[id]!;
    let k = edgeStart[id]!;
    for (let j = from, i = a; j < to; j++, i++) {
      oOp[i] = op[j]!;
      oC[i] = c[j]!;
      oNumel[i] = numel[j]!;
      oKernel[i] = kernel[j]!;
      oGroups[i] = groups[j]!;
      oInStart[i] = e;
      for (let q = inCount[j]!; q > 0; q--, k++) {
        const rr = inRun[k]!;
        const off = inOff[k]!;
        oInputs[e++] = rr === -1 ? a + off : off === -1 ? starts[rr + 1]! - 1 : starts[rr]! + off;
      }
    }
  }
  oInStart[pos] = e;
  out.n = pos;
  const or = t.outRun;
  out.output = t.outOff === -1 ? starts[or + 1]! - 1 : starts[or]! + t.outOff;
  return out;
}

/** The `starts` array `spliceNetwork` needs (one entry per run, plus the end). */
export function allocStarts(t: SpliceTemplate): Int32Array {
  return new Int32Array(t.runBlock.length + 1);
}

/** Whether two flat graphs are the same network (ops, shapes, attributes, wiring, output). */
export function sameFlat(a: FlatGraph, b: FlatGraph): boolean {
  if (a.n !== b.n || a.output !== b.output || a.inStart[a.n] !== b.inStart[b.n]) return false;
  for (let i = 0; i < a.n; i++) {
    if (
      a.op[i] !== b.op[i] ||
      a.c[i] !== b.c[i] ||
      a.numel[i] !== b.numel[i] ||
      a.kernel[i] !== b.kernel[i] ||
      a.groups[i] !== b.groups[i] ||
      a.inStart[i] !== b.inStart[i]
    )
      return false;
  }
  for (let e = 0; e < a.inStart[a.n]!; e++) if (a.inputs[e] !== b.inputs[e]) return false;
  return true;
}
