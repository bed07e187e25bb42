/**
 * Input checks shared by the Pareto functions. Objective sets are flat row-major Float64Arrays
 * (n points x m objectives); a bad set is a user error (one line, exit 2), never a silent NaN.
 */
import { fail } from '../errors.js';

/** Number of points in `points`; fails on a bad objective count, a ragged length or a non-finite value. */
export function checkPoints(points: ArrayLike<number>, m: number, what = 'points'): number {
  if (!Number.isInteger(m) || m < 1) fail(`${what}: the number of objectives must be an integer >= 1, got ${m}`);
  if (points.length % m !== 0) {
    fail(
      `${what}: ${points.length} values do not split into points of ${m} objectives`,
      'every point needs one value per objective',
    );
  }
  for (let i = 0; i < points.length; i++) {
    const v = points[i]!;
    if (!Number.isFinite(v)) {
      fail(`${what}: point ${Math.floor(i / m)} objective ${i % m} is ${v}`, 'objectives must be finite numbers');
    }
  }
  return points.length / m;
}

/** Like checkPoints, and the set must hold at least one point. */
export function checkNonEmpty(points: ArrayLike<number>, m: number, what: string): number {
  const n = checkPoints(points, m, what);
  if (n === 0) fail(`${what} is empty`, 'indicators need at least one point in each set');
  return n;
}

/** A per-objective vector (reference point, bounds) of length m with finite entries. */
export function checkVector(v: ArrayLike<number>, m: number, what: string): void {
  if (v.length !== m) fail(`${what} has ${v.length} values but the points have ${m} objectives`);
  for (let k = 0; k < m; k++) {
    if (!Number.isFinite(v[k]!)) fail(`${what}: value ${k} is ${v[k]}`, 'use finite numbers');
  }
}
