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
import { sameRow } from './order.js';
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
let curObjective = 0;

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

/** Member position a before b on objective `curObjective`, then by position. */
function memberObjectiveLess(a: number, b: number): boolean {
  const x = curPoints[curMembers[curStart + a]! * curM + curObjective]!;
  const y = curPoints[curMembers[curStart + b]! * curM + curObjective]!;
  return x !== y ? x < y : a < b;
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
    curObjective = o;
    sortIndices(distinct, u, memberObjectiveLess, scratch.merge);
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
    if (t > 0 && sameRow(points, m, members[start + j]!, members[start + order[t - 1]!]!)) continue; // a later copy: 0
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
