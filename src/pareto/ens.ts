/**
 * The ENS core (efficient non-dominated sort, Zhang, Tian, Cheng & Jin 2015), shared by the ranks and
 * the first front of 4+ objectives. Points arrive in
 * lexicographic order, so a point can only be dominated by points already placed; each front is a linked
 * list in the scratch pool (`lastOf[front]` = latest member, `prevIn[p]` = the member before p), checked
 * from its most recent member backwards. Exact duplicates must be handled by the caller (they share the
 * front of their first copy). Best case O(MN log N), worst O(MN^2).
 */
import { scratch } from './scratch.js';

/** Start front `front` empty. */
export function ensOpen(front: number): void {
  scratch.lastOf[front] = -1;
}

/** Add point p to `front`. */
export function ensAdd(front: number, p: number): void {
  const lastOf = scratch.lastOf;
  scratch.prevIn[p] = lastOf[front]!;
  lastOf[front] = p;
}

/** Whether a member of `front` dominates p, which comes after all of them and differs from each. */
export function dominatedByFront(points: Float64Array, m: number, front: number, p: number): boolean {
  const prevIn = scratch.prevIn;
  const rp = p * m;
  for (let q = scratch.lastOf[front]!; q >= 0; q = prevIn[q]!) {
    // q is before p in lexicographic order: q dominates p iff q <= p in objectives 1..
    const rq = q * m;
    let le = true;
    for (let k = 1; k < m && le; k++) le = points[rq + k]! <= points[rp + k]!;
    if (le) return true;
  }
  return false;
}

/**
 * ENS-BS: the first of fronts 0..fronts-1 that does not dominate p (fronts are nested: if front k does not
 * dominate p, neither does any later one), or `fronts` for a new front.
 */
export function ensFrontOf(points: Float64Array, m: number, fronts: number, p: number): number {
  let lo = 0;
  let hi = fronts;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (dominatedByFront(points, m, mid, p)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
