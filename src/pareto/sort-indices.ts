/**
 * Sorting of index arrays by a strict total order without allocating (typed-array sort with a comparator
 * allocates, and a closure per call would too). Under a strict total order every correct sort gives the
 * same result, so callers may swap one sort for another without changing any output.
 */

/**
 * Sort `idx[0..n)` by `less`, a strict total order: insertion sort of runs of 16, then bottom-up merges
 * through `scratch` (length >= n, not `idx`).
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
