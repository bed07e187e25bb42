/**
 * Allocation-free variants of `nonDominatedRanks` and `crowdingDistance` for hot loops (NSGA-II survival
 * runs them every generation): results go into caller buffers, the scratch memory below only grows, and
 * the sorts take module-level comparators instead of closures. They give exactly the results of the
 * allocating versions: ranks are unique, and the crowding distance sorts by the same total orders
 * (values, then position) and adds the same terms in the same order. No input checks: callers pass finite
 * points (the allocating versions check theirs).
 */

let order = new Int32Array(0);
let distinct = new Int32Array(0);
let merge = new Int32Array(0);
let frontMin = new Float64Array(0);
let lastOf = new Int32Array(0);
let prevIn = new Int32Array(0);

function ensure(k: number): void {
  if (order.length >= k) return;
  const size = Math.max(k, order.length * 2);
  order = new Int32Array(size);
  distinct = new Int32Array(size);
  merge = new Int32Array(size);
  frontMin = new Float64Array(size);
  lastOf = new Int32Array(size);
  prevIn = new Int32Array(size);
}

/**
 * Sort `idx[0..n)` by `less`, a strict total order (so any correct sort gives the same result): insertion
 * sort of runs of 16, then bottom-up merges through `scratch` (length >= n, not `idx`).
 */
export function sortIndices(
  idx: Int32Array,
  n: number,
  less: (a: number, b: number) => boolean,
  scratch: Int32Array,
): void {
  const RUN = 16;
  for (let lo = 0; lo < n; lo += RUN) {
    const hi = Math.min(lo + RUN, n);
    for (let i = lo + 1; i < hi; i++) {
      const v = idx[i]!;
      let j = i;
      while (j > lo && less(v, idx[j - 1]!)) {
        idx[j] = idx[j - 1]!;
        j--;
      }
      idx[j] = v;
    }
  }
  let src = idx;
  let dst = scratch;
  for (let w = RUN; w < n; w *= 2) {
    for (let lo = 0; lo < n; lo += 2 * w) {
      const mid = Math.min(lo + w, n);
      const hi = Math.min(lo + 2 * w, n);
      let a = lo;
      let b = mid;
      let t = lo;
      while (a < mid && b < hi) dst[t++] = less(src[b]!, src[a]!) ? src[b++]! : src[a++]!;
      while (a < mid) dst[t++] = src[a++]!;
      while (b < hi) dst[t++] = src[b++]!;
    }
    const x = src;
    src = dst;
    dst = x;
  }
  if (src !== idx) for (let i = 0; i < n; i++) idx[i] = src[i]!;
}

// The comparators read the set being sorted from here (set by the caller, cleared after): passing a
// module-level function allocates nothing, a closure over the arguments would allocate per call.
const EMPTY_POINTS = new Float64Array(0);
const EMPTY_MEMBERS = new Int32Array(0);
let curPoints: Float64Array = EMPTY_POINTS;
let curM = 1;
let curMembers: Int32Array = EMPTY_MEMBERS;
let curStart = 0;
let curObjective = 0;

/** Point a before point b: lexicographic on all objectives, then by index. */
function pointLess(a: number, b: number): boolean {
  const m = curM;
  const ra = a * m;
  const rb = b * m;
  for (let o = 0; o < m; o++) {
    const x = curPoints[ra + o]!;
    const y = curPoints[rb + o]!;
    if (x !== y) return x < y;
  }
  return a < b;
}

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

/** Drop the references to the caller's arrays. */
function release(): void {
  curPoints = EMPTY_POINTS;
  curMembers = EMPTY_MEMBERS;
}

function sameRow(points: Float64Array, m: number, a: number, b: number): boolean {
  const ra = a * m;
  const rb = b * m;
  for (let k = 0; k < m; k++) if (points[ra + k] !== points[rb + k]) return false;
  return true;
}

/**
 * Non-domination rank (0 = first front) of the first n points of `points` into `out[0..n)`; exact
 * duplicates share a rank. Same ranks as `nonDominatedRanks`: lexicographic order, then the 1-D run count,
 * the 2-D front-minimum sweep or, for 3+ objectives, ENS-BS (Zhang et al. 2015) with typed linked lists.
 */
export function nonDominatedRanksInto(points: Float64Array, m: number, n: number, out: Int32Array): void {
  if (n === 0) return;
  ensure(n);
  for (let i = 0; i < n; i++) order[i] = i;
  curPoints = points;
  curM = m;
  sortIndices(order, n, pointLess, merge);
  release();
  let fronts = 0;
  let prev = -1;
  for (let t = 0; t < n; t++) {
    const i = order[t]!;
    if (prev >= 0 && sameRow(points, m, i, prev)) {
      out[i] = out[prev]!;
      continue;
    }
    let lo = 0;
    if (m === 1) {
      lo = fronts; // a new distinct value: the next front
    } else if (m === 2) {
      // every earlier point has a smaller-or-equal objective 0: front k dominates i iff its minimum
      // objective 1 so far is <= i's
      const b = points[2 * i + 1]!;
      let hi = fronts;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (frontMin[mid]! <= b) lo = mid + 1;
        else hi = mid;
      }
      frontMin[lo] = b;
    } else {
      let hi = fronts;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (dominatedByFront(points, m, mid, i)) lo = mid + 1;
        else hi = mid;
      }
      if (lo === fronts) lastOf[fronts] = -1;
      prevIn[i] = lastOf[lo]!;
      lastOf[lo] = i;
    }
    if (lo === fronts) fronts++;
    out[i] = lo;
    prev = i;
  }
}

/** Whether a member of `front` (walked from its latest member back) dominates p, which comes after all of them. */
function dominatedByFront(points: Float64Array, m: number, front: number, p: number): boolean {
  const rp = p * m;
  for (let q = lastOf[front]!; q >= 0; q = prevIn[q]!) {
    // q is before p in lexicographic order and differs from it: q dominates p iff q <= p in objectives 1..
    const rq = q * m;
    let le = true;
    for (let k = 1; k < m && le; k++) le = points[rq + k]! <= points[rp + k]!;
    if (le) return true;
  }
  return false;
}

/**
 * Crowding distance of the front `members[start .. start + k)` (point indices into `points`, m
 * objectives) into `out[start .. start + k)`, aligned with the members. Same values as
 * `crowdingDistance(points, m, members.subarray(start, start + k))`, ties and duplicates included.
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
  ensure(k);
  curPoints = points;
  curM = m;
  curMembers = members;
  curStart = start;
  // distinct points: lexicographic order of positions, the first position of each equal run survives
  for (let j = 0; j < k; j++) order[j] = j;
  sortIndices(order, k, memberLess, merge);
  let u = 0;
  for (let t = 0; t < k; t++) {
    const j = order[t]!;
    if (t > 0 && sameRow(points, m, members[start + j]!, members[start + order[t - 1]!]!)) continue; // a later copy: 0
    distinct[u++] = j;
  }
  if (u <= 2) {
    for (let t = 0; t < u; t++) out[start + distinct[t]!] = Number.POSITIVE_INFINITY;
    release();
    return;
  }
  for (let o = 0; o < m; o++) {
    curObjective = o;
    sortIndices(distinct, u, memberObjectiveLess, merge);
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
  release();
}
