/**
 * Non-domination ranks (0 = first front; all objectives minimised). Every sweep starts from the
 * lexicographic order (objective 0, then 1, ...), in which a point can only be dominated by points before
 * it and exact duplicates are adjacent; duplicates share a rank.
 * - 1 objective: each distinct value is a front.
 * - 2 objectives: O(N log N); each point joins the first front whose minimum objective 1 so far is greater
 *   than its own (the per-front minima are non-decreasing, so a binary search finds it).
 * - 3 objectives: binary search over fronts as ENS-BS, each front holding the 2-D staircase of its members'
 *   (objective 1, objective 2), so "does front k dominate p" is one binary search.
 * - 4+ objectives: the ENS core (ens.ts).
 * Ranks are unique, so whichever sweep runs the result is the same.
 */
import { ensAdd, ensFrontOf, ensOpen } from './ens.js';
import { lexOrder, sameRow } from './order.js';
import { ensureScratch, scratch } from './scratch.js';
import { openStaircase, staircaseAt } from './staircase.js';
import { checkPoints } from './validate.js';

function ranks1(points: Float64Array, order: Int32Array, n: number, out: Int32Array): void {
  let rank = -1;
  let prev = Number.NaN;
  for (let t = 0; t < n; t++) {
    const i = order[t]!;
    if (points[i] !== prev) rank++;
    prev = points[i]!;
    out[i] = rank;
  }
}

function ranks2(points: Float64Array, order: Int32Array, n: number, out: Int32Array): void {
  const frontMin = scratch.frontMin;
  let fronts = 0;
  let prev = -1;
  for (let t = 0; t < n; t++) {
    const i = order[t]!;
    const b = points[2 * i + 1]!;
    if (prev >= 0 && points[2 * i] === points[2 * prev] && b === points[2 * prev + 1]) {
      out[i] = out[prev]!;
      continue;
    }
    let lo = 0;
    let hi = fronts;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (frontMin[mid]! <= b) lo = mid + 1;
      else hi = mid;
    }
    frontMin[lo] = b;
    if (lo === fronts) fronts++;
    out[i] = lo;
    prev = i;
  }
}

function ranks3(points: Float64Array, order: Int32Array, n: number, out: Int32Array): void {
  let fronts = 0;
  let prev = -1;
  for (let t = 0; t < n; t++) {
    const i = order[t]!;
    const x = points[3 * i + 1]!;
    const y = points[3 * i + 2]!;
    if (prev >= 0 && points[3 * i] === points[3 * prev] && x === points[3 * prev + 1] && y === points[3 * prev + 2]) {
      out[i] = out[prev]!;
      continue;
    }
    let lo = 0;
    let hi = fronts;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (staircaseAt(mid).covers(x, y)) lo = mid + 1;
      else hi = mid;
    }
    (lo === fronts ? openStaircase(fronts++) : staircaseAt(lo)).insert(x, y);
    out[i] = lo;
    prev = i;
  }
}

function ranksEns(points: Float64Array, m: number, order: Int32Array, n: number, out: Int32Array): void {
  let fronts = 0;
  let prev = -1;
  for (let t = 0; t < n; t++) {
    const i = order[t]!;
    if (prev >= 0 && sameRow(points, m, i, prev)) {
      out[i] = out[prev]!;
      continue;
    }
    const f = ensFrontOf(points, m, fronts, i);
    if (f === fronts) ensOpen(fronts++);
    ensAdd(f, i);
    out[i] = f;
    prev = i;
  }
}

/**
 * Ranks of the first n points of `points` into `out[0 .. n)`, allocation-free once the scratch has grown
 * (for hot loops: NSGA-II survival runs it every generation). No input checks: callers pass finite points.
 * Entries of `points` and `out` past n are neither read nor written.
 */
export function nonDominatedRanksInto(points: Float64Array, m: number, n: number, out: Int32Array): void {
  if (n === 0) return;
  ensureScratch(n);
  const order = lexOrder(points, m, n);
  if (m === 1) ranks1(points, order, n, out);
  else if (m === 2) ranks2(points, order, n, out);
  else if (m === 3) ranks3(points, order, n, out);
  else ranksEns(points, m, order, n, out);
}

/**
 * Non-domination rank of every point (0 = first front), inputs checked. Exact duplicates share a rank.
 * `out` (length n) may be passed to avoid the allocation.
 */
export function nonDominatedRanks(points: Float64Array, m: number, out?: Int32Array): Int32Array {
  const n = checkPoints(points, m);
  const ranks = out && out.length === n ? out : new Int32Array(n);
  nonDominatedRanksInto(points, m, n, ranks);
  return ranks;
}
