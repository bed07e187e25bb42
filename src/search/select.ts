/**
 * Parent selection of multi-objective regularized evolution: the tournament sample (population slots drawn
 * with replacement) is ranked by non-dominated sorting and, within the first front, by crowding distance
 * (Deb et al. 2002; larger is better). Allocation-free: callers pass scratch buffers sized to the sample.
 *
 * Tie rules (documented in docs/search.md):
 * - a slot drawn twice is one candidate; candidates with identical objective vectors are equivalent, and
 *   among equivalent or equally crowded candidates the one drawn FIRST wins. Draws are i.i.d., so this is a
 *   uniform random tie-break that costs no extra random numbers.
 * - Two objectives: on a first front of distinct points the two extremes (lexicographic minimum of (f0, f1)
 *   and of (f1, f0)) are the only ones with infinite crowding distance, so the parent is whichever of them
 *   was drawn first. That is computed in O(S) without sorting (`selectParent2`).
 * - Other objective counts: rank-0 members by pairwise comparison, copies of a point dropped, then the
 *   Pareto core's crowding distance of the distinct members in drawing order (ties by drawing position;
 *   <= 2 distinct points are all boundary, a constant objective adds nothing) (`selectParentM`).
 */
import { crowdingDistanceOfDistinctInto } from '../pareto/index.js';

/** Slot of the parent among `slots[0..s)` for 2 objectives stored row-major in `objs` (slot * 2). */
export function selectParent2(objs: Float64Array, slots: Int32Array, s: number): number {
  let a = slots[0]!; // lexicographic min of (f0, f1)
  let b = a; // lexicographic min of (f1, f0)
  let posA = 0;
  let posB = 0;
  let a0 = objs[2 * a]!;
  let a1 = objs[2 * a + 1]!;
  let b0 = a0;
  let b1 = a1;
  for (let i = 1; i < s; i++) {
    const k = slots[i]!;
    const f0 = objs[2 * k]!;
    const f1 = objs[2 * k + 1]!;
    if (f0 < a0 || (f0 === a0 && f1 < a1)) {
      a = k;
      posA = i;
      a0 = f0;
      a1 = f1;
    }
    if (f1 < b1 || (f1 === b1 && f0 < b0)) {
      b = k;
      posB = i;
      b0 = f0;
      b1 = f1;
    }
  }
  return posA <= posB ? a : b;
}

/** Scratch space for `selectParentM`, sized for samples of up to `s` slots. */
export class SelectScratch {
  readonly cand: Int32Array;
  readonly front: Int32Array;
  readonly crowd: Float64Array;
  constructor(s: number) {
    this.cand = new Int32Array(s);
    this.front = new Int32Array(s);
    this.crowd = new Float64Array(s);
  }
}

/** Slot of the parent among `slots[0..s)` for any number m >= 1 of objectives (row-major, slot * m). */
export function selectParentM(objs: Float64Array, m: number, slots: Int32Array, s: number, sc: SelectScratch): number {
  // distinct slots in drawing order
  let nc = 0;
  for (let i = 0; i < s; i++) {
    const k = slots[i]!;
    let seen = false;
    for (let j = 0; j < nc; j++) {
      if (sc.cand[j] === k) {
        seen = true;
        break;
      }
    }
    if (!seen) sc.cand[nc++] = k;
  }
  // first front: candidates no other candidate dominates
  let nf = 0;
  for (let i = 0; i < nc; i++) {
    const p = sc.cand[i]! * m;
    let dominated = false;
    for (let j = 0; j < nc && !dominated; j++) {
      if (j === i) continue;
      const q = sc.cand[j]! * m;
      let le = true;
      let lt = false;
      for (let o = 0; o < m; o++) {
        const x = objs[q + o]!;
        const y = objs[p + o]!;
        if (x > y) {
          le = false;
          break;
        }
        if (x < y) lt = true;
      }
      dominated = le && lt;
    }
    if (dominated) continue;
    // a later copy of a point already in the front can never beat the first copy (crowding distance
    // gives copies 0 and ties go to the first drawn), so it is left out
    let copy = false;
    for (let j = 0; j < nf && !copy; j++) {
      const q = sc.front[j]! * m;
      copy = true;
      for (let o = 0; o < m; o++) {
        if (objs[q + o] !== objs[p + o]) {
          copy = false;
          break;
        }
      }
    }
    if (!copy) sc.front[nf++] = sc.cand[i]!; // stays in drawing order
  }
  if (nf <= 2) return sc.front[0]!; // one or two members: all boundary (Infinity), first drawn wins
  crowdingDistanceOfDistinctInto(objs, m, sc.front, 0, nf, sc.crowd);
  let best = 0;
  for (let i = 1; i < nf; i++) if (sc.crowd[i]! > sc.crowd[best]!) best = i;
  return sc.front[best]!;
}
