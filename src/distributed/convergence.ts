/**
 * Convergence of an open problem, where no true front exists: hypervolume and front size of the
 * successful evaluations so far, over evaluations and wall time. Reference point (documented in
 * docs/distributed.md): by default every objective is normalised by the ideal and nadir (best and worst
 * value) of ALL successful evaluations of the search and the reference is 1.1 per objective in that
 * space (Ishibuchi et al. 2018), so the curve is scale-free and the final HV is comparable across
 * searches of the same problem only when they share the explicit `ref`. With `ref` (objective units, the
 * evaluator's directions) HV is computed on the raw minimised objectives.
 */
import { fail } from '../errors.js';
import { toMinimised } from '../objectives/direction.js';
import { hvReferencePoint, hypervolume, normalize, paretoFrontIndices } from '../pareto/index.js';
import { objectiveVector } from './evaluator.js';
import type { TellRecord } from './history.js';
import type { ObjectiveSpec } from './types.js';

export interface OpenCheckpoint {
  /** Evaluations told (failed ones included). */
  evals: number;
  /** Wall time of the search at that point, s. */
  seconds: number;
  /** Successful evaluations so far. */
  ok: number;
  /** Size of the non-dominated set of distinct architectures so far. */
  front: number;
  hv: number;
}

export interface OpenFrontMember {
  index: number;
  n: number;
  objectives: Record<string, number>;
}

export interface OpenConvergence {
  /** How HV is measured: normalised by all points with ref 1.1, or the explicit reference. */
  reference:
    | { kind: 'normalised'; ideal: number[]; nadir: number[]; ref: number[] }
    | { kind: 'explicit'; ref: number[] };
  checkpoints: OpenCheckpoint[];
  /** Final non-dominated set (distinct architectures, first successful evaluation of each). */
  front: OpenFrontMember[];
}

/** 1, 2, 5, 10, 20, 50, ... up to n, and n. */
export function logCheckpoints(n: number): number[] {
  const out: number[] = [];
  for (let p = 1; p <= n; p *= 10) for (const k of [1, 2, 5]) if (k * p <= n) out.push(k * p);
  if (out[out.length - 1] !== n && n > 0) out.push(n);
  return out;
}

/** Explicit reference `r1,r2,...` in objective units and directions; returned minimised. */
export function parseReference(text: string, specs: readonly ObjectiveSpec[]): number[] {
  const parts = text.split(',').map((s) => Number(s.trim()));
  if (parts.length !== specs.length || parts.some((v) => !Number.isFinite(v))) {
    fail(
      `--ref needs ${specs.length === 1 ? 'one number' : `${specs.length} numbers`} (${specs.map((s) => s.name).join(', ')}), got '${text}'`,
      `one value per objective in its own units, e.g. --ref ${specs.map((s) => (s.direction === 'max' ? '0' : '100')).join(',')}`,
    );
  }
  return parts.map((v, k) => toMinimised(v, specs[k]!.direction));
}

export function openConvergence(
  tells: readonly TellRecord[],
  specs: readonly ObjectiveSpec[],
  opts: { ref?: number[]; checkpoints?: number[] } = {},
): OpenConvergence {
  const m = specs.length;
  const vec = new Float64Array(m);
  // Distinct successful architectures in tell order, each with its first result.
  const seen = new Set<number>();
  const rows: { tellIdx: number; rec: TellRecord }[] = [];
  tells.forEach((rec, tellIdx) => {
    if (!rec.ok || !rec.objectives || seen.has(rec.arch)) return;
    if (objectiveVector(rec.objectives, specs, vec) !== undefined) return;
    seen.add(rec.arch);
    rows.push({ tellIdx, rec });
  });
  const pts = new Float64Array(rows.length * m);
  rows.forEach((r, i) => {
    objectiveVector(r.rec.objectives!, specs, vec);
    pts.set(vec, i * m);
  });
  let reference: OpenConvergence['reference'];
  let space: Float64Array = pts;
  let ref: Float64Array;
  if (opts.ref) {
    ref = Float64Array.from(opts.ref);
    reference = { kind: 'explicit', ref: [...opts.ref] };
  } else {
    const ideal = new Float64Array(m).fill(Number.POSITIVE_INFINITY);
    const nadir = new Float64Array(m).fill(Number.NEGATIVE_INFINITY);
    for (let i = 0; i < rows.length; i++) {
      for (let k = 0; k < m; k++) {
        const v = pts[i * m + k]!;
        if (v < ideal[k]!) ideal[k] = v;
        if (v > nadir[k]!) nadir[k] = v;
      }
    }
    // A degenerate objective (one value) gets unit range so normalisation stays finite.
    for (let k = 0; k < m; k++) if (!(nadir[k]! > ideal[k]!)) nadir[k] = ideal[k]! + 1;
    if (rows.length > 0) space = normalize(pts, m, { ideal, nadir });
    ref = hvReferencePoint(m);
    reference = {
      kind: 'normalised',
      ideal: rows.length ? [...ideal] : [],
      nadir: rows.length ? [...nadir] : [],
      ref: [...ref],
    };
  }
  const cps = opts.checkpoints ?? logCheckpoints(tells.length);
  const checkpoints: OpenCheckpoint[] = [];
  let r = 0;
  let okCount = 0;
  let counted = 0;
  for (const k of [...cps].sort((a, b) => a - b)) {
    if (k < 1 || k > tells.length) continue;
    while (r < rows.length && rows[r]!.tellIdx < k) r++;
    for (; counted < k; counted++) if (tells[counted]!.ok) okCount++;
    const t = tells[k - 1]!.t;
    const sub = space.subarray(0, r * m);
    const front = r ? paretoFrontIndices(sub, m) : new Int32Array(0);
    const A = new Float64Array(front.length * m);
    for (let j = 0; j < front.length; j++) A.set(sub.subarray(front[j]! * m, front[j]! * m + m), j * m);
    checkpoints.push({
      evals: k,
      seconds: t / 1000,
      ok: okCount,
      front: front.length,
      hv: front.length ? hypervolume(A, m, ref) : 0,
    });
  }
  const final = rows.length ? paretoFrontIndices(pts, m) : new Int32Array(0);
  const front = Array.from(final, (i) => ({
    index: rows[i]!.rec.arch,
    n: rows[i]!.rec.n,
    objectives: rows[i]!.rec.objectives!,
  }));
  return { reference, checkpoints, front };
}

export interface TimeCurve {
  /** Wall time of the search at each tell, s. */
  seconds: number[];
  /** Hypervolume of the front found by then. */
  hv: number[];
}

/**
 * Hypervolume against wall time of several searches of one problem on ONE scale, so their curves can be
 * compared (with and without early stopping): with `ref`, HV on the raw minimised objectives; else every
 * objective normalised by the ideal and nadir of the successful evaluations of ALL the searches, reference
 * 1.1 per objective (as openConvergence does for one search).
 */
export function commonHvCurves(
  runs: readonly (readonly TellRecord[])[],
  specs: readonly ObjectiveSpec[],
  opts: { ref?: number[] } = {},
): { reference: OpenConvergence['reference']; curves: TimeCurve[] } {
  const m = specs.length;
  let ref = opts.ref;
  let scale = 1;
  let reference: OpenConvergence['reference'];
  if (ref) reference = { kind: 'explicit', ref: [...ref] };
  else {
    const vec = new Float64Array(m);
    const ideal = new Array<number>(m).fill(Number.POSITIVE_INFINITY);
    const nadir = new Array<number>(m).fill(Number.NEGATIVE_INFINITY);
    for (const tells of runs)
      for (const t of tells) {
        if (!t.ok || !t.objectives || objectiveVector(t.objectives, specs, vec) !== undefined) continue;
        for (let k = 0; k < m; k++) {
          ideal[k] = Math.min(ideal[k]!, vec[k]!);
          nadir[k] = Math.max(nadir[k]!, vec[k]!);
        }
      }
    const any = Number.isFinite(ideal[0]!);
    for (let k = 0; k < m; k++) if (!(nadir[k]! > ideal[k]!)) nadir[k] = (any ? ideal[k]! : 0) + 1;
    if (!any) ideal.fill(0);
    // HV in the normalised space = HV against ideal + 1.1 * range, divided by the product of the ranges.
    ref = ideal.map((v, k) => v + 1.1 * (nadir[k]! - v));
    for (let k = 0; k < m; k++) scale *= nadir[k]! - ideal[k]!;
    reference = { kind: 'normalised', ideal, nadir, ref: new Array<number>(m).fill(1.1) };
  }
  const curves = runs.map((tells) => {
    const every = Array.from({ length: tells.length }, (_, i) => i + 1);
    const conv = openConvergence(tells, specs, { ref, checkpoints: every });
    return { seconds: conv.checkpoints.map((c) => c.seconds), hv: conv.checkpoints.map((c) => c.hv / scale) };
  });
  return { reference, curves };
}

/** HV of a curve at time s (step function: the last tell at or before s; 0 before the first). */
export function hvAt(c: TimeCurve, s: number): number {
  let v = 0;
  for (let i = 0; i < c.seconds.length && c.seconds[i]! <= s; i++) v = c.hv[i]!;
  return v;
}

/** First time the curve reaches `target` (within a relative 1e-9), or undefined. */
export function timeToReach(c: TimeCurve, target: number): number | undefined {
  for (let i = 0; i < c.hv.length; i++) if (c.hv[i]! >= target * (1 - 1e-9)) return c.seconds[i]!;
  return undefined;
}
