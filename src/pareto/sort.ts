/**
 * Non-dominated sorting (all objectives minimised). Every routine starts from the lexicographic order
 * (objective 0, then 1, ...), in which a point can only be dominated by points before it and exact
 * duplicates are adjacent; duplicates share a rank.
 * - 1 objective: each distinct value is a front.
 * - 2 objectives: O(N log N) sweep; each point joins the first front whose minimum objective 1 so far is
 *   greater than its own (the per-front minima are non-decreasing, so a binary search finds it).
 * - 3 objectives: binary search over fronts as ENS-BS, but each front keeps the 2-D staircase of its
 *   members' (objective 1, objective 2) projections, so "does front k dominate p" is one binary search:
 *   O(N log N log K) queries plus staircase insertions (array splices).
 * - 4+ objectives: ENS-BS (Zhang et al. 2015): binary search over fronts, each front checked from its
 *   most recent member backwards. Best case O(MN log N), worst case O(MN^2) (all points on one front).
 */
import { lexOrder } from './order.js';
import { checkPoints } from './validate.js';

let frontMin = new Float64Array(0);
let lastOf = new Int32Array(0);
let prevIn = new Int32Array(0);

function ensure(n: number): void {
  if (frontMin.length >= n) return;
  const size = Math.max(n, frontMin.length * 2);
  frontMin = new Float64Array(size);
  lastOf = new Int32Array(size);
  prevIn = new Int32Array(size);
}

function sameRow(points: Float64Array, m: number, a: number, b: number): boolean {
  const ra = a * m;
  const rb = b * m;
  for (let k = 0; k < m; k++) if (points[ra + k] !== points[rb + k]) return false;
  return true;
}

/** For q before p in lexicographic order and not equal to it: q dominates p iff q <= p in objectives 1.. */
function weaklyBetterTail(points: Float64Array, m: number, q: number, p: number): boolean {
  const rq = q * m;
  const rp = p * m;
  for (let k = 1; k < m; k++) if (points[rq + k]! > points[rp + k]!) return false;
  return true;
}

function ranks1(points: Float64Array, order: Uint32Array, out: Int32Array): void {
  let rank = -1;
  let prev = Number.NaN;
  for (let t = 0; t < order.length; t++) {
    const i = order[t]!;
    if (points[i] !== prev) rank++;
    prev = points[i]!;
    out[i] = rank;
  }
}

function ranks2(points: Float64Array, order: Uint32Array, out: Int32Array): void {
  let fronts = 0;
  let prev = -1;
  for (let t = 0; t < order.length; t++) {
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

/**
 * Staircase of 2-D points: x strictly increasing, y strictly decreasing. Since every point of a front came
 * earlier in lexicographic order, a front dominates a later point p iff its staircase weakly dominates
 * p's (objective 1, objective 2) projection.
 */
class Staircase {
  readonly xs: number[] = [];
  readonly ys: number[] = [];
  /** Index of the last step with x <= v, or -1. */
  private stepAt(v: number): number {
    const xs = this.xs;
    let lo = 0;
    let hi = xs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (xs[mid]! <= v) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }
  covers(x: number, y: number): boolean {
    const at = this.stepAt(x);
    return at >= 0 && this.ys[at]! <= y;
  }
  /** Insert a point the staircase does not cover, dropping the steps it covers. */
  insert(x: number, y: number): void {
    const start = this.stepAt(x) + 1;
    let end = start;
    while (end < this.ys.length && this.ys[end]! >= y) end++;
    this.xs.splice(start, end - start, x);
    this.ys.splice(start, end - start, y);
  }
}

function ranks3(points: Float64Array, order: Uint32Array, out: Int32Array): void {
  const stairs: Staircase[] = [];
  let prev = -1;
  for (let t = 0; t < order.length; t++) {
    const i = order[t]!;
    const x = points[3 * i + 1]!;
    const y = points[3 * i + 2]!;
    if (prev >= 0 && points[3 * i] === points[3 * prev] && x === points[3 * prev + 1] && y === points[3 * prev + 2]) {
      out[i] = out[prev]!;
      continue;
    }
    let lo = 0;
    let hi = stairs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (stairs[mid]!.covers(x, y)) lo = mid + 1;
      else hi = mid;
    }
    if (lo === stairs.length) stairs.push(new Staircase());
    stairs[lo]!.insert(x, y);
    out[i] = lo;
    prev = i;
  }
}

function dominatedByFront(points: Float64Array, m: number, front: number, p: number): boolean {
  for (let q = lastOf[front]!; q >= 0; q = prevIn[q]!) if (weaklyBetterTail(points, m, q, p)) return true;
  return false;
}

function ranksEns(points: Float64Array, m: number, order: Uint32Array, out: Int32Array): void {
  let fronts = 0;
  let prev = -1;
  for (let t = 0; t < order.length; t++) {
    const i = order[t]!;
    if (prev >= 0 && sameRow(points, m, i, prev)) {
      out[i] = out[prev]!;
      continue;
    }
    let lo = 0;
    let hi = fronts;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (dominatedByFront(points, m, mid, i)) lo = mid + 1;
      else hi = mid;
    }
    if (lo === fronts) {
      lastOf[fronts] = -1;
      fronts++;
    }
    prevIn[i] = lastOf[lo]!;
    lastOf[lo] = i;
    out[i] = lo;
    prev = i;
  }
}

/**
 * Non-domination rank of every point (0 = first front). Exact duplicates share a rank. `out` (length n)
 * may be passed to avoid an allocation in hot loops.
 */
export function nonDominatedRanks(points: Float64Array, m: number, out?: Int32Array): Int32Array {
  const n = checkPoints(points, m);
  const ranks = out && out.length === n ? out : new Int32Array(n);
  if (n === 0) return ranks;
  ensure(n);
  const order = lexOrder(points, m, n);
  if (m === 1) ranks1(points, order, ranks);
  else if (m === 2) ranks2(points, order, ranks);
  else if (m === 3) ranks3(points, order, ranks);
  else ranksEns(points, m, order, ranks);
  return ranks;
}

/** All fronts, best first; each front lists its point indices in increasing order. */
export function nonDominatedFronts(points: Float64Array, m: number): number[][] {
  const ranks = nonDominatedRanks(points, m);
  const fronts: number[][] = [];
  for (let i = 0; i < ranks.length; i++) {
    const r = ranks[i]!;
    while (fronts.length <= r) fronts.push([]);
    fronts[r]!.push(i);
  }
  return fronts;
}

const PREFILTER_MIN = 1024;

/**
 * 2-D first front of a large set without sorting it all: bucket the points by objective 0 (the bucket
 * index is a monotone function of it, so a point in a lower bucket has a strictly smaller objective 0);
 * a point is dominated if a lower bucket holds an objective 1 no greater than its own. Only the few
 * survivors are sorted and swept. Exact: the filter only drops dominated points.
 */
function front2Prefiltered(points: Float64Array, n: number): Int32Array {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const a = points[2 * i]!;
    if (a < lo) lo = a;
    if (a > hi) hi = a;
  }
  const range = hi - lo;
  const buckets = Math.min(4096, n >>> 4);
  const scale = buckets / range;
  // One value, a range that overflows, or one so tiny that the scale does: sweep everything.
  if (!(range > 0 && range < Number.POSITIVE_INFINITY && scale < Number.POSITIVE_INFINITY)) {
    return frontBySweep(points, 2, n);
  }
  const bucketMin = new Float64Array(buckets).fill(Number.POSITIVE_INFINITY);
  const bucketOf = (a: number) => Math.min(buckets - 1, Math.floor((a - lo) * scale));
  for (let i = 0; i < n; i++) {
    const b = bucketOf(points[2 * i]!);
    const y = points[2 * i + 1]!;
    if (y < bucketMin[b]!) bucketMin[b] = y;
  }
  // bucketMin[b] becomes the smallest objective 1 in buckets below b.
  let run = Number.POSITIVE_INFINITY;
  for (let b = 0; b < buckets; b++) {
    const here = bucketMin[b]!;
    bucketMin[b] = run;
    if (here < run) run = here;
  }
  const keep = new Int32Array(n);
  let kept = 0;
  for (let i = 0; i < n; i++) if (points[2 * i + 1]! < bucketMin[bucketOf(points[2 * i]!)]!) keep[kept++] = i;
  if (2 * kept > n) return frontBySweep(points, 2, n); // a front this large: copying survivors does not pay
  const sub = new Float64Array(2 * kept);
  for (let t = 0; t < kept; t++) {
    sub[2 * t] = points[2 * keep[t]!]!;
    sub[2 * t + 1] = points[2 * keep[t]! + 1]!;
  }
  const local = frontBySweep(sub, 2, kept);
  for (let t = 0; t < local.length; t++) local[t] = keep[local[t]!]!;
  return local;
}

/**
 * Indices of the first front (duplicates included), sorted by objective 0, then 1, ..., then index.
 * Cheaper than ranking everything: one sweep for 2 objectives, a staircase for 3, a check against the front so far for more.
 */
export function paretoFrontIndices(points: Float64Array, m: number): Int32Array {
  const n = checkPoints(points, m);
  if (n === 0) return new Int32Array(0);
  if (m === 2 && n > PREFILTER_MIN) return front2Prefiltered(points, n);
  return frontBySweep(points, m, n);
}

function frontBySweep(points: Float64Array, m: number, n: number): Int32Array {
  ensure(n);
  const order = lexOrder(points, m, n);
  const front = new Int32Array(n);
  let size = 0;
  if (m === 1) {
    const best = points[order[0]!]!;
    while (size < n && points[order[size]!] === best) {
      front[size] = order[size]!;
      size++;
    }
    return front.slice(0, size);
  }
  let prev = -1;
  let prevIn0 = false;
  let min1 = Number.POSITIVE_INFINITY;
  const stair = m === 3 ? new Staircase() : undefined;
  lastOf[0] = -1;
  for (let t = 0; t < n; t++) {
    const i = order[t]!;
    let inFront: boolean;
    if (prev >= 0 && sameRow(points, m, i, prev)) inFront = prevIn0;
    else if (m === 2) {
      const b = points[2 * i + 1]!;
      inFront = b < min1;
      if (inFront) min1 = b;
    } else if (stair) {
      const x = points[3 * i + 1]!;
      const y = points[3 * i + 2]!;
      inFront = !stair.covers(x, y);
      if (inFront) stair.insert(x, y);
    } else {
      inFront = !dominatedByFront(points, m, 0, i);
      if (inFront) {
        prevIn[i] = lastOf[0]!;
        lastOf[0] = i;
      }
    }
    if (inFront) front[size++] = i;
    prev = i;
    prevIn0 = inFront;
  }
  return front.slice(0, size);
}
