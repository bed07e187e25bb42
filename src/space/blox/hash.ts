/**
 * BLOX's model graph, its minimisation and the NAS-Bench-101-style MD5 isomorphism hash that keys every
 * row of BLOX's data files (BLOX.md §1.4-1.5, `graph_utils.get_model_graph_np` / `graph_hash_np`).
 * The hash hashes Python reprs, so the strings below reproduce Python's float/tuple/list formatting.
 */
import crypto from 'node:crypto';
import type { StageDigits } from './encoding.js';

/** Number of BLOX ops; `reduction` gets op index 3 in the integer labels. */
const NUM_OPS = 3;
const INPUT_LABEL = -1;
const OUTPUT_LABEL = -2;

/** A small DAG: `adj[src * n + dst] = 1`, nodes in topological order, integer labels as in §1.5. */
export interface ModelGraph {
  n: number;
  adj: Uint8Array;
  labels: number[];
}

/** The unminimised graph of `stages.length` stages: input, per stage node0, node1, reduction, output. */
export function modelGraph(stages: readonly StageDigits[]): ModelGraph {
  const n = 2 + 3 * stages.length;
  const adj = new Uint8Array(n * n);
  const labels: number[] = [INPUT_LABEL];
  let outputs = [0];
  const allOutputs = new Map<number, number[]>([[0, [0]]]);
  let nidx = 1;
  stages.forEach((d, s) => {
    const stageOutputs = outputs.slice();
    for (let k = 0; k < 2; k++) {
      const [op, prev, inp, sc] = k === 0 ? [d[0], 1, 0, 0] : [d[1], d[2], d[3], d[4]];
      const inputs = [...(prev ? outputs : []), ...(inp ? stageOutputs : [])];
      for (const i of inputs) adj[i * n + nidx] = 1;
      outputs = [nidx, ...(sc ? allOutputs.get(nidx - 1)! : [])];
      allOutputs.set(nidx, outputs);
      labels.push(op + (NUM_OPS + 1) * s);
      nidx++;
    }
    for (const o of outputs) adj[o * n + nidx] = 1;
    labels.push(NUM_OPS + (NUM_OPS + 1) * s);
    outputs = [nidx];
    nidx++;
  });
  for (const o of outputs) adj[o * n + nidx] = 1;
  labels.push(OUTPUT_LABEL);
  return { n, adj, labels };
}

/**
 * Remove dangling nodes: those not reachable forward from the input or not reaching the output
 * (`keep_dims=False`). An empty result (n = 0) means the output is unreachable: an invalid architecture.
 */
export function minimise(g: ModelGraph): ModelGraph {
  const { n, adj } = g;
  const fwd = new Uint8Array(n);
  const bwd = new Uint8Array(n);
  fwd[0] = 1;
  for (let v = 0; v < n; v++) {
    if (!fwd[v]) continue;
    for (let w = 0; w < n; w++) if (adj[v * n + w]) fwd[w] = 1;
  }
  bwd[n - 1] = 1;
  for (let v = n - 1; v >= 0; v--) {
    if (!bwd[v]) continue;
    for (let u = 0; u < n; u++) if (adj[u * n + v]) bwd[u] = 1;
  }
  const keep: number[] = [];
  for (let v = 0; v < n; v++) if (fwd[v] && bwd[v]) keep.push(v);
  const m = keep.length;
  const out = new Uint8Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) out[i * m + j] = adj[keep[i]! * n + keep[j]!]!;
  return { n: m, adj: out, labels: keep.map((v) => g.labels[v]!) };
}

type Md5Hex = (s: string) => string;
// crypto.hash (Node >= 20.12) is the one-shot form, about twice as fast as createHash for short inputs.
const oneShot = (crypto as unknown as { hash?: (alg: string, data: string) => string }).hash;
export const md5hex: Md5Hex = oneShot
  ? (s) => oneShot('md5', s)
  : (s) => crypto.createHash('md5').update(s).digest('hex');

/** Python `str(float(k))` for a small non-negative integer k: `1.0`. */
function pyFloat(k: number): string {
  return `${k}.0`;
}

/** Python `str(list_of_str)`: `['a', 'b']`. */
export function pyStrList(items: readonly string[]): string {
  return `[${items.map((x) => `'${x}'`).join(', ')}]`;
}

/** `hash_module` of NAS-Bench-101 on a minimised graph (§1.5). */
export function graphHash(g: ModelGraph): string {
  const { n, adj, labels } = g;
  const ins: number[][] = [];
  const outs: number[][] = [];
  for (let v = 0; v < n; v++) {
    ins.push([]);
    outs.push([]);
  }
  for (let v = 0; v < n; v++) {
    for (let w = 0; w < n; w++) {
      if (adj[v * n + w]) {
        outs[v]!.push(w);
        ins[w]!.push(v);
      }
    }
  }
  return hashAdjacency(ins, outs, labels);
}

const initialCache = new Map<string, string>();

/** The hash from adjacency lists (in-neighbours, out-neighbours per vertex) and labels. */
export function hashAdjacency(ins: readonly number[][], outs: readonly number[][], labels: readonly number[]): string {
  const n = labels.length;
  let h: string[] = new Array(n);
  for (let v = 0; v < n; v++) {
    const key = `(${pyFloat(outs[v]!.length)}, ${pyFloat(ins[v]!.length)}, ${labels[v]})`;
    let d = initialCache.get(key);
    if (d === undefined) {
      d = md5hex(key);
      initialCache.set(key, d);
    }
    h[v] = d;
  }
  let next: string[] = new Array(n);
  for (let it = 0; it < n; it++) {
    for (let v = 0; v < n; v++) {
      next[v] = md5hex(`${sortedJoin(h, ins[v]!)}|${sortedJoin(h, outs[v]!)}|${h[v]}`);
    }
    [h, next] = [next, h];
  }
  return md5hex(pyStrList(h.slice().sort()));
}

/** `''.join(sorted(h[w] for w in ids))`, specialised for the tiny degrees of BLOX graphs. */
function sortedJoin(h: readonly string[], ids: readonly number[]): string {
  switch (ids.length) {
    case 0:
      return '';
    case 1:
      return h[ids[0]!]!;
    case 2: {
      const a = h[ids[0]!]!;
      const b = h[ids[1]!]!;
      return a < b ? a + b : b + a;
    }
    default:
      return ids
        .map((i) => h[i]!)
        .sort()
        .join('');
  }
}

/** The model hash of an arch (any valid raw configuration), or null when a stage minimises to nothing. */
export function modelHash(stages: readonly StageDigits[]): string | null {
  const g = minimise(modelGraph(stages));
  return g.n === 0 ? null : graphHash(g);
}
