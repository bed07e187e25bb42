/**
 * Min-max normalisation of objectives: (f - ideal) / (nadir - ideal) per objective. The default bounds are
 * the ideal and nadir of the true front (as pymoo's derive_ideal_and_nadir_from_pf); explicit bounds can be
 * given instead. A degenerate objective (nadir == ideal) is only shifted (divided by 1), so it neither blows
 * up to Infinity nor vanishes. Points outside the bounds map outside [0, 1]; that is intended.
 */
import { fail } from '../errors.js';
import { checkNonEmpty, checkPoints, checkVector } from './validate.js';

export interface Normalization {
  ideal: Float64Array;
  nadir: Float64Array;
}

/** Ideal (per-objective minimum) and nadir (per-objective maximum) of a front. */
export function normalizationFromFront(front: Float64Array, m: number): Normalization {
  const n = checkNonEmpty(front, m, 'front');
  const ideal = new Float64Array(m).fill(Number.POSITIVE_INFINITY);
  const nadir = new Float64Array(m).fill(Number.NEGATIVE_INFINITY);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < m; k++) {
      const v = front[i * m + k]!;
      if (v < ideal[k]!) ideal[k] = v;
      if (v > nadir[k]!) nadir[k] = v;
    }
  }
  return { ideal, nadir };
}

/**
 * Explicit bounds, checked: same length as the objectives, finite, ideal < nadir. Unlike a front's own
 * degenerate objective, a zero range given explicitly is a mistake (every value would only be shifted),
 * so it is refused. `names` label the objectives in the error (default: their positions).
 */
export function normalizationFromBounds(
  ideal: ArrayLike<number>,
  nadir: ArrayLike<number>,
  m: number,
  names?: readonly string[],
): Normalization {
  checkVector(ideal, m, 'ideal');
  checkVector(nadir, m, 'nadir');
  for (let k = 0; k < m; k++) {
    const lo = ideal[k]!;
    const hi = nadir[k]!;
    if (lo < hi) continue;
    const label = names?.[k] === undefined ? `${k}` : `'${names[k]}'`;
    fail(
      `normalisation bounds of objective ${label}: ideal ${lo} ${lo === hi ? '= nadir' : '> nadir'} ${hi}${lo === hi ? ' (a zero range)' : ''}`,
      'each nadir (upper bound) must be above its ideal (lower bound); all objectives are minimised',
    );
  }
  return { ideal: Float64Array.from(ideal), nadir: Float64Array.from(nadir) };
}

/** A normalised copy of `points`. */
export function normalize(points: ArrayLike<number>, m: number, norm: Normalization): Float64Array {
  const n = checkPoints(points, m);
  checkVector(norm.ideal, m, 'normalisation ideal');
  checkVector(norm.nadir, m, 'normalisation nadir');
  const out = new Float64Array(n * m);
  for (let k = 0; k < m; k++) {
    const lo = norm.ideal[k]!;
    const range = norm.nadir[k]! - lo;
    const scale = range > 0 ? 1 / range : 1;
    for (let i = 0; i < n; i++) out[i * m + k] = (points[i * m + k]! - lo) * scale;
  }
  return out;
}
