/**
 * Lexicographic order of points (objective 0, then 1, ...; ties by point index), the first step of every
 * sweep in this module. Large sets use a stable LSD radix sort on order-preserving integer images of the
 * doubles (exact, no comparator calls); small sets and short tied runs use insertion or merge sorts.
 * Allocation-free once the buffers have grown. The returned array is scratch memory reused by the next
 * call: copy it if you keep it.
 */

const SMALL = 48;
const BITS = 11;
const RADIX = 1 << BITS;
const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

let perm = new Int32Array(0);
let tmp = new Int32Array(0);
let col = new Float64Array(0);
let words = new Uint32Array(0);
/** Number of points being ordered: a pass over all of them may swap perm and tmp instead of copying. */
let live = 0;
const counts = new Uint32Array(3 * RADIX);

function ensure(n: number): void {
  if (perm.length >= n) return;
  const size = Math.max(n, perm.length * 2);
  perm = new Int32Array(size);
  tmp = new Int32Array(size);
  col = new Float64Array(size);
  words = new Uint32Array(col.buffer);
}

/** a before b in lexicographic order of their objectives, then by index. */
function before(points: Float64Array, m: number, a: number, b: number): boolean {
  const ra = a * m;
  const rb = b * m;
  for (let k = 0; k < m; k++) {
    const x = points[ra + k]!;
    const y = points[rb + k]!;
    if (x !== y) return x < y;
  }
  return a < b;
}

/** Whether points a and b have the same objectives (exact duplicates: adjacent in lexicographic order). */
export function sameRow(points: Float64Array, m: number, a: number, b: number): boolean {
  const ra = a * m;
  const rb = b * m;
  for (let k = 0; k < m; k++) if (points[ra + k] !== points[rb + k]) return false;
  return true;
}

/**
 * Merge sort of perm[start, end) in lexicographic order through tmp: insertion sort of runs of 16, then
 * bottom-up merges. The comparison is written inline rather than passed to sort-indices.ts: a comparator
 * shared by many call sites is no longer inlined, and this one runs in every hot-loop sort.
 */
function mergeLex(points: Float64Array, m: number, start: number, end: number): void {
  for (let lo = start; lo < end; lo += 16) {
    const hi = Math.min(lo + 16, end);
    for (let t = lo + 1; t < hi; t++) {
      const v = perm[t]!;
      let j = t;
      while (j > lo && before(points, m, v, perm[j - 1]!)) {
        perm[j] = perm[j - 1]!;
        j--;
      }
      perm[j] = v;
    }
  }
  let src = perm;
  let dst = tmp;
  for (let w = 16; w < end - start; w *= 2) {
    for (let lo = start; lo < end; lo += 2 * w) {
      const mid = Math.min(lo + w, end);
      const hi = Math.min(lo + 2 * w, end);
      let a = lo;
      let b = mid;
      let t = lo;
      while (a < mid && b < hi) dst[t++] = before(points, m, src[b]!, src[a]!) ? src[b++]! : src[a++]!;
      while (a < mid) dst[t++] = src[a++]!;
      while (b < hi) dst[t++] = src[b++]!;
    }
    const x = src;
    src = dst;
    dst = x;
  }
  if (src !== perm) for (let t = start; t < end; t++) perm[t] = src[t]!;
}

function insertionOrder2(points: Float64Array, n: number): Int32Array {
  for (let i = 0; i < n; i++) {
    const a = points[2 * i]!;
    const b = points[2 * i + 1]!;
    let j = i;
    while (j > 0) {
      const q = perm[j - 1]!;
      const x = points[2 * q]!;
      if (x < a || (x === a && points[2 * q + 1]! <= b)) break; // q < i, so an exact tie keeps index order
      perm[j] = q;
      j--;
    }
    perm[j] = i;
  }
  return perm;
}

function insertionOrder(points: Float64Array, m: number, n: number): Int32Array {
  if (m === 2) return insertionOrder2(points, n);
  for (let i = 0; i < n; i++) {
    let j = i;
    while (j > 0 && before(points, m, i, perm[j - 1]!)) {
      perm[j] = perm[j - 1]!;
      j--;
    }
    perm[j] = i;
  }
  return perm;
}

/**
 * Stable counting-sort passes of perm[start, end) on the 32-bit word at `wordOffset` (0 = low, 1 = high) of
 * each point's key, in three digits of 11, 11 and 10 bits. Digits shared by the whole range are skipped.
 */
function sortRangeByWord(start: number, end: number, wordOffset: number): void {
  const len = end - start;
  counts.fill(0);
  for (let t = start; t < end; t++) {
    const w = words[2 * perm[t]! + wordOffset]!;
    counts[w & 2047]!++;
    counts[RADIX + ((w >>> 11) & 2047)]!++;
    counts[2 * RADIX + (w >>> 22)]!++;
  }
  for (let pass = 0; pass < 3; pass++) {
    const base = pass * RADIX;
    const shift = pass * BITS;
    let trivial = false;
    let sum = start;
    for (let d = 0; d < RADIX; d++) {
      const c = counts[base + d]!;
      if (c === len) trivial = true;
      counts[base + d] = sum;
      sum += c;
    }
    if (trivial) continue;
    for (let t = start; t < end; t++) {
      const p = perm[t]!;
      const d = (words[2 * p + wordOffset]! >>> shift) & 2047;
      tmp[counts[base + d]!++] = p;
    }
    if (start === 0 && end === live) {
      const x = perm;
      perm = tmp;
      tmp = x;
    } else for (let t = start; t < end; t++) perm[t] = tmp[t]!;
  }
}

/** Stable radix sort of perm[start, end) by objective k. */
function radixRange(points: Float64Array, m: number, k: number, start: number, end: number): void {
  for (let t = start; t < end; t++) {
    const p = perm[t]!;
    col[p] = points[p * m + k]! + 0; // + 0 turns -0 into 0
    // IEEE-754 doubles ordered as unsigned integers: flip every bit of negatives, the sign bit of the rest.
    const hi = words[2 * p + 1]!;
    if (hi & 0x80000000) {
      words[2 * p + 1] = ~hi;
      words[2 * p] = ~words[2 * p]!;
    } else {
      words[2 * p + 1] = hi | 0x80000000;
    }
  }
  sortRangeByWord(start, end, 0);
  sortRangeByWord(start, end, 1);
}

/**
 * Order perm[start, end), whose points are tied on objectives < k and sit in index order: radix sort on
 * objective k, then the same for each run tied on it with objective k + 1 (most significant key first, so
 * later keys only touch ties). Short ranges use insertion or comparator sorts.
 */
function orderRange(points: Float64Array, m: number, start: number, end: number, k: number): void {
  const len = end - start;
  if (len < 2 || k >= m) return;
  if (len <= 256) {
    mergeLex(points, m, start, end);
    return;
  }
  radixRange(points, m, k, start, end);
  if (k + 1 >= m) return;
  let run = start;
  for (let t = start + 1; t <= end; t++) {
    if (t === end || points[perm[t]! * m + k] !== points[perm[run]! * m + k]) {
      if (t - run > 1) orderRange(points, m, run, t, k + 1);
      run = t;
    }
  }
}

function radixOrder(points: Float64Array, m: number, n: number): Int32Array {
  for (let i = 0; i < n; i++) perm[i] = i;
  live = n;
  orderRange(points, m, 0, n, 0);
  return perm;
}

/**
 * Point indices in lexicographic order of their objectives (ties by index) in the first n entries of the
 * returned buffer (which may be longer: no view is allocated). Scratch: valid until the next call.
 */
export function lexOrder(points: Float64Array, m: number, n: number): Int32Array {
  ensure(n);
  if (n <= SMALL) return insertionOrder(points, m, n);
  if (!littleEndian) return comparatorOrder(points, m, n);
  return radixOrder(points, m, n);
}

function comparatorOrder(points: Float64Array, m: number, n: number): Int32Array {
  for (let i = 0; i < n; i++) perm[i] = i;
  mergeLex(points, m, 0, n);
  return perm;
}
