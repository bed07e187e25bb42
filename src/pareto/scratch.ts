/**
 * The one scratch pool of the Pareto sweeps (ranks, first fronts, crowding distance). Buffers only grow,
 * so after the first calls of a given size no sweep allocates. Sweeps do not nest, so they share it;
 * a buffer's content is only meaningful inside the call that filled it. (The lexicographic order keeps
 * its radix buffers in order.ts: its result lives in them.)
 */
export const scratch = {
  /** 2-D ranks: the smallest objective 1 of each front so far. */
  frontMin: new Float64Array(0),
  /** ENS fronts as linked lists: the latest member of each front. */
  lastOf: new Int32Array(0),
  /** ENS fronts as linked lists: the member added to p's front before p. */
  prevIn: new Int32Array(0),
  /** Crowding distance: member positions in lexicographic order. */
  order: new Int32Array(0),
  /** Crowding distance: positions of the distinct members. */
  distinct: new Int32Array(0),
  /** Merge buffer of the index sorts. */
  merge: new Int32Array(0),
  /** Crowding distance: one objective's value per member position. */
  keys: new Float64Array(0),
};

/** Make every buffer hold at least n entries (doubling, so growth is amortised). */
export function ensureScratch(n: number): void {
  if (scratch.lastOf.length >= n) return;
  const size = Math.max(n, scratch.lastOf.length * 2);
  scratch.frontMin = new Float64Array(size);
  scratch.lastOf = new Int32Array(size);
  scratch.prevIn = new Int32Array(size);
  scratch.order = new Int32Array(size);
  scratch.distinct = new Int32Array(size);
  scratch.merge = new Int32Array(size);
  scratch.keys = new Float64Array(size);
}
