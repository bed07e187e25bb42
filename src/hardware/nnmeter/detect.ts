/**
 * nn-Meter's kernel detection (KernelDetector, shared/reference/nn-meter.md 2.3) on lowered nodes:
 * 1. `refresh`: outbounds rebuilt from inbounds, isolated nodes dropped;
 * 2. every fusion unit (the rules' chains in file order, then se, hswish, channelshuffle, gap): all
 *    node-induced matches of each pattern (node types equal, `dummy` matches anything and is not fused)
 *    are found on the graph as it is, then each match whose nodes all still exist collapses into one node
 *    of the unit's type, with its root's attributes, appended at the end (as nn-Meter's graph dict does);
 * 3. greedy pairwise fusion over the nodes in topological order (networkx's order: generations of Kahn's
 *    algorithm, the graph's nodes in first-seen order, successors in the order their edges were added):
 *    a node with consumers (one, unless MON allows more) absorbs each unfused consumer whose (type of the
 *    root, type of the consumer) pair is fusible, takes over its outbounds and is examined again;
 * 4. each class is a kernel: op = its nodes' types joined by `-` in topological order, attributes of its
 *    first node.
 */
import type { MeterNode } from './lower.js';
import type { FusionPattern, FusionRules } from './rules.js';

export interface MeterKernel {
  /** e.g. `conv-relu`, `add`, `gap`, `Sigmoid`. */
  op: string;
  /** The node whose attributes the kernel takes (its first node; a fused unit's root). */
  attrs: MeterNode;
  /** Lowered nodes (indices) the kernel covers. */
  members: number[];
}

/** The working graph: nn-Meter's node dict (insertion order = `order`). */
class DictGraph {
  type: string[] = [];
  inb: number[][] = [];
  outb: number[][] = [];
  attrs: MeterNode[] = [];
  members: number[][] = [];
  alive: boolean[] = [];
  order: number[] = [];

  add(type: string, inb: number[], attrs: MeterNode, members: number[]): number {
    const id = this.type.length;
    this.type.push(type);
    this.inb.push(inb);
    this.outb.push([]);
    this.attrs.push(attrs);
    this.members.push(members);
    this.alive.push(true);
    this.order.push(id);
    return id;
  }

  /** ModelGraph.refresh: outbounds from inbounds; drop isolated nodes until none is left. */
  refresh(): void {
    for (;;) {
      for (const v of this.order) this.outb[v] = [];
      for (const v of this.order) {
        this.inb[v] = this.inb[v]!.filter((u) => this.alive[u]);
        for (const u of this.inb[v]!) this.outb[u]!.push(v);
      }
      const spare = this.order.filter((v) => this.inb[v]!.length === 0 && this.outb[v]!.length === 0);
      if (spare.length === 0) return;
      for (const v of spare) this.alive[v] = false;
      this.order = this.order.filter((v) => this.alive[v]);
    }
  }

  edges(u: number, v: number): number {
    let c = 0;
    for (const x of this.inb[v]!) if (x === u) c++;
    return c;
  }
}

/** A pattern prepared for matching: visit order (each node adjacent to an earlier one) and edge counts. */
interface Plan {
  n: number;
  visit: number[];
  /** For visit[k] (k > 0): the earlier pattern node it is reached from, and whether by an out-edge of it. */
  from: number[];
  forward: boolean[];
  /** edges[a * n + b]: pattern edges a -> b. */
  edges: Int8Array;
  dummy: boolean[];
}

const plans = new WeakMap<FusionPattern, Plan | null>();

function planOf(p: FusionPattern): Plan | null {
  const known = plans.get(p);
  if (known !== undefined) return known;
  const n = p.types.length;
  const edges = new Int8Array(n * n);
  for (const [a, b] of p.edges) edges[a * n + b]!++;
  const start = p.types.findIndex((t) => t !== 'dummy');
  const visit = [start];
  const from = [-1];
  const forward = [true];
  while (visit.length < n) {
    const e = p.edges.find(([a, b]) => visit.includes(a) !== visit.includes(b));
    if (!e) break;
    const [a, b] = e;
    const out = visit.includes(a);
    visit.push(out ? b : a);
    from.push(out ? a : b);
    forward.push(out);
  }
  // A disconnected pattern matches nothing here (nn-Meter's units are all connected).
  const plan = visit.length === n ? { n, visit, from, forward, edges, dummy: p.types.map((t) => t === 'dummy') } : null;
  plans.set(p, plan);
  return plan;
}

/** All node-induced matches of `p` (pattern node -> graph node), candidates tried in dict order. */
function findMatches(g: DictGraph, p: FusionPattern, byType: Map<string, number[]>): number[][] {
  const plan = planOf(p);
  if (!plan) return [];
  const { n, visit, from, forward, edges, dummy } = plan;
  const starts = byType.get(p.types[visit[0]!]!);
  if (!starts) return [];
  const map = new Array<number>(n).fill(-1);
  const out: number[][] = [];
  const fits = (k: number, v: number): boolean => {
    const pn = visit[k]!;
    if (!dummy[pn] && g.type[v] !== p.types[pn]) return false;
    for (let j = 0; j < k; j++) if (map[visit[j]!] === v) return false;
    if (edges[pn * n + pn] !== g.edges(v, v)) return false;
    for (let j = 0; j < k; j++) {
      const q = visit[j]!;
      const w = map[q]!;
      if (edges[pn * n + q] !== g.edges(v, w) || edges[q * n + pn] !== g.edges(w, v)) return false;
    }
    return true;
  };
  const step = (k: number) => {
    if (k === n) {
      out.push([...map]);
      return;
    }
    const pn = visit[k]!;
    const cands = k === 0 ? starts : forward[k] ? g.outb[map[from[k]!]!]! : g.inb[map[from[k]!]!]!;
    for (let c = 0; c < cands.length; c++) {
      const v = cands[c]!;
      // A repeated edge lists its node twice: try it once.
      if (cands.indexOf(v) !== c || !g.alive[v] || !fits(k, v)) continue;
      map[pn] = v;
      step(k + 1);
      map[pn] = -1;
    }
  };
  step(0);
  return out;
}

/** ModelGraph.fuse: the matched (non-dummy) nodes become one node of `type` with the root's attributes. */
function fuse(g: DictGraph, nodes: number[], type: string, byType: Map<string, number[]>): void {
  if (nodes.some((v) => !g.alive[v])) return;
  const inSet = new Set(nodes);
  // The root: walk up from the first node while an inbound is in the match.
  let root = nodes[0]!;
  for (let moved = true; moved; ) {
    moved = false;
    for (const u of g.inb[root]!) {
      if (inSet.has(u)) {
        root = u;
        moved = true;
        break;
      }
    }
  }
  const id = g.add(
    type,
    [],
    g.attrs[root]!,
    nodes.flatMap((v) => g.members[v]!),
  );
  byType.set(type, [...(byType.get(type) ?? []), id]);
  for (const v of nodes) {
    for (const u of g.inb[v]!) {
      if (inSet.has(u)) continue;
      if (!g.inb[id]!.includes(u)) g.inb[id]!.push(u);
      const k = g.outb[u]!.indexOf(v);
      if (k >= 0) g.outb[u]!.splice(k, 1);
      if (!g.outb[u]!.includes(id)) g.outb[u]!.push(id);
    }
    for (const w of g.outb[v]!) {
      if (inSet.has(w)) continue;
      if (!g.outb[id]!.includes(w)) g.outb[id]!.push(w);
      const k = g.inb[w]!.indexOf(v);
      if (k >= 0) g.inb[w]!.splice(k, 1);
      if (!g.inb[w]!.includes(id)) g.inb[w]!.push(id);
    }
  }
  for (const v of nodes) g.alive[v] = false;
  g.order = g.order.filter((v) => g.alive[v]);
}

/** networkx's topological_sort of the dict graph (generations of Kahn's algorithm). */
function topoOrder(g: DictGraph): number[] {
  // The networkx graph's node order: each dict key, then those of its inbounds not seen yet.
  const seen = new Set<number>();
  const nodes: number[] = [];
  const succ = new Map<number, number[]>();
  for (const v of g.order) {
    if (!seen.has(v)) {
      seen.add(v);
      nodes.push(v);
    }
    for (const u of g.inb[v]!) {
      if (!seen.has(u)) {
        seen.add(u);
        nodes.push(u);
      }
      const s = succ.get(u) ?? [];
      if (!s.includes(v)) s.push(v);
      succ.set(u, s);
    }
  }
  const indeg = new Map<number, number>();
  for (const v of nodes) indeg.set(v, g.inb[v]!.length);
  let gen = nodes.filter((v) => indeg.get(v) === 0);
  const out: number[] = [];
  while (gen.length > 0) {
    const next: number[] = [];
    for (const u of gen) {
      for (const v of succ.get(u) ?? []) {
        const d = indeg.get(v)! - g.edges(u, v);
        indeg.set(v, d);
        if (d === 0) next.push(v);
      }
    }
    out.push(...gen);
    gen = next;
  }
  return out;
}

export function detectMeterKernels(lowered: readonly MeterNode[], rules: FusionRules): MeterKernel[] {
  const g = new DictGraph();
  lowered.forEach((n, i) => {
    g.add(n.type, [...n.inbounds], n, [i]);
  });
  g.refresh();
  // Start candidates by type, in dict order (fuse appends the nodes it makes).
  const byType = new Map<string, number[]>();
  for (const v of g.order) {
    const l = byType.get(g.type[v]!);
    if (l) l.push(v);
    else byType.set(g.type[v]!, [v]);
  }
  for (const unit of rules.units) {
    for (const p of unit.patterns) {
      const real = p.types.map((t, k) => (t === 'dummy' ? -1 : k)).filter((k) => k >= 0);
      for (const m of findMatches(g, p, byType))
        fuse(
          g,
          real.map((k) => m[k]!),
          unit.name,
          byType,
        );
    }
  }
  const dag = topoOrder(g);
  const index = new Map<number, number>();
  dag.forEach((v, i) => {
    index.set(v, i);
  });
  const n = dag.length;
  const types = dag.map((v) => g.type[v]!);
  const outbounds = dag.map((v) => [...new Set(g.outb[v]!.map((w) => index.get(w)!))].sort((a, b) => a - b));
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (x: number): number => {
    let r = x;
    while (parent[r] !== r) r = parent[r]!;
    return r;
  };
  const fused = (x: number) => find(x) !== x;
  for (let i = 0; i < n; i++) {
    if (fused(i)) continue;
    const outs = outbounds[i]!;
    if (outs.length === 0) continue;
    if (rules.mon === 'single' && outs.length > 1) continue;
    let any = false;
    for (const j of [...outs]) {
      if (fused(j)) continue;
      if (!rules.pairs.has(`${types[i]} ${types[j]}`)) continue;
      parent[find(j)] = find(i);
      outbounds[i] =
        rules.mon === 'single'
          ? outbounds[j]!
          : [...new Set([...outbounds[i]!, ...outbounds[j]!])].sort((a, b) => a - b);
      any = true;
      if (rules.mon === 'first') break;
    }
    if (any) i--;
  }
  const classes = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const r = find(i);
    const c = classes.get(r);
    if (c) c.push(i);
    else classes.set(r, [i]);
  }
  const kernels: MeterKernel[] = [];
  for (const [, bb] of [...classes.entries()].sort((a, b) => a[0] - b[0])) {
    const first = dag[bb[0]!]!;
    kernels.push({
      op: bb.map((i) => types[i]!).join('-'),
      attrs: g.attrs[first]!,
      members: bb.flatMap((i) => g.members[dag[i]!]!),
    });
  }
  return kernels;
}
