/**
 * Staircases of 2-D points (x strictly increasing, y strictly decreasing): the 3-objective sweeps keep one
 * per front over objectives (1, 2). In lexicographic order every member of a front comes before a later
 * point p, so the front dominates p iff its staircase weakly dominates p's (objective 1, objective 2).
 * Typed arrays that only grow, and staircases reused across calls (`openStaircase(k)`): no allocation once
 * warm.
 */
export class Staircase {
  xs = new Float64Array(16);
  ys = new Float64Array(16);
  size = 0;

  /** Index of the last step with x <= v, or -1. */
  private stepAt(v: number): number {
    const xs = this.xs;
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (xs[mid]! <= v) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /** Whether a step weakly dominates (x, y). */
  covers(x: number, y: number): boolean {
    const at = this.stepAt(x);
    return at >= 0 && this.ys[at]! <= y;
  }

  /** Insert a point the staircase does not cover, dropping the steps it covers. */
  insert(x: number, y: number): void {
    const start = this.stepAt(x) + 1;
    let end = start;
    const size = this.size;
    while (end < size && this.ys[end]! >= y) end++;
    const next = size - (end - start) + 1;
    if (next > this.xs.length) this.grow(next);
    const xs = this.xs;
    const ys = this.ys;
    // move the steps after the dropped ones next to the new one (short moves: a loop beats copyWithin)
    if (end === start) {
      for (let t = size; t > start; t--) {
        xs[t] = xs[t - 1]!;
        ys[t] = ys[t - 1]!;
      }
    } else if (end > start + 1) {
      for (let t = end, to = start + 1; t < size; t++, to++) {
        xs[to] = xs[t]!;
        ys[to] = ys[t]!;
      }
    }
    xs[start] = x;
    ys[start] = y;
    this.size = next;
  }

  private grow(need: number): void {
    const cap = Math.max(need, 2 * this.xs.length);
    const xs = new Float64Array(cap);
    const ys = new Float64Array(cap);
    xs.set(this.xs.subarray(0, this.size));
    ys.set(this.ys.subarray(0, this.size));
    this.xs = xs;
    this.ys = ys;
  }
}

const pool: Staircase[] = [];

/** Reusable staircase k, emptied (staircases 0..k-1 keep their steps). */
export function openStaircase(k: number): Staircase {
  while (pool.length <= k) pool.push(new Staircase());
  const s = pool[k]!;
  s.size = 0;
  return s;
}

/** Staircase k as last filled (opened before by openStaircase). */
export function staircaseAt(k: number): Staircase {
  return pool[k]!;
}
