/**
 * What a run needs, as plain data (typed arrays, numbers, strings) so it can be handed to worker threads
 * by structured clone: per device the objective matrix, the normalised true front and every
 * architecture's distance to it; per run its pruned space. The per-architecture arrays live in shared
 * memory (`shareArray`), which structured clone shares instead of copying: every worker reads the same
 * bytes, so memory does not grow with the thread count. Nothing writes to a plan once it is built.
 */
import type { AdaptiveRule, FrontLoss } from '../prune/index.js';
import type { RunSpec } from './cells.js';

/** Objectives per architecture in the study: 0 = -accuracy, 1 = latency (both minimised). */
export const M = 2;

/**
 * A copy of `a` backed by a SharedArrayBuffer: posting it to a worker (workerData, postMessage) hands over
 * the memory itself, not a copy of it. Only for arrays nobody writes to after this point.
 */
export function shareArray<T extends Float64Array | Int32Array | Uint8Array>(a: T): T {
  const Ctor = a.constructor as new (buffer: SharedArrayBuffer) => T;
  const shared = new Ctor(new SharedArrayBuffer(a.byteLength));
  (shared as Float64Array).set(a);
  return shared;
}

/** `objectives`, `normalized`, `distToFront` and `feasible` are in shared memory (`shareArray`). */
export interface DevicePlan {
  source: string;
  /** n x M minimised objectives, row-major. */
  objectives: Float64Array;
  /** n x M objectives normalised with the ideal and nadir of the true front. */
  normalized: Float64Array;
  /** Architecture indices of the true front (sorted by objective 0 then 1). */
  front: Int32Array;
  /** The true front in the normalised space (|front| x M). */
  frontNormalized: Float64Array;
  /** Euclidean distance (normalised space) of every architecture to its nearest true-front point. */
  distToFront: Float64Array;
  ideal: number[];
  nadir: number[];
  /**
   * Architectures the study may evaluate (1): covered by every source and satisfying every constraint.
   * Null when that is all of them (no constraint, complete tables): the run is then exactly the
   * unconstrained one. Rows outside the mask may hold NaN in `objectives`, `normalized` and `distToFront`.
   */
  feasible: Uint8Array | null;
}

export interface StudyPlan {
  radix: number[];
  size: number;
  strategies: string[];
  evals: number;
  checkpoints: number[];
  frontsAt: number[];
  population: number;
  sample: number;
  devices: DevicePlan[];
}

export interface PruneInfo {
  allowed: number[][] | null;
  size: number;
  recall: number;
  bestGd: number;
  /** IGD+ of the pruned space's own front: the floor of any search in it (IGD+ is Pareto-compliant). */
  bestIgdPlus: number;
  r2: number | null;
  /** Which removed blocks the true front uses (null without pruning). */
  frontLoss: FrontLoss | null;
  /** Feasible architectures in the pruned space (= size without constraints or missing rows). */
  feasibleSize?: number;
  /** Adaptive pruning: the rule, and each decision's removed codes in removal order (restored last first). */
  adaptive?: { rule: AdaptiveRule; removed: number[][] };
}

export interface RunTask {
  spec: RunSpec;
  prune: PruneInfo;
}

export interface CheckpointMetrics {
  evals: number;
  /** Original GD (Van Veldhuizen): sqrt(sum d^2) / |A|. */
  gd: number;
  /** Mean GD: (1/|A|) sum d. */
  gdMean: number;
  igdPlus: number;
  hv: number;
  frontSize: number;
}

export interface RunResult {
  index: number;
  key: string;
  /** Architecture evaluated at each step, in order. */
  archs: Int32Array;
  /** (evaluations, GD) pairs at every evaluation where the found front changed. */
  trace: Float64Array;
  /** (evaluations, IGD+) pairs at every evaluation where IGD+ went down: time to quality. */
  igdTrace: Float64Array;
  checkpoints: CheckpointMetrics[];
  /** Found front (architecture indices, canonical order) at each `frontsAt` count. */
  fronts: { evals: number; archs: Int32Array }[];
}
