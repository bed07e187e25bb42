/**
 * Crowding distance (Deb et al. 2002) of the members of one front: per objective, sort the members, give
 * both ends Infinity and every interior member (next - previous) / (max - min); sum over objectives.
 * Choices where the paper is silent (documented in docs/indicators.md):
 * - exact duplicates: the distance is computed over distinct points; the first copy (in `members` order)
 *   gets that distance and every later copy 0, so copies of one point are not all kept for "diversity"
 *   (as pymoo's default filter_out_duplicates);
 * - 2 or fewer distinct points: all of them are boundary points (Infinity);
 * - an objective whose values are all equal contributes nothing, not even Infinity (as DEAP);
 * - ties within an objective are ordered by position in `members`, so the result is deterministic.
 * One computation (`crowdingDistanceInto`, allocation-free, for hot loops); `crowdingDistance` checks its
 * inputs and allocates on top of it.
 */
import { fail } from '../errors.js';
import { ensureScratch, scratch } from './scratch.js';
import { sortIndices } from './sort-indices.js';
import { checkPoints } from './validate.js';

// The comparators read the front being sorted from here (set by the caller, cleared after): passing a
// module-level function allocates nothing, a closure over the arguments would allocate per call.
const EMPTY_POINTS = new Float64Array(0);
const EMPTY_MEMBERS = new Int32Array(0);
let curPoints: Float64Array = EMPTY_POINTS;
let curM = 1;
let curMembers: Int32Array = EMPTY_MEMBERS;
let curStart = 0;

/** Member position a before b: lexicographic on all objectives, then by position. */
function memberLess(a: number, b: number): boolean {
  const m = curM;
  const ra = curMembers[curStart + a]! * m;
  const rb = curMembers[curStart + b]! * m;
  for (let o = 0; o < m; o++) {
    const x = curPoints[ra + o]!;
    const y = curPoints[rb + o]!;
    if (x !== y) return x < y;
  }
  return a < b;
}

/**
 * Sort the u positions in scratch.distinct by (value of objective o, position): insertion sort of runs of
 * 16, then bottom-up merges, comparing keys gathered into scratch.keys. Written out rather than passed a
 * comparator through sortIndices: that call site is shared by every caller and no longer inlined, and this
 * sort runs once per objective in every parent selection.
 */
function sortByObjective(points: Float64Array, m: number, members: Int32Array, start: number, u: number, o: number) {
  const keys = scratch.keys;
  let src = scratch.distinct;
  let dst = scratch.merge;
  for (let t = 0; t < u; t++) {
    const j = src[t]!;
    keys[j] = points[members[start + j]! * m + o]!;
  }
  for (let lo = 0; lo < u; lo += 16) {
    const hi = Math.min(lo + 16, u);
    for (let i = lo + 1; i < hi; i++) {
      const v = src[i]!;
      const kv = keys[v]!;
      let j = i;
      while (j > lo) {
        const w = src[j - 1]!;
        const kw = keys[w]!;
        if (kw < kv || (kw === kv && w < v)) break;
        src[j] = w;
        j--;
      }
      src[j] = v;
    }
  }
  for (let w = 16; w < u; w *= 2) {
    for (let lo = 0; lo < u; lo += 2 * w) {
      const mid = Math.min(lo + w, u);
      const hi = Math.min(lo + 2 * w, u);
      let a = lo;
      let b = mid;
      let t = lo;
      while (a < mid && b < hi) {
        const pa = src[a]!;
        const pb = src[b]!;
        const ka = keys[pa]!;
        const kb = keys[pb]!;
        dst[t++] = kb < ka || (kb === ka && pb < pa) ? src[b++]! : src[a++]!;
      }
      while (a < mid) dst[t++] = src[a++]!;
      while (b < hi) dst[t++] = src[b++]!;
    }
    const x = src;
    src = dst;
    dst = x;
  }
  if (src !== scratch.distinct) for (let t = 0; t < u; t++) scratch.distinct[t] = src[t]!;
}

function hold(points: Float64Array, m: number, members: Int32Array, start: number): void {
  curPoints = points;
  curM = m;
  curMembers = members;
  curStart = start;
}

/** Drop the references to the caller's arrays. */
function release(): void {
  curPoints = EMPTY_POINTS;
  curMembers = EMPTY_MEMBERS;
}

/** The distances of the u distinct member positions in scratch.distinct (out already zeroed). */
function accumulate(points: Float64Array, m: number, members: Int32Array, start: number, u: number, out: Float64Array) {
  const distinct = scratch.distinct;
  if (u <= 2) {
    for (let t = 0; t < u; t++) out[start + distinct[t]!] = Number.POSITIVE_INFINITY;
    return;
  }
  for (let o = 0; o < m; o++) {
    sortByObjective(points, m, members, start, u, o);
    const lo = points[members[start + distinct[0]!]! * m + o]!;
    const hi = points[members[start + distinct[u - 1]!]! * m + o]!;
    const range = hi - lo;
    if (range === 0) continue; // a constant objective adds nothing, not even Infinity
    out[start + distinct[0]!] = Number.POSITIVE_INFINITY;
    out[start + distinct[u - 1]!] = Number.POSITIVE_INFINITY;
    for (let t = 1; t < u - 1; t++) {
      const next = points[members[start + distinct[t + 1]!]! * m + o]!;
      const prev = points[members[start + distinct[t - 1]!]! * m + o]!;
      out[start + distinct[t]!]! += (next - prev) / range;
    }
  }
}

/**
 * Crowding distance of the front `members[start .. start + k)` (point indices into `points`, m
 * objectives) into `out[start .. start + k)`, aligned with the members; nothing else of `out` is written.
 * Allocation-free once the scratch has grown. No input checks: callers pass finite points and valid indices.
 */
export function crowdingDistanceInto(
  points: Float64Array,
  m: number,
  members: Int32Array,
  start: number,
  k: number,
  out: Float64Array,
): void {
  out.fill(0, start, start + k);
  if (k === 0) return;
  ensureScratch(k);
  hold(points, m, members, start);
  // distinct points: lexicographic order of positions, the first position of each equal run survives
  const order = scratch.order;
  const distinct = scratch.distinct;
  for (let j = 0; j < k; j++) order[j] = j;
  sortIndices(order, k, memberLess, scratch.merge);
  let u = 0;
  for (let t = 0; t < k; t++) {
    const j = order[t]!;
    if (t > 0) {
      // a later copy of the previous point: distance 0
      const ra = members[start + j]! * m;
      const rb = members[start + order[t - 1]!]! * m;
      let same = true;
      for (let o = 0; o < m && same; o++) same = points[ra + o] === points[rb + o];
      if (same) continue;
    }
    distinct[u++] = j;
  }
  accumulate(points, m, members, start, u, out);
  release();
}

/**
 * `crowdingDistanceInto` for members already known to be pairwise distinct points (skips finding the
 * copies): the same values.
 */
export function crowdingDistanceOfDistinctInto(
  points: Float64Array,
  m: number,
  members: Int32Array,
  start: number,
  k: number,
  out: Float64Array,
): void {
  out.fill(0, start, start + k);
  if (k === 0) return;
  ensureScratch(k);
  hold(points, m, members, start);
  const distinct = scratch.distinct;
  for (let j = 0; j < k; j++) distinct[j] = j;
  accumulate(points, m, members, start, k, out);
  release();
}

/** Crowding distance of `members` (point indices), one value per member; inputs checked. */
export function crowdingDistance(
  points: Float64Array,
  m: number,
  members: ArrayLike<number>,
  out?: Float64Array,
): Float64Array {
  const n = checkPoints(points, m);
  const k = members.length;
  const dist = out && out.length === k ? out : new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const p = members[j]!;
    if (!Number.isInteger(p) || p < 0 || p >= n)
      fail(`crowding distance: member ${j} is ${p}, not a point index below ${n}`);
  }
  crowdingDistanceInto(points, m, members instanceof Int32Array ? members : Int32Array.from(members), 0, k, dist);
  return dist;
}
