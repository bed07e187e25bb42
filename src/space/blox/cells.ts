/**
 * The 45 unique cells per stage (BLOX.md §1.6-1.7, §2.2), derived from the model hash: two raw stage
 * configurations are the same cell when the networks that differ only in that stage hash equally.
 * Labels carry the stage index and stages are chained by reductions, so a network's class is the triple
 * of its stage classes and the first-seen representative of a class is its smallest raw index.
 */
import { isEmptyStage, OPS, type OpName, RAW_PER_STAGE, rawDigits, STAGES, type StageDigits } from './encoding.js';
import { minimise, modelGraph, modelHash } from './hash.js';

/** A node of a built cell: `[op, prev, inp, sc]` as `optimise_config` emits it. */
export type CellNode = readonly [number, number, number, number];

export interface CellClass {
  /** Class rank u (0..44) in BLOX's canonical order. */
  u: number;
  /** Representative digits (first in raw order). */
  rep: StageDigits;
  /** Raw index of the representative. */
  raw: number;
  /** Raw indices of every member. */
  members: number[];
  /** The nodes the model is built from (1 or 2). */
  nodes: CellNode[];
  /** The cell function, e.g. `mbconv(conv(x) + x) + conv(x)`. */
  fn: string;
}

/** Reference stage used for the other stages when classifying one stage: `[[0],[0,1,0,0]]`. */
const REFERENCE: StageDigits = [0, 0, 1, 0, 0];

/** Class of every raw configuration of stage `stage`, by hashing the network with the other stages fixed. */
export function deriveCellClasses(stage = 0): { classes: CellClass[]; classOfRaw: Int8Array } {
  const classOfRaw = new Int8Array(RAW_PER_STAGE).fill(-1);
  const byHash = new Map<string, number>();
  const classes: CellClass[] = [];
  for (let r = 0; r < RAW_PER_STAGE; r++) {
    const d = rawDigits(r);
    const stages: StageDigits[] = Array.from({ length: STAGES }, (_, s) => (s === stage ? d : REFERENCE));
    const h = modelHash(stages);
    if (h === null) continue;
    let u = byHash.get(h);
    if (u === undefined) {
      u = classes.length;
      byHash.set(h, u);
      const nodes = optimiseConfig(d);
      classes.push({ u, rep: d, raw: r, members: [], nodes, fn: cellFunction(nodes) });
    }
    classes[u]!.members.push(r);
    classOfRaw[r] = u;
  }
  return { classes, classOfRaw };
}

/**
 * `graph_utils.optimise_config`: the nodes of the minimised single-stage graph (input, op nodes,
 * reduction, output). The first surviving op is `[op,1,0,0]`; a second one at graph index 2 is
 * `[op, mat[1,2], mat[0,2], mat[1,3]]`.
 */
export function optimiseConfig(d: StageDigits): CellNode[] {
  if (isEmptyStage(d)) return [];
  const g = minimise(modelGraph([d]));
  const ops = g.labels.slice(1, -2);
  const nodes: CellNode[] = [[ops[0]!, 1, 0, 0]];
  if (ops.length === 2) {
    const at = (i: number, j: number) => g.adj[i * g.n + j]!;
    nodes.push([ops[1]!, at(1, 2), at(0, 2), at(1, 3)]);
  }
  return nodes;
}

/** Human-readable cell function with A = first op, B = second (BLOX.md §2.5). */
export function cellFunction(nodes: readonly CellNode[]): string {
  const a = OPS[nodes[0]![0]]!;
  if (nodes.length === 1) return `${a}(x)`;
  const [op, prev, inp, sc] = nodes[1]!;
  const b = OPS[op]!;
  if (!prev) return `${a}(x) + ${b}(x)`;
  const inner = inp ? `${a}(x) + x` : `${a}(x)`;
  return sc ? `${b}(${inner}) + ${a}(x)` : `${b}(${inner})`;
}

export function opName(code: number): OpName {
  return OPS[code]!;
}

let cached: { classes: CellClass[]; classOfRaw: Int8Array } | undefined;

/** The 45 classes (identical for every stage: see the tests), computed once. */
export function cellClasses(): { classes: CellClass[]; classOfRaw: Int8Array } {
  cached ??= deriveCellClasses(0);
  return cached;
}
