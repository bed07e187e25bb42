/**
 * Lexicographic order of points (objective 0, then 1, ...; ties by point index), the first step of every
 * sweep in this module. Large sets use a stable LSD radix sort on order-preserving integer images of the
 * doubles (exact, no comparator calls); small sets and short tied runs use insertion or merge sorts.
 * Allocation-free once the buffers have grown. The returned array is scratch memory reused by the next
 * call: copy it if you keep it.
 */
import { sortIndexRange } from './sort-indices.js';

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

// The comparator of the merge sorts reads the points from here (set by lexOrder, cleared after): a
// module-level function allocates nothing, a closure over the arguments would allocate per call.
const EMPTY = new Float64Array(0);
let curPoints: Float64Array = EMPTY;
let curM = 1;

function curBefore(a: number, b: number): boolean {
  return before(curPoints, curM, a, b);
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
    if (len <= 16) {
      for (let t = start + 1; t < end; t++) {
        const v = perm[t]!;
        let j = t;
        while (j > start && before(points, m, v, perm[j - 1]!)) {
          perm[j] = perm[j - 1]!;
          j--;
        }
        perm[j] = v;
      }
    } else sortIndexRange(perm, start, end, curBefore, tmp);
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
  curPoints = points;
  curM = m;
  orderRange(points, m, 0, n, 0);
  curPoints = EMPTY;
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
  curPoints = points;
  curM = m;
  sortIndexRange(perm, 0, n, curBefore, tmp);
  curPoints = EMPTY;
  return perm;
}
