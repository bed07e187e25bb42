/**
 * The closed problem: a space whose every architecture has known objectives (an accuracy and a latency
 * column), as the minimised objective matrix the searches, the fronts, the pruning audit and the studies
 * all read. One architecture gets the same numbers through this code whichever command asks.
 *
 * - `objectives`: n x m, row-major, each column times its direction's sign (`minimiseSign`); NaN where a
 *   source has no value.
 * - `covered`: every source has a finite value; `feasible`: covered and within every constraint.
 * - `front`: the true Pareto front over the feasible architectures (computed on first use, so a command
 *   can say in its own words why nothing is feasible before it is asked for).
 */
import type { FrontRow } from '../data/index.js';
import { fail } from '../errors.js';
import { minimiseSign } from '../objectives/direction.js';
import type { ObjectiveColumn } from '../objectives/types.js';
import { type Normalization, normalizationFromFront, normalize } from '../pareto/index.js';
import type { SearchSpace } from '../space/types.js';
import { type Constraint, countMask, coveredMask, type FeasibleMask, feasibleMask } from './constraints.js';
import { maskIndices, pickRows, trueFront } from './rows.js';

export interface ClosedSources {
  accuracy: ObjectiveColumn;
  latency: ObjectiveColumn;
}

export interface ClosedProblemOptions {
  constraints?: readonly Constraint[];
  /**
   * false: a source that misses architectures is an error; true: they are left out (not covered). Left
   * undefined, the caller checks coverage itself (a search: over the architectures it searches).
   */
  allowMissing?: boolean;
  /** What the command needs instead, for the error when a source misses architectures. */
  missingHint?: string;
  /** Objective 0 is the latency (hwnas front lists its rows by latency); default: accuracy first. */
  latencyFirst?: boolean;
}

/** The front in the normalised space, and where every architecture lies in it. */
export interface NormalizedProblem {
  /** Ideal and nadir of the true front. */
  normalization: Normalization;
  /** n x m objectives normalised; NaN outside the feasible architectures (when some are not). */
  normalized: Float64Array;
  /** The true front normalised (|front| x m), in front order. */
  frontNormalized: Float64Array;
  /** Euclidean distance (normalised) of every architecture to its nearest true-front point; NaN where infeasible. */
  distToFront: Float64Array;
}

export class ClosedProblem {
  readonly m: number;
  readonly size: number;
  /** The sources in objective order. */
  readonly columns: readonly ObjectiveColumn[];
  readonly objectives: Float64Array;
  readonly covered: Uint8Array;
  readonly coveredCount: number;
  /** The constraints' own mask and per-constraint counts; null without constraints. */
  readonly constraintMask: FeasibleMask | null;
  readonly feasible: Uint8Array;
  readonly feasibleCount: number;
  private frontCache: Int32Array | undefined;
  private normalizedCache: NormalizedProblem | undefined;

  constructor(
    readonly space: SearchSpace,
    readonly sources: ClosedSources,
    readonly constraints: readonly Constraint[],
    latencyFirst: boolean,
  ) {
    const { accuracy, latency } = sources;
    this.columns = latencyFirst ? [latency, accuracy] : [accuracy, latency];
    this.m = this.columns.length;
    this.size = space.size;
    const n = space.size;
    const m = this.m;
    this.objectives = new Float64Array(n * m);
    for (const [k, col] of this.columns.entries()) {
      const sign = minimiseSign(col.direction);
      for (let i = 0; i < n; i++) this.objectives[i * m + k] = sign * col.values[i]!;
    }
    this.covered = coveredMask(n, [accuracy.values, latency.values]);
    this.coveredCount = countMask(this.covered);
    this.constraintMask = constraints.length > 0 ? feasibleMask(space, constraints, { latency: latency.values }) : null;
    this.feasible = Uint8Array.from(this.covered);
    if (this.constraintMask) {
      const mask = this.constraintMask.mask;
      for (let i = 0; i < n; i++) this.feasible[i]! &= mask[i]!;
    }
    this.feasibleCount = countMask(this.feasible);
  }

  /** Whether some architectures are left out (not covered, or outside a constraint). */
  get restricted(): boolean {
    return this.feasibleCount < this.size;
  }

  /** Feasible architecture indices, ascending. */
  feasibleIndices(): Int32Array {
    return maskIndices(this.feasible);
  }

  /** Indices of the true Pareto front over the feasible architectures, in the Pareto core's order. */
  get front(): Int32Array {
    this.frontCache ??= trueFront(this.objectives, this.m, this.restricted ? this.feasibleIndices() : undefined);
    return this.frontCache;
  }

  /** The true front's objective rows (|front| x m). */
  frontPoints(): Float64Array {
    return pickRows(this.objectives, this.m, this.front);
  }

  /** Architectures as front rows (index, notation, accuracy and latency in their own units). */
  rowsOf(indices: ArrayLike<number>): FrontRow[] {
    const { accuracy, latency } = this.sources;
    return Array.from(indices, (i) => ({
      index: i,
      arch: this.space.format(i),
      accuracy: accuracy.values[i]!,
      latency: latency.values[i]!,
    }));
  }

  /** Normalisation by the true front's ideal and nadir, and every architecture's distance to the front. */
  normalized(): NormalizedProblem {
    this.normalizedCache ??= normalizeProblem(this);
    return this.normalizedCache;
  }
}

/**
 * Build the closed problem of `space` for an accuracy and a latency source. Fails in one line when a
 * source does not fit the space, or (allowMissing false) misses architectures.
 */
export function closedProblem(
  space: SearchSpace,
  sources: ClosedSources,
  opts: ClosedProblemOptions = {},
): ClosedProblem {
  const order = opts.latencyFirst ? [sources.latency, sources.accuracy] : [sources.accuracy, sources.latency];
  for (const col of order) {
    checkLength(space, col);
    if (opts.allowMissing !== undefined) checkCoverage(space, col, opts.allowMissing, opts.missingHint);
  }
  return new ClosedProblem(space, sources, opts.constraints ?? [], opts.latencyFirst === true);
}

/**
 * The true front as rows (in front order: by objective 0, so by latency for a latency-first problem, as
 * `hwnas front` lists it). Fails in one line when no architecture is feasible.
 */
export function frontRows(problem: ClosedProblem): FrontRow[] {
  if (problem.feasibleCount === 0) fail('no architecture is covered and within the constraints', 'relax --constraint');
  return problem.rowsOf(problem.front);
}

function checkLength(space: SearchSpace, col: ObjectiveColumn): void {
  if (col.values.length !== space.size)
    fail(
      `source '${col.source}' has ${col.values.length} values but space '${space.id}' has ${space.size} architectures`,
    );
}

/**
 * A source with no value at all is always an error; one with some values missing only without
 * `allowMissing`. `hint` says what the command needs instead.
 */
export function checkCoverage(
  space: SearchSpace,
  col: ObjectiveColumn,
  allowMissing: boolean,
  hint = 'use a complete table, or --allow-missing for the covered architectures',
): void {
  checkLength(space, col);
  let missing = 0;
  for (let i = 0; i < col.values.length; i++) if (!Number.isFinite(col.values[i]!)) missing++;
  if (missing === space.size) fail(`source '${col.source}' has no value for any architecture of '${space.id}'`);
  if (missing > 0 && !allowMissing)
    fail(`source '${col.source}' has no value for ${missing} of ${space.size} architectures of '${space.id}'`, hint);
}

function normalizeProblem(p: ClosedProblem): NormalizedProblem {
  const { objectives, m, size: n, front } = p;
  const rows = p.restricted ? p.feasibleIndices() : null;
  const frontPoints = p.frontPoints();
  const normalization = normalizationFromFront(frontPoints, m);
  // Only feasible rows are normalised (the others may hold NaN, which the Pareto core refuses).
  const normalizedRows = normalize(rows ? pickRows(objectives, m, rows) : objectives, m, normalization);
  let normalized = normalizedRows;
  if (rows) {
    normalized = new Float64Array(n * m).fill(Number.NaN);
    for (let k = 0; k < rows.length; k++)
      for (let o = 0; o < m; o++) normalized[rows[k]! * m + o] = normalizedRows[k * m + o]!;
  }
  const frontNormalized = normalize(frontPoints, m, normalization);
  const distToFront = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (rows && p.feasible[i] !== 1) {
      distToFront[i] = Number.NaN;
      continue;
    }
    distToFront[i] = nearestDistance(normalized, i, m, frontNormalized, front.length);
  }
  return { normalization, normalized, frontNormalized, distToFront };
}

/** Euclidean distance from row `i` of `points` to the nearest of the `count` rows of `front`. */
function nearestDistance(points: Float64Array, i: number, m: number, front: Float64Array, count: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let j = 0; j < count; j++) {
    let d = 0;
    for (let o = 0; o < m; o++) {
      const t = points[i * m + o]! - front[j * m + o]!;
      d += t * t;
    }
    if (d < best) best = d;
  }
  return Math.sqrt(best);
}
