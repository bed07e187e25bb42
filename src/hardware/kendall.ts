/**
 * Kendall rank correlation tau-b in O(n log n) (Knight 1966: sort by x then y, count discordant pairs
 * as the swaps of a merge sort on y, correct for ties in x, in y and in both). Pairs where either value is
 * NaN are left out, as scipy.stats.kendalltau(nan_policy='omit') does.
 */
export function kendallTau(xs: ArrayLike<number>, ys: ArrayLike<number>): number {
  if (xs.length !== ys.length) throw new Error(`kendallTau: lengths differ (${xs.length} vs ${ys.length})`);
  const keep: number[] = [];
  for (let i = 0; i < xs.length; i++) if (!Number.isNaN(xs[i]!) && !Number.isNaN(ys[i]!)) keep.push(i);
  const n = keep.length;
  if (n < 2) return Number.NaN;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const order = new Int32Array(n);
  for (let k = 0; k < n; k++) order[k] = k;
  keep.forEach((i, k) => {
    x[k] = xs[i]!;
    y[k] = ys[i]!;
  });
  order.sort((a, b) => x[a]! - x[b]! || y[a]! - y[b]!);
  const ySorted = new Float64Array(n);
  for (let k = 0; k < n; k++) ySorted[k] = y[order[k]!]!;
  const pairs = (t: number) => (t * (t - 1)) / 2;
  // Ties in x, and joint ties in (x, y).
  let tiesX = 0;
  let tiesXY = 0;
  let runX = 1;
  let runXY = 1;
  for (let k = 1; k < n; k++) {
    const sameX = x[order[k]!] === x[order[k - 1]!];
    if (sameX) {
      runX++;
      if (ySorted[k] === ySorted[k - 1]) runXY++;
      else {
        tiesXY += pairs(runXY);
        runXY = 1;
      }
    } else {
      tiesX += pairs(runX);
      tiesXY += pairs(runXY);
      runX = 1;
      runXY = 1;
    }
  }
  tiesX += pairs(runX);
  tiesXY += pairs(runXY);
  // Merge sort y counting strictly decreasing pairs (swaps).
  let swaps = 0;
  let src = ySorted;
  let dst = new Float64Array(n);
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        if (src[j]! < src[i]!) {
          dst[k++] = src[j++]!;
          swaps += mid - i;
        } else dst[k++] = src[i++]!;
      }
      while (i < mid) dst[k++] = src[i++]!;
      while (j < hi) dst[k++] = src[j++]!;
    }
    const t = src;
    src = dst;
    dst = t;
  }
  let tiesY = 0;
  let runY = 1;
  for (let k = 1; k < n; k++) {
    if (src[k] === src[k - 1]) runY++;
    else {
      tiesY += pairs(runY);
      runY = 1;
    }
  }
  tiesY += pairs(runY);
  const total = pairs(n);
  const denom = Math.sqrt((total - tiesX) * (total - tiesY));
  if (denom === 0) return Number.NaN;
  return (total - tiesX - tiesY + tiesXY - 2 * swaps) / denom;
}
