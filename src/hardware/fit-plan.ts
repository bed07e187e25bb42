/**
 * Which architectures to measure for a few-shot fit (`hwnas fit-plan`). The fit is a linear model in the
 * device model's per-kernel-type times, on relative errors; the rows that pin its weights down best are
 * the ones whose time splits most differently over the kernel types. Greedy sequential D-optimal design
 * picks them: each pick maximises x^T M^-1 x (the variance of the current fit's prediction at x), with
 * M = delta I + the sum of x x^T picked so far, over the fit's relative design rows of both graph
 * semantics side by side. Random picks of 5 to 20 cells of
 * NB201 often share one kernel mix and leave some weights to the prior alone.
 */
import { fail } from '../errors.js';
import { Rng } from '../rng.js';
import type { SearchSpace } from '../space/types.js';
import { FEATURES } from './cost.js';
import type { Device } from './device.js';
import { CORRECTION_SIZE, MIN_FIT_ROWS, withDeadCode } from './fit.js';
import { cellTimes } from './transfer.js';

/** Spaces up to this size are searched whole; larger ones through a seeded sample of this many cells. */
export const PLAN_POOL = 50_000;
const DELTA = 1e-3;

/** Candidate cells: the whole space, or a seeded sample of distinct cells in increasing order. */
function candidates(space: SearchSpace, seed: number): Int32Array {
  if (space.size <= PLAN_POOL) return Int32Array.from({ length: space.size }, (_, i) => i);
  const rng = new Rng(seed);
  const seen = new Set<number>();
  while (seen.size < PLAN_POOL) seen.add(rng.nextInt(space.size));
  return Int32Array.from([...seen].sort((a, b) => a - b));
}

/**
 * The fit's design rows: (per-feature times, 1) / modelled time, each column scaled to unit RMS. The
 * fit's relative errors are floored at a fifth of the median latency (fit.ts) and the rows are weighted
 * the same way, so a cell the model thinks costs nothing (a converter folds it away) has no infinite leverage.
 */
function relativeRows(times: Float64Array[]): Float64Array {
  const B = CORRECTION_SIZE;
  const X = new Float64Array(times.length * B);
  const totals = times.map((t) => t.reduce((a, b) => a + b, 0));
  const floor = [...totals].sort((a, b) => a - b)[Math.floor(totals.length / 2)]! / 5;
  const rms = new Float64Array(B);
  times.forEach((t, r) => {
    const inv = 1 / Math.max(totals[r]!, floor, 1e-12);
    for (let j = 0; j < FEATURES; j++) X[r * B + j] = t[j]! * inv;
    X[r * B + FEATURES] = inv;
    for (let j = 0; j < B; j++) rms[j] += X[r * B + j]! ** 2;
  });
  for (let j = 0; j < B; j++) rms[j] = Math.sqrt(rms[j]! / times.length) || 1;
  for (let r = 0; r < times.length; r++) for (let j = 0; j < B; j++) X[r * B + j] /= rms[j]!;
  return X;
}

/** K architecture indices to measure on `device`'s kind of hardware, in pick order (deterministic). */
export function planMeasurements(space: SearchSpace, device: Device, k: number, seed = 0): number[] {
  if (!Number.isInteger(k) || k < MIN_FIT_ROWS)
    fail(
      `fit-plan: --k must be an integer >= ${MIN_FIT_ROWS} (a fit needs ${MIN_FIT_ROWS} measured architectures), got ${k}`,
    );
  if (k > space.size) fail(`fit-plan: --k ${k} is larger than the space (${space.size} architectures)`);
  const pool = candidates(space, seed);
  if (k > pool.length) fail(`fit-plan: --k ${k} is larger than the ${pool.length} candidate architectures`);
  // The fit chooses between two graph semantics (fit.ts): design for both at once, so the picks pin down
  // whichever one the measurements turn out to follow.
  const own = device.file.fusion.deadCode === true;
  const blocks = [device, withDeadCode(device, !own)].map((d) => relativeRows(cellTimes(space, d, pool)));
  const B = CORRECTION_SIZE;
  const P = 2 * B;
  const X = new Float64Array(pool.length * P);
  for (let r = 0; r < pool.length; r++)
    blocks.forEach((rows, c) => {
      X.set(rows.subarray(r * B, (r + 1) * B), r * P + c * B);
    });
  const Minv = new Float64Array(P * P);
  for (let j = 0; j < P; j++) Minv[j * P + j] = 1 / DELTA;
  const u = new Float64Array(P);
  const picked = new Uint8Array(pool.length);
  const out: number[] = [];
  for (let step = 0; step < k; step++) {
    let best = -1;
    let bestGain = -1;
    for (let r = 0; r < pool.length; r++) {
      if (picked[r]) continue;
      let q = 0;
      for (let a = 0; a < P; a++) {
        let s = 0;
        for (let b = 0; b < P; b++) s += Minv[a * P + b]! * X[r * P + b]!;
        q += X[r * P + a]! * s;
      }
      if (q > bestGain) {
        bestGain = q;
        best = r;
      }
    }
    picked[best] = 1;
    out.push(pool[best]!);
    // Sherman-Morrison: (M + x x^T)^-1 = M^-1 - (M^-1 x)(M^-1 x)^T / (1 + x^T M^-1 x).
    for (let a = 0; a < P; a++) {
      let s = 0;
      for (let b = 0; b < P; b++) s += Minv[a * P + b]! * X[best * P + b]!;
      u[a] = s;
    }
    const d = 1 + bestGain;
    for (let a = 0; a < P; a++) for (let b = 0; b < P; b++) Minv[a * P + b] -= (u[a]! * u[b]!) / d;
  }
  return out;
}
