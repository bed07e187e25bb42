/**
 * The convergence curve of a growing open search, kept up to date as tells arrive instead of recomputed:
 * the non-dominated set of the distinct successful architectures (distributed/convergence.ts's
 * definition) is extended with each new one, and a copy of it is kept at every `step`-th evaluation, on
 * a grid whose step doubles whenever it would pass MAX_POINTS points (so a search of any length keeps
 * 200 to 400 of them, and every kept point stays valid). Hypervolumes depend on the normalisation (ideal
 * and nadir of all successful evaluations so far): they are recomputed only for new points, or for all
 * when a new extreme moved the normalisation. The values equal openConvergence's at the same checkpoints
 * (test/serve/live-curve.test.ts).
 */
import type { OpenCheckpoint, OpenFrontMember } from '../distributed/convergence.js';
import { objectiveVector } from '../distributed/evaluator.js';
import type { TellRecord } from '../distributed/history.js';
import type { ObjectiveSpec } from '../objectives/direction.js';
import { hvReferencePoint, hypervolume } from '../pareto/index.js';

export const MAX_POINTS = 400;

interface Snapshot {
  evals: number;
  seconds: number;
  ok: number;
  /** Rows on the front at that point. */
  front: number[];
  hv: number | null;
}

export class LiveCurve {
  private readonly m: number;
  private readonly vec: Float64Array;
  private seen = new Set<number>();
  private rows: TellRecord[] = [];
  private pts: number[] = [];
  private archive: number[] = [];
  private told = 0;
  private ok = 0;
  private step = 1;
  private snaps: Snapshot[] = [];
  private ideal: number[];
  private nadir: number[];
  /** The normalisation the snapshots' hypervolumes were computed with. */
  private hvNorm = '';

  constructor(
    private readonly specs: readonly ObjectiveSpec[],
    private readonly ref?: number[],
  ) {
    this.m = specs.length;
    this.vec = new Float64Array(this.m);
    this.ideal = new Array(this.m).fill(Number.POSITIVE_INFINITY);
    this.nadir = new Array(this.m).fill(Number.NEGATIVE_INFINITY);
  }

  /** Evaluations told so far. */
  get length(): number {
    return this.told;
  }

  /** Take the tells from `tells[this.length]` on (the history's tells, in order). */
  extend(tells: readonly TellRecord[]): void {
    for (let i = this.told; i < tells.length; i++) this.push(tells[i]!);
  }

  private push(rec: TellRecord): void {
    const { m, vec } = this;
    this.told++;
    this.lastTell = rec;
    if (rec.ok) this.ok++;
    if (
      rec.ok &&
      rec.objectives &&
      !this.seen.has(rec.arch) &&
      objectiveVector(rec.objectives, this.specs, vec) === undefined
    ) {
      this.seen.add(rec.arch);
      const row = this.rows.length;
      this.rows.push(rec);
      for (let k = 0; k < m; k++) {
        const v = vec[k]!;
        this.pts.push(v);
        if (v < this.ideal[k]!) this.ideal[k] = v;
        if (v > this.nadir[k]!) this.nadir[k] = v;
      }
      this.add(row);
    }
    if (this.told % this.step === 0) {
      this.snaps.push({ evals: this.told, seconds: rec.t / 1000, ok: this.ok, front: [...this.archive], hv: null });
      if (this.snaps.length > MAX_POINTS) {
        this.step *= 2;
        this.snaps = this.snaps.filter((s) => s.evals % this.step === 0);
      }
    }
  }

  private dominates(a: number, b: number): boolean {
    const { m, pts } = this;
    let strictly = false;
    for (let k = 0; k < m; k++) {
      const x = pts[a * m + k]!;
      const y = pts[b * m + k]!;
      if (x > y) return false;
      if (x < y) strictly = true;
    }
    return strictly;
  }

  private add(i: number): void {
    for (const j of this.archive) if (this.dominates(j, i)) return;
    this.archive = this.archive.filter((j) => !this.dominates(i, j));
    this.archive.push(i);
  }

  /** Row i's objective k normalised exactly as openConvergence does (normalize(): (v - lo) * (1 / range)). */
  private normalised(): (i: number, k: number) => number {
    const { m, pts } = this;
    if (this.ref) return (i, k) => pts[i * m + k]!;
    const lo = this.ideal;
    // A degenerate objective (one value) gets nadir = ideal + 1, as there.
    const scale = this.nadir.map((hi, k) => {
      const nadir = hi > lo[k]! ? hi : lo[k]! + 1;
      const range = nadir - lo[k]!;
      return range > 0 ? 1 / range : 1;
    });
    return (i, k) => (pts[i * m + k]! - lo[k]!) * scale[k]!;
  }

  private hvOf(front: number[], at: (i: number, k: number) => number, ref: ArrayLike<number>): number {
    const { m } = this;
    if (front.length === 0) return 0;
    const order = lexSorted(front, at, m);
    const A = new Float64Array(order.length * m);
    order.forEach((i, j) => {
      for (let k = 0; k < m; k++) A[j * m + k] = at(i, k);
    });
    return hypervolume(A, m, ref);
  }

  /** The checkpoints of the grid, and the last evaluation, with their hypervolumes; the final front. */
  result(): { checkpoints: OpenCheckpoint[]; front: OpenFrontMember[] } {
    const at = this.normalised();
    const ref = this.ref ? Float64Array.from(this.ref) : hvReferencePoint(this.m);
    const norm = `${this.ideal.join(',')}|${this.nadir.join(',')}`;
    if (norm !== this.hvNorm) {
      for (const s of this.snaps) s.hv = null;
      this.hvNorm = norm;
    }
    const checkpoints: OpenCheckpoint[] = this.snaps.map((s) => {
      s.hv ??= this.hvOf(s.front, at, ref);
      return { evals: s.evals, seconds: s.seconds, ok: s.ok, front: s.front.length, hv: s.hv };
    });
    const last = this.snaps[this.snaps.length - 1];
    if (this.told > 0 && last?.evals !== this.told) {
      const rec = this.lastTell;
      checkpoints.push({
        evals: this.told,
        seconds: rec ? rec.t / 1000 : 0,
        ok: this.ok,
        front: this.archive.length,
        hv: this.hvOf(this.archive, at, ref),
      });
    }
    const raw = (i: number, k: number) => this.pts[i * this.m + k]!;
    const front = lexSorted(this.archive, raw, this.m).map((i) => ({
      index: this.rows[i]!.arch,
      n: this.rows[i]!.n,
      objectives: this.rows[i]!.objectives!,
    }));
    return { checkpoints, front };
  }

  private lastTell: TellRecord | undefined;

  /** The evaluation counts the curve holds for `told` evaluations (for tests: openConvergence's grid). */
  grid(): number[] {
    const g = this.snaps.map((s) => s.evals);
    if (this.told > 0 && g[g.length - 1] !== this.told) g.push(this.told);
    return g;
  }
}

/** Rows sorted by objective 0, then 1, ..., then row: the order paretoFrontIndices gives. */
function lexSorted(rows: number[], at: (i: number, k: number) => number, m: number): number[] {
  return [...rows].sort((a, b) => {
    for (let k = 0; k < m; k++) {
      const d = at(a, k) - at(b, k);
      if (d !== 0) return d;
    }
    return a - b;
  });
}
