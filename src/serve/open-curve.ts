/**
 * The convergence of an open search (HV and front size at each checkpoint, and the final front) as
 * distributed/convergence.ts defines it, in one pass: the non-dominated set of the distinct successful
 * architectures is kept as evaluations come in (a point dominated once stays dominated), so each
 * checkpoint costs the front's size, not a sort of every evaluation so far. For a 100,000-evaluation
 * search on a 400-point grid this is what keeps the live page cheap to recompute. Same numbers as
 * `openConvergence` (test/serve/open-curve.test.ts checks it): same rows, normalisation and point order.
 */
import type { OpenCheckpoint, OpenFrontMember } from '../distributed/convergence.js';
import { objectiveVector } from '../distributed/evaluator.js';
import type { TellRecord } from '../distributed/history.js';
import type { ObjectiveSpec } from '../objectives/direction.js';
import { hvReferencePoint, hypervolume, normalize } from '../pareto/index.js';

function dominates(p: Float64Array, a: number, b: number, m: number): boolean {
  let strictly = false;
  for (let k = 0; k < m; k++) {
    const x = p[a * m + k]!;
    const y = p[b * m + k]!;
    if (x > y) return false;
    if (x < y) strictly = true;
  }
  return strictly;
}

/** The non-dominated rows of `p` among those added (duplicates kept, as paretoFrontIndices keeps them). */
class Archive {
  members: number[] = [];
  constructor(
    private readonly p: Float64Array,
    private readonly m: number,
  ) {}

  add(i: number): void {
    const { p, m } = this;
    for (const j of this.members) if (dominates(p, j, i, m)) return;
    this.members = this.members.filter((j) => !dominates(p, i, j, m));
    this.members.push(i);
  }
}

/** Rows sorted by objective 0, then 1, ..., then row (the order paretoFrontIndices returns). */
function lexSort(rows: number[], p: Float64Array, m: number): number[] {
  return rows.sort((a, b) => {
    for (let k = 0; k < m; k++) {
      const d = p[a * m + k]! - p[b * m + k]!;
      if (d !== 0) return d;
    }
    return a - b;
  });
}

export function openCurve(
  tells: readonly TellRecord[],
  specs: readonly ObjectiveSpec[],
  opts: { ref?: number[]; checkpoints: number[] },
): { checkpoints: OpenCheckpoint[]; front: OpenFrontMember[] } {
  const m = specs.length;
  const vec = new Float64Array(m);
  const seen = new Set<number>();
  const rows: { tellIdx: number; rec: TellRecord }[] = [];
  const values: number[] = [];
  tells.forEach((rec, tellIdx) => {
    if (!rec.ok || !rec.objectives || seen.has(rec.arch)) return;
    if (objectiveVector(rec.objectives, specs, vec) !== undefined) return;
    seen.add(rec.arch);
    rows.push({ tellIdx, rec });
    for (let k = 0; k < m; k++) values.push(vec[k]!);
  });
  const pts = Float64Array.from(values);
  let space: Float64Array = pts;
  let ref: Float64Array;
  if (opts.ref) ref = Float64Array.from(opts.ref);
  else {
    const ideal = new Float64Array(m).fill(Number.POSITIVE_INFINITY);
    const nadir = new Float64Array(m).fill(Number.NEGATIVE_INFINITY);
    for (let i = 0; i < rows.length; i++) {
      for (let k = 0; k < m; k++) {
        const v = pts[i * m + k]!;
        if (v < ideal[k]!) ideal[k] = v;
        if (v > nadir[k]!) nadir[k] = v;
      }
    }
    for (let k = 0; k < m; k++) if (!(nadir[k]! > ideal[k]!)) nadir[k] = ideal[k]! + 1;
    if (rows.length > 0) space = normalize(pts, m, { ideal, nadir });
    ref = hvReferencePoint(m);
  }
  // Checkpoints rank in the normalised space (as openConvergence does), the final front in the raw one.
  const archive = new Archive(space, m);
  const checkpoints: OpenCheckpoint[] = [];
  let r = 0;
  let okCount = 0;
  let counted = 0;
  for (const k of [...opts.checkpoints].sort((a, b) => a - b)) {
    if (k < 1 || k > tells.length) continue;
    while (r < rows.length && rows[r]!.tellIdx < k) archive.add(r++);
    for (; counted < k; counted++) if (tells[counted]!.ok) okCount++;
    const front = lexSort([...archive.members], space, m);
    const A = new Float64Array(front.length * m);
    front.forEach((i, j) => {
      A.set(space.subarray(i * m, i * m + m), j * m);
    });
    checkpoints.push({
      evals: k,
      seconds: tells[k - 1]!.t / 1000,
      ok: okCount,
      front: front.length,
      hv: front.length ? hypervolume(A, m, ref) : 0,
    });
  }
  const raw = new Archive(pts, m);
  for (let i = 0; i < rows.length; i++) raw.add(i);
  const front = lexSort(raw.members, pts, m).map((i) => ({
    index: rows[i]!.rec.arch,
    n: rows[i]!.rec.n,
    objectives: rows[i]!.rec.objectives!,
  }));
  return { checkpoints, front };
}
