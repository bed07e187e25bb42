/**
 * Distance-based indicators of an obtained set A against a reference set Z (the true front), all
 * objectives minimised; definitions as in docs/indicators.md:
 * - GD (Van Veldhuizen & Lamont): 'original' (sum d_i^p)^(1/p) / |A| with p = 2 (the classic form),
 *   'mean' (1/|A|) sum d_i (what pymoo and DEAP compute), 'power' ((1/|A|) sum d_i^p)^(1/p) (Schuetze et al.);
 *   d_i = min over Z of the Euclidean distance from a_i.
 * - GD+ / IGD+ (Ishibuchi et al. 2015) use d+(a, z) = sqrt(sum_k max(a_k - z_k, 0)^2).
 * - IGD: (1/|Z|) sum over Z of the Euclidean distance to the nearest point of A.
 */
import { fail } from '../errors.js';
import { checkNonEmpty } from './validate.js';

export type GdVariant = 'original' | 'mean' | 'power';

/** Smallest squared distance from row `i` of X to any row of Y; `plus` uses d+(x, y) (only x worse counts). */
function nearestSquared(X: Float64Array, i: number, Y: Float64Array, ny: number, m: number, plus: boolean): number {
  const rx = i * m;
  let best = Number.POSITIVE_INFINITY;
  for (let j = 0; j < ny; j++) {
    const ry = j * m;
    let s = 0;
    for (let k = 0; k < m && s < best; k++) {
      let d = X[rx + k]! - Y[ry + k]!;
      if (plus && d < 0) d = 0;
      s += d * d;
    }
    if (s < best) best = s;
  }
  return best;
}

/** Sum over X of f(nearest distance to Y). */
function sumNearest(
  X: Float64Array,
  nx: number,
  Y: Float64Array,
  ny: number,
  m: number,
  plus: boolean,
  p: number,
): number {
  let sum = 0;
  for (let i = 0; i < nx; i++) {
    const d = Math.sqrt(nearestSquared(X, i, Y, ny, m, plus));
    sum += p === 1 ? d : d ** p;
  }
  return sum;
}

/** Generational distance of A to Z; see the module comment for the variants. */
export function gd(A: Float64Array, Z: Float64Array, m: number, variant: GdVariant = 'original', p = 2): number {
  const na = checkNonEmpty(A, m, 'obtained set');
  const nz = checkNonEmpty(Z, m, 'reference front');
  if (!Number.isFinite(p) || p <= 0) fail(`GD power p must be a positive number, got ${p}`);
  switch (variant) {
    case 'original':
      return sumNearest(A, na, Z, nz, m, false, p) ** (1 / p) / na;
    case 'mean':
      return sumNearest(A, na, Z, nz, m, false, 1) / na;
    case 'power':
      return (sumNearest(A, na, Z, nz, m, false, p) / na) ** (1 / p);
    default:
      return fail(`unknown GD variant '${variant as string}'`, 'use original, mean or power');
  }
}

/** GD+: mean over A of the distance to the region Z dominates. */
export function gdPlus(A: Float64Array, Z: Float64Array, m: number): number {
  const na = checkNonEmpty(A, m, 'obtained set');
  const nz = checkNonEmpty(Z, m, 'reference front');
  return sumNearest(A, na, Z, nz, m, true, 1) / na;
}

/** IGD: mean over Z of the distance to the nearest point of A. */
export function igd(A: Float64Array, Z: Float64Array, m: number): number {
  const na = checkNonEmpty(A, m, 'obtained set');
  const nz = checkNonEmpty(Z, m, 'reference front');
  return sumNearest(Z, nz, A, na, m, false, 1) / nz;
}

/** IGD+: mean over z in Z of min over A of d+(a, z). Weakly Pareto-compliant. */
export function igdPlus(A: Float64Array, Z: Float64Array, m: number): number {
  const na = checkNonEmpty(A, m, 'obtained set');
  const nz = checkNonEmpty(Z, m, 'reference front');
  let sum = 0;
  for (let j = 0; j < nz; j++) {
    const rz = j * m;
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < na; i++) {
      const ra = i * m;
      let s = 0;
      for (let k = 0; k < m && s < best; k++) {
        const d = A[ra + k]! - Z[rz + k]!;
        if (d > 0) s += d * d;
      }
      if (s < best) best = s;
    }
    sum += Math.sqrt(best);
  }
  return sum / nz;
}
