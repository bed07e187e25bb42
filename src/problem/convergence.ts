/**
 * Convergence on a closed problem: how close the found non-dominated set is to the true front. Both are
 * normalised by the true front's ideal and nadir, so the poster's GD (original Van Veldhuizen form) and
 * the others are scale-free; HV uses the reference point 1.1 per objective in that normalised space
 * (Ishibuchi et al. 2018).
 *
 * Two ways to the same indicators: `convergence` (hwnas search) recomputes the found set at a few
 * checkpoints; `replay` (studies) grows it one evaluation at a time with a `FrontArchive`, which also gives
 * the GD and IGD+ after every evaluation.
 */
import {
  gd,
  hvReferencePoint,
  hypervolume,
  igdPlus,
  normalizationFromFront,
  normalize,
  paretoFrontIndices,
} from '../pareto/index.js';
import { FrontArchive } from './archive.js';
import { IgdPlusTracker } from './igd-tracker.js';
import { pickRows } from './rows.js';

/** Hypervolume reference per objective, in the space normalised by the true front. */

/** Indicators of a found set against the true front, both normalised. */
export interface FrontQuality {
  /** GD, original form sqrt(sum d^2)/|A| (the poster's). */
  gd: number;
  /** GD, mean form (1/|A|) sum d (pymoo, DEAP). */
  gdMean: number;
  igdPlus: number;
  hv: number;
}

/** The indicators of `found` (normalised, |A| x m) against the normalised true front. */
export function frontQuality(found: Float64Array, frontNormalized: Float64Array, m: number): FrontQuality {
  return {
    gd: gd(found, frontNormalized, m, 'original'),
    gdMean: gd(found, frontNormalized, m, 'mean'),
    igdPlus: igdPlus(found, frontNormalized, m),
    hv: hypervolume(found, m, hvReferencePoint(m)),
  };
}

export interface Checkpoint extends FrontQuality {
  evals: number;
  /** Distinct architectures evaluated so far. */
  distinct: number;
  /** Size of the found non-dominated set. */
  found: number;
}

export interface Convergence {
  checkpoints: Checkpoint[];
  /** HV of the true front with the same reference point: hv / hvFront is the share reached. */
  hvFront: number;
}

/** What `convergence` needs of a closed problem (a `ClosedProblem`, or a bare table and its front). */
export interface ConvergenceTarget {
  objectives: Float64Array;
  m: number;
  /** True-front architecture indices. */
  front: ArrayLike<number>;
}

/**
 * At each checkpoint k the found set is the non-dominated set of the distinct architectures among the
 * first k evaluations. Checkpoints past the evaluations made are left out.
 */
export function convergence(
  problem: ConvergenceTarget,
  archs: ArrayLike<number>,
  checkpoints: readonly number[],
): Convergence {
  const { objectives, m, front } = problem;
  const Z = pickRows(objectives, m, front);
  const norm = normalizationFromFront(Z, m);
  const Zn = normalize(Z, m, norm);
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
    out.push({ evals: k, distinct: distinct.length, found: A.length / m, ...frontQuality(A, Zn, m) });
  }
  return {
    checkpoints: out,
    hvFront: hypervolume(Zn, m, hvReferencePoint(m)),
  };
}

/** What `replay` needs: the problem's objectives and its normalised view (`ClosedProblem.normalized()`). */
export interface ReplayTarget {
  objectives: Float64Array;
  m: number;
  normalized: Float64Array;
  frontNormalized: Float64Array;
  distToFront: Float64Array;
}

export interface ReplayCheckpoint extends FrontQuality {
  evals: number;
  /** Size of the found non-dominated set. */
  frontSize: number;
}

export interface Replay {
  /** (evaluations, GD) pairs at every evaluation where the found front changed. */
  trace: Float64Array;
  /** (evaluations, IGD+) pairs at every evaluation where IGD+ went down (it never goes up). */
  igdTrace: Float64Array;
  checkpoints: ReplayCheckpoint[];
  /** Found front (architecture indices, canonical order) at each `frontsAt` count. */
  fronts: { evals: number; archs: Int32Array }[];
}

/**
 * Indicators of the found front along an evaluation history, at the (ascending) `checkpoints`, and the
 * found front itself at the (ascending) `frontsAt` counts.
 */
export function replay(
  target: ReplayTarget,
  archs: Int32Array,
  at: { checkpoints: readonly number[]; frontsAt: readonly number[] },
): Replay {
  const { objectives, m } = target;
  const n = target.distToFront.length;
  const archive = new FrontArchive(objectives, m, target.distToFront, Math.min(archs.length, n));
  const igd = new IgdPlusTracker(target.normalized, target.frontNormalized, m);
  const trace: number[] = [];
  const igdTrace: number[] = [];
  const checkpoints: ReplayCheckpoint[] = [];
  const fronts: Replay['fronts'] = [];
  let nextCheckpoint = 0;
  let nextFront = 0;
  for (let e = 1; e <= archs.length; e++) {
    if (archive.add(archs[e - 1]!)) trace.push(e, archive.gd());
    if (igd.add(archs[e - 1]!)) igdTrace.push(e, igd.value());
    while (nextCheckpoint < at.checkpoints.length && at.checkpoints[nextCheckpoint] === e) {
      const members = archive.sortedMembers();
      const found = pickRows(target.normalized, m, members);
      checkpoints.push({ evals: e, ...frontQuality(found, target.frontNormalized, m), frontSize: members.length });
      nextCheckpoint++;
    }
    while (nextFront < at.frontsAt.length && at.frontsAt[nextFront] === e) {
      fronts.push({ evals: e, archs: archive.sortedMembers() });
      nextFront++;
    }
  }
  return { trace: Float64Array.from(trace), igdTrace: Float64Array.from(igdTrace), checkpoints, fronts };
}
