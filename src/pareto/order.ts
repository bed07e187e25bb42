/**
 * Lexicographic order of points (objective 0, then 1, ...; ties by point index), the first step of every
 * sweep in this module. Large sets use a stable LSD radix sort on order-preserving integer images of the
 * doubles (exact, no comparator calls); small sets use insertion sort. The returned array is scratch
 * memory reused by the next call: copy it if you keep it.
 */

const SMALL = 48;
const BITS = 11;
const RADIX = 1 << BITS;
const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

let perm = new Uint32Array(0);
let tmp = new Uint32Array(0);
let col = new Float64Array(0);
let words = new Uint32Array(0);
const counts = new Uint32Array(3 * RADIX);

function ensure(n: number): void {
  if (perm.length >= n) return;
  const size = Math.max(n, perm.length * 2);
  perm = new Uint32Array(size);
  tmp = new Uint32Array(size);
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

function insertionOrder2(points: Float64Array, n: number): Uint32Array {
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
  return perm.subarray(0, n);
}

function insertionOrder(points: Float64Array, m: number, n: number): Uint32Array {
  if (m === 2) return insertionOrder2(points, n);
  for (let i = 0; i < n; i++) {
    let j = i;
    while (j > 0 && before(points, m, i, perm[j - 1]!)) {
      perm[j] = perm[j - 1]!;
      j--;
    }
    perm[j] = i;
  }
  return perm.subarray(0, n);
}

/**
 * Stable counting-sort passes of `perm` on the 32-bit word at `wordOffset` (0 = low, 1 = high) of every
 * point's key, in three digits of 11, 11 and 10 bits. Digits shared by all points are skipped.
 */
function sortByWord(n: number, wordOffset: number): void {
  counts.fill(0);
  for (let i = 0; i < n; i++) {
    const w = words[2 * i + wordOffset]!;
    counts[w & 2047]!++;
    counts[RADIX + ((w >>> 11) & 2047)]!++;
    counts[2 * RADIX + (w >>> 22)]!++;
  }
  for (let pass = 0; pass < 3; pass++) {
    const base = pass * RADIX;
    const shift = pass * BITS;
    let trivial = false;
    let sum = 0;
    for (let d = 0; d < RADIX; d++) {
      const c = counts[base + d]!;
      if (c === n) trivial = true;
      counts[base + d] = sum;
      sum += c;
    }
    if (trivial) continue;
    for (let i = 0; i < n; i++) {
      const p = perm[i]!;
      const d = (words[2 * p + wordOffset]! >>> shift) & 2047;
      tmp[counts[base + d]!++] = p;
    }
    const t = perm;
    perm = tmp;
    tmp = t;
  }
}

function radixOrder(points: Float64Array, m: number, n: number): Uint32Array {
  for (let i = 0; i < n; i++) perm[i] = i;
  // Least significant key first: objective m-1 ... 0, each low word then high word.
  for (let k = m - 1; k >= 0; k--) {
    for (let i = 0; i < n; i++) col[i] = points[i * m + k]! + 0; // + 0 turns -0 into 0
    for (let i = 0; i < n; i++) {
      // IEEE-754 doubles ordered as unsigned integers: flip every bit of negatives, the sign bit of the rest.
      const hi = words[2 * i + 1]!;
      if (hi & 0x80000000) {
        words[2 * i + 1] = ~hi;
        words[2 * i] = ~words[2 * i]!;
      } else {
        words[2 * i + 1] = hi | 0x80000000;
      }
    }
    sortByWord(n, 0);
    sortByWord(n, 1);
  }
  return perm;
}

/** Point indices in lexicographic order of their objectives (ties by index). Scratch: valid until the next call. */
export function lexOrder(points: Float64Array, m: number, n: number): Uint32Array {
  ensure(n);
  if (n <= SMALL || !littleEndian) {
    if (n > SMALL) return comparatorOrder(points, m, n);
    return insertionOrder(points, m, n);
  }
  return radixOrder(points, m, n).subarray(0, n);
}

function comparatorOrder(points: Float64Array, m: number, n: number): Uint32Array {
  const idx = perm.subarray(0, n);
  for (let i = 0; i < n; i++) idx[i] = i;
  idx.sort((a, b) => (before(points, m, a, b) ? -1 : 1));
  return idx;
}
