/**
 * Fronts: all of them grouped from the ranks, and the first (exact Pareto front, duplicates included),
 * which is cheaper than ranking everything: one sweep in lexicographic order against the front so far
 * (its minimum objective 1 for 2 objectives, its staircase for 3, the ENS core for more), and for large
 * 2-D sets a bucket prefilter that drops most dominated points before any sort.
 */
import { dominatedByFront, ensAdd, ensOpen } from './ens.js';
import { lexOrder, sameRow } from './order.js';
import { nonDominatedRanks } from './ranks.js';
import { ensureScratch } from './scratch.js';
import { openStaircase } from './staircase.js';
import { checkPoints } from './validate.js';

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

// One sweep per objective count: small monomorphic loops that V8 inlines and optimises well (one loop
// for all counts measured up to 1.4x slower). Each writes the front into `front` and returns its size.

function frontBySweep(points: Float64Array, m: number, n: number): Int32Array {
  const order = lexOrder(points, m, n);
  const front = new Int32Array(n);
  const size =
    m === 1
      ? front1(points, order, n, front)
      : m === 2
        ? front2(points, order, n, front)
        : m === 3
          ? front3(points, order, n, front)
          : frontEns(points, m, order, n, front);
  return front.slice(0, size);
}

function front1(points: Float64Array, order: Int32Array, n: number, front: Int32Array): number {
  const best = points[order[0]!]!;
  let size = 0;
  while (size < n && points[order[size]!] === best) {
    front[size] = order[size]!;
    size++;
  }
  return size;
}

function front2(points: Float64Array, order: Int32Array, n: number, front: Int32Array): number {
  let size = 0;
  let prev = -1;
  let prevIn = false;
  let min1 = Number.POSITIVE_INFINITY;
  for (let t = 0; t < n; t++) {
    const i = order[t]!;
    const b = points[2 * i + 1]!;
    let inFront: boolean;
    if (prev >= 0 && points[2 * i] === points[2 * prev] && b === points[2 * prev + 1]) inFront = prevIn;
    else {
      inFront = b < min1;
      if (inFront) min1 = b;
    }
    if (inFront) front[size++] = i;
    prev = i;
    prevIn = inFront;
  }
  return size;
}

function front3(points: Float64Array, order: Int32Array, n: number, front: Int32Array): number {
  const stair = openStaircase(0);
  let size = 0;
  let prev = -1;
  let prevIn = false;
  for (let t = 0; t < n; t++) {
    const i = order[t]!;
    const x = points[3 * i + 1]!;
    const y = points[3 * i + 2]!;
    let inFront: boolean;
    if (prev >= 0 && points[3 * i] === points[3 * prev] && x === points[3 * prev + 1] && y === points[3 * prev + 2]) {
      inFront = prevIn;
    } else {
      inFront = !stair.covers(x, y);
      if (inFront) stair.insert(x, y);
    }
    if (inFront) front[size++] = i;
    prev = i;
    prevIn = inFront;
  }
  return size;
}

function frontEns(points: Float64Array, m: number, order: Int32Array, n: number, front: Int32Array): number {
  ensureScratch(n);
  ensOpen(0);
  let size = 0;
  let prev = -1;
  let prevIn = false;
  for (let t = 0; t < n; t++) {
    const i = order[t]!;
    let inFront: boolean;
    if (prev >= 0 && sameRow(points, m, i, prev)) inFront = prevIn;
    else {
      inFront = !dominatedByFront(points, m, 0, i);
      if (inFront) ensAdd(0, i);
    }
    if (inFront) front[size++] = i;
    prev = i;
    prevIn = inFront;
  }
  return size;
}
