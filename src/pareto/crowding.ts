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
 */
import { fail } from '../errors.js';
import { checkPoints } from './validate.js';

let order = new Int32Array(0);
let distinct = new Int32Array(0);

function ensure(k: number): void {
  if (order.length >= k) return;
  const size = Math.max(k, order.length * 2);
  order = new Int32Array(size);
  distinct = new Int32Array(size);
}

/** Sort positions `idx[0..k)` by the key (insertion sort for small k, comparator sort otherwise). */
function sortPositions(idx: Int32Array, k: number, less: (a: number, b: number) => boolean): void {
  if (k <= 32) {
    for (let i = 1; i < k; i++) {
      const v = idx[i]!;
      let j = i;
      while (j > 0 && less(v, idx[j - 1]!)) {
        idx[j] = idx[j - 1]!;
        j--;
      }
      idx[j] = v;
    }
  } else {
    idx.subarray(0, k).sort((a, b) => (less(a, b) ? -1 : less(b, a) ? 1 : 0));
  }
}

export function crowdingDistance(
  points: Float64Array,
  m: number,
  members: ArrayLike<number>,
  out?: Float64Array,
): Float64Array {
  const n = checkPoints(points, m);
  const k = members.length;
  const dist = out && out.length === k ? out.fill(0) : new Float64Array(k);
  if (k === 0) return dist;
  for (let j = 0; j < k; j++) {
    const p = members[j]!;
    if (!Number.isInteger(p) || p < 0 || p >= n)
      fail(`crowding distance: member ${j} is ${p}, not a point index below ${n}`);
  }
  ensure(k);
  const row = (j: number) => members[j]! * m;
  // Distinct points: lexicographic sort of positions, the first position of each equal run survives.
  const lexLess = (a: number, b: number): boolean => {
    const ra = row(a);
    const rb = row(b);
    for (let o = 0; o < m; o++) {
      const x = points[ra + o]!;
      const y = points[rb + o]!;
      if (x !== y) return x < y;
    }
    return a < b;
  };
  for (let j = 0; j < k; j++) order[j] = j;
  sortPositions(order, k, lexLess);
  let u = 0;
  for (let t = 0; t < k; t++) {
    const j = order[t]!;
    if (t > 0) {
      const prev = order[t - 1]!;
      let same = true;
      for (let o = 0; o < m && same; o++) same = points[row(j) + o] === points[row(prev) + o];
      if (same) continue; // later copy: distance 0
    }
    distinct[u++] = j;
  }
  if (u <= 2) {
    for (let t = 0; t < u; t++) dist[distinct[t]!] = Number.POSITIVE_INFINITY;
    return dist;
  }
  for (let o = 0; o < m; o++) {
    const less = (a: number, b: number): boolean => {
      const x = points[row(a) + o]!;
      const y = points[row(b) + o]!;
      return x !== y ? x < y : a < b;
    };
    sortPositions(distinct, u, less);
    const lo = points[row(distinct[0]!) + o]!;
    const hi = points[row(distinct[u - 1]!) + o]!;
    const range = hi - lo;
    if (range === 0) continue;
    dist[distinct[0]!] = Number.POSITIVE_INFINITY;
    dist[distinct[u - 1]!] = Number.POSITIVE_INFINITY;
    for (let t = 1; t < u - 1; t++) {
      const j = distinct[t]!;
      dist[j]! += (points[row(distinct[t + 1]!) + o]! - points[row(distinct[t - 1]!) + o]!) / range;
    }
  }
  return dist;
}
