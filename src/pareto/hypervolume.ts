/**
 * Exact hypervolume (S-metric): the Lebesgue measure of the union of boxes [a, ref] over the points a
 * that strictly dominate the reference point (the others contribute nothing), objectives minimised.
 * - 2 objectives: one sweep in lexicographic order, O(n log n).
 * - 3+ objectives: HSO dimension sweep (While et al. 2006): slice along the last objective; each slice's
 *   volume is its depth times the (d-1)-dimensional hypervolume of the points below it, reduced to their
 *   non-dominated set first. Exact; O(n^(d-1)) in the worst case, about O(n^2 log n) for 3 objectives.
 */

import { paretoFrontIndices } from './fronts.js';
import { lexOrder } from './order.js';
import { checkPoints, checkVector } from './validate.js';

/**
 * The reference point's value per objective in a space normalised to [0, 1] (ideal 0, nadir 1):
 * Ishibuchi et al. 2018's 1.1, so the nadir's extreme points still add volume. Used by `hwnas search`,
 * studies, open searches and `hwnas metrics --normalize`.
 */
export const HV_REFERENCE = 1.1;

/** The normalised reference point for `m` objectives: HV_REFERENCE in each. */
export function hvReferencePoint(m: number): Float64Array {
  return new Float64Array(m).fill(HV_REFERENCE);
}

function hv2(pts: Float64Array, n: number, r0: number, r1: number): number {
  const order = lexOrder(pts, 2, n);
  let area = 0;
  let top = r1;
  for (let t = 0; t < n; t++) {
    const i = order[t]!;
    const b = pts[2 * i + 1]!;
    if (b < top) {
      area += (r0 - pts[2 * i]!) * (top - b);
      top = b;
    }
  }
  return area;
}

function hvRec(pts: Float64Array, n: number, d: number, ref: Float64Array): number {
  if (d === 1) {
    let best = ref[0]!;
    for (let i = 0; i < n; i++) if (pts[i]! < best) best = pts[i]!;
    return ref[0]! - best;
  }
  if (d === 2) return hv2(pts, n, ref[0]!, ref[1]!);
  const last = d - 1;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => pts[a * d + last]! - pts[b * d + last]! || a - b);
  let below = new Float64Array(n * last);
  let count = 0;
  let volume = 0;
  for (let t = 0; t < n; t++) {
    const i = order[t]!;
    below.set(pts.subarray(i * d, i * d + last), count * last);
    count++;
    const top = t + 1 < n ? pts[order[t + 1]! * d + last]! : ref[last]!;
    const depth = top - pts[i * d + last]!;
    if (depth <= 0) continue;
    // Only the non-dominated points below the slice shape it; drop the rest before recursing.
    const front = paretoFrontIndices(below.subarray(0, count * last), last);
    if (front.length < count) {
      const kept = new Float64Array(n * last);
      for (let f = 0; f < front.length; f++)
        kept.set(below.subarray(front[f]! * last, (front[f]! + 1) * last), f * last);
      below = kept;
      count = front.length;
    }
    volume += depth * hvRec(below.subarray(0, count * last), count, last, ref);
  }
  return volume;
}

/** Exact hypervolume of A (n x m, minimised) with respect to `ref`. An empty set, or one that dominates no part of the box, has volume 0. */
export function hypervolume(A: Float64Array, m: number, ref: ArrayLike<number>): number {
  const n = checkPoints(A, m, 'points');
  checkVector(ref, m, 'reference point');
  const r = Float64Array.from(ref);
  const inside = new Float64Array(n * m);
  let count = 0;
  for (let i = 0; i < n; i++) {
    let strictly = true;
    for (let k = 0; k < m && strictly; k++) strictly = A[i * m + k]! < r[k]!;
    if (!strictly) continue;
    inside.set(A.subarray(i * m, (i + 1) * m), count * m);
    count++;
  }
  if (count === 0) return 0;
  return hvRec(inside.subarray(0, count * m), count, m, r);
}
