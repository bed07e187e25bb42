/**
 * Convergence of a closed-benchmark run: at each checkpoint k, the found set is the non-dominated set of
 * the distinct architectures among the first k evaluations; it is compared with the true Pareto front of
 * the whole (unpruned) benchmark. Both are normalised by the true front's ideal and nadir, so the poster's
 * GD (original Van Veldhuizen form) and the others are scale-free. HV uses the reference point 1.1 per
 * objective in that normalised space (Ishibuchi et al. 2018), and `hvFront` is the true front's own HV.
 */
import { fail } from '../errors.js';
import {
  gd,
  hvReferencePoint,
  hypervolume,
  igdPlus,
  normalizationFromFront,
  normalize,
  paretoFrontIndices,
} from '../pareto/index.js';
import { posterCheckpoints } from './options.js';

export interface Checkpoint {
  evals: number;
  /** Distinct architectures evaluated so far. */
  distinct: number;
  /** Size of the found non-dominated set. */
  found: number;
  /** GD, original form sqrt(sum d^2)/|A| (the poster's). */
  gd: number;
  /** GD, mean form (1/|A|) sum d (pymoo, DEAP). */
  gdMean: number;
  igdPlus: number;
  hv: number;
}

export interface Convergence {
  checkpoints: Checkpoint[];
  /** HV of the true front with the same reference point: hv / hvFront is the share reached. */
  hvFront: number;
}

/**
 * Extract rows `rows` of a table (n x m) into a compact array.
 */
export function pickRows(objectives: Float64Array, m: number, rows: ArrayLike<number>): Float64Array {
  const out = new Float64Array(rows.length * m);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]! * m;
    for (let o = 0; o < m; o++) out[i * m + o] = objectives[r + o]!;
  }
  return out;
}

/** Indices of the true Pareto front among the rows of `objectives` whose values are all finite. */
export function trueFront(objectives: Float64Array, m: number, among?: ArrayLike<number>): Int32Array {
  const n = objectives.length / m;
  const rows: number[] = [];
  const count = among ? among.length : n;
  for (let i = 0; i < count; i++) {
    const r = among ? among[i]! : i;
    let ok = true;
    for (let o = 0; o < m && ok; o++) ok = Number.isFinite(objectives[r * m + o]!);
    if (ok) rows.push(r);
  }
  if (rows.length === 0) fail('no architecture has finite values for every objective');
  const local = paretoFrontIndices(pickRows(objectives, m, rows), m);
  return Int32Array.from(local, (i) => rows[i]!);
}

export function convergence(
  archs: ArrayLike<number>,
  objectives: Float64Array,
  m: number,
  front: ArrayLike<number>,
  checkpoints: readonly number[] = posterCheckpoints,
): Convergence {
  const Z = pickRows(objectives, m, front);
  const norm = normalizationFromFront(Z, m);
  const Zn = normalize(Z, m, norm);
  const ref = hvReferencePoint(m);
  const seen = new Set<number>();
  const distinct: number[] = [];
  const out: Checkpoint[] = [];
  let done = 0;
  for (const k of [...checkpoints].sort((a, b) => a - b)) {
    if (k > archs.length || k < 1) continue;
    for (; done < k; done++) {
      const a = archs[done]!;
      if (!seen.has(a)) {
        seen.add(a);
        distinct.push(a);
      }
    }
    const pts = pickRows(objectives, m, distinct);
    const A = normalize(pickRows(pts, m, paretoFrontIndices(pts, m)), m, norm);
    out.push({
      evals: k,
      distinct: distinct.length,
      found: A.length / m,
      gd: gd(A, Zn, m, 'original'),
      gdMean: gd(A, Zn, m, 'mean'),
      igdPlus: igdPlus(A, Zn, m),
      hv: hypervolume(A, m, ref),
    });
  }
  return { checkpoints: out, hvFront: hypervolume(Zn, m, ref) };
}
