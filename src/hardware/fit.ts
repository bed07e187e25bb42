/**
 * Few-shot correction of an analytical device model from K measured architectures. Each architecture's
 * predicted time is split by kernel type (conv, pointwise, depthwise, linear, pool, element-wise, fast
 * bytes, slow bytes, launches); the measured latency is modelled as
 *   y = s * sum_j x_j * t_j + b,   x >= 0, b >= 0
 * with s the median ratio measured / predicted. x and b are fitted by non-negative least squares on
 * relative errors, pulled towards x = 1, b = 0 with a weight chosen by leave-one-out error on the K rows.
 * The loss is the mean absolute relative error (L1, by iteratively reweighted NNLS): measured tables
 * have heavy-tailed noise that a squared loss chases. Errors are relative to max(y, median(y) / 5): degenerate measurements near 0 ms (HW-NAS-Bench stores
 * 0.01 ms for some cells) would otherwise dominate a relative fit.
 *
 * Two graph semantics compete: the device's runtime as modelled, and the same with converter dead-code
 * elimination switched the other way (TFLite-class converters prune ops whose result cannot reach the
 * output; eager runtimes such as PyTorch run every op, NAS-Bench-201 zero edges included). The measured
 * table says which one it follows: the variant with the lower leave-one-out error wins, the device's own
 * semantics on a tie.
 */
import { fail } from '../errors.js';
import type { SearchSpace } from '../space/types.js';
import { FEATURES, featureTimes } from './cost.js';
import type { Device } from './device.js';
import { nnlsWithPrior } from './nnls.js';
import { archFeatures, spaceFeatures } from './space-latency.js';

export const FIT_PRIOR_WEIGHTS = [0.001, 0.01, 0.03, 0.1, 0.3, 1, 3, 10, 100];
const IRLS_ITERATIONS = 8;

export interface CorrectionModel {
  /** Multiplier per feature (s * x_j) and intercept (ms). */
  weights: Float64Array;
  intercept: number;
  lambda: number;
  /** Mean |relative error| of leave-one-out predictions on the measured rows. */
  looError: number;
}

/** A prior over a correction (multipliers, then intercept): mean and per-weight precision. */
export interface ShapePrior {
  mean: Float64Array;
  precision: Float64Array;
}

/** Priors for the two graph semantics a fit chooses between (transfer.ts learns them). */
export interface SemanticsPriors {
  pruned?: ShapePrior;
  eager?: ShapePrior;
}

/** Unknowns of a correction: one multiplier per feature, then the intercept (in units of the mean latency). */
export const CORRECTION_SIZE = FEATURES + 1;
const P = CORRECTION_SIZE;
/** The fewest measured architectures a fit accepts: with 2, leave-one-out fits on one row. */
export const MIN_FIT_ROWS = 3;

/**
 * The scales a correction is expressed in: `s`, the median ratio measured / model (so multipliers near 1
 * mean "the model's shape was right"), and the mean measured latency (the intercept's unit).
 */
export function correctionScales(t: ArrayLike<number>[], y: ArrayLike<number>): { s: number; ybar: number } {
  const ratios = Array.from(y, (v, i) => {
    let pred = 0;
    for (let j = 0; j < FEATURES; j++) pred += t[i]![j]!;
    return v / Math.max(pred, 1e-12);
  }).sort((a, b) => a - b);
  let ybar = 0;
  for (let i = 0; i < y.length; i++) ybar += y[i]!;
  return { s: ratios[Math.floor(ratios.length / 2)]!, ybar: ybar / y.length };
}

/** The physical prior: the analytical model as it is (every multiplier 1, no intercept). */
function modelPrior(): ShapePrior {
  const mean = new Float64Array(P).fill(1, 0, FEATURES);
  return { mean, precision: new Float64Array(P).fill(1) };
}

/**
 * Fit on rows `t` (per-feature times, ms) and measured `y` (ms). Without `learned`, the pull towards the
 * model's own shape is weighted by leave-one-out choice; with it, towards the learned shape at its strength.
 */
export function fitRows(t: Float64Array[], y: number[], learned?: ShapePrior): CorrectionModel {
  const k = y.length;
  if (k < MIN_FIT_ROWS) fail(`fit: needs at least ${MIN_FIT_ROWS} measured architectures, got ${k}`);
  const { s, ybar } = correctionScales(t, y);
  const sortedY = [...y].sort((a, b) => a - b);
  const floor = sortedY[Math.floor(k / 2)]! / 5;
  const scaleOf = (r: number) => Math.max(y[r]!, floor);
  const { mean: prior, precision } = learned ?? modelPrior();
  const lambdas = learned ? [1] : FIT_PRIOR_WEIGHTS;
  const predict = (x: Float64Array, row: Float64Array) => {
    let v = x[FEATURES]! * ybar;
    for (let j = 0; j < FEATURES; j++) v += s * x[j]! * row[j]!;
    return v;
  };
  const solve = (rows: number[], lambda: number): Float64Array => {
    const A = new Float64Array(rows.length * P);
    const b = new Float64Array(rows.length);
    const u = new Float64Array(rows.length).fill(1);
    let x: Float64Array = prior;
    for (let it = 0; it < IRLS_ITERATIONS; it++) {
      rows.forEach((r, i) => {
        const w = scaleOf(r) / u[i]!;
        for (let j = 0; j < FEATURES; j++) A[i * P + j] = (s * t[r]![j]!) / w;
        A[i * P + FEATURES] = ybar / w;
        b[i] = y[r]! / w;
      });
      x = nnlsWithPrior(A, b, rows.length, P, prior, lambda, precision);
      // Reweight so that the squared loss becomes the absolute one: 1 / sqrt(|relative residual|).
      rows.forEach((r, i) => {
        u[i] = 1 / Math.sqrt(Math.max(Math.abs(predict(x, t[r]!) - y[r]!) / scaleOf(r), 1e-3));
      });
    }
    return x;
  };
  const all = y.map((_, i) => i);
  let best: { lambda: number; err: number } = { lambda: lambdas[0]!, err: Infinity };
  for (const lambda of lambdas) {
    let err = 0;
    for (const i of all) {
      const x = solve(
        all.filter((r) => r !== i),
        lambda,
      );
      err += Math.abs(predict(x, t[i]!) - y[i]!) / scaleOf(i);
    }
    err /= k;
    if (err < best.err) best = { lambda, err };
  }
  const x = solve(all, best.lambda);
  const weights = new Float64Array(FEATURES);
  for (let j = 0; j < FEATURES; j++) weights[j] = s * x[j]!;
  return { weights, intercept: x[FEATURES]! * ybar, lambda: best.lambda, looError: best.err };
}

export function applyCorrection(m: CorrectionModel, times: ArrayLike<number>): number {
  let v = m.intercept;
  for (let j = 0; j < FEATURES; j++) v += m.weights[j]! * times[j]!;
  return v;
}

export interface SpaceCorrection extends CorrectionModel {
  k: number;
  values: Float64Array;
  blockValue?: (d: number, c: number) => number;
  /** Whether the chosen features prune dead code (converter semantics) rather than run every op. */
  pruned: boolean;
  /** Whether a learned transfer prior (rather than the model's own shape) anchored the fit. */
  transferred: boolean;
}

/** `device` with converter dead-code elimination set to `on`. */
export function withDeadCode(device: Device, on: boolean): Device {
  return { ...device, file: { ...device.file, fusion: { ...device.file.fusion, deadCode: on } } };
}

/**
 * Fit each candidate feature set (rows[c][r]: per-feature times of measured row r under candidate c) and
 * keep the one with the lowest leave-one-out error; the first candidate wins ties.
 */
export function selectFit(
  rows: Float64Array[][],
  y: number[],
  priors: (ShapePrior | undefined)[] = [],
): { index: number; model: CorrectionModel } {
  let best: { index: number; model: CorrectionModel } | undefined;
  rows.forEach((r, index) => {
    const model = fitRows(r, y, priors[index]);
    if (!best || model.looError < best.model.looError) best = { index, model };
  });
  if (!best) fail('fit: no candidate feature set');
  return best;
}

/**
 * Fit on the measured (non-NaN) entries of `measured` (aligned with the space index), predict all.
 * `priors` (transfer.ts) anchors each semantics' fit to what other devices' tables taught.
 */
export function fitCorrection(
  space: SearchSpace,
  device: Device,
  measured: Float64Array,
  priors?: SemanticsPriors,
): SpaceCorrection {
  const own = device.file.fusion.deadCode === true;
  const candidates = [device, withDeadCode(device, !own)];
  const candidatePriors = candidates.map((d) => priors?.[d.file.fusion.deadCode === true ? 'pruned' : 'eager']);
  const indices: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < measured.length; i++) {
    const v = measured[i]!;
    if (Number.isNaN(v)) continue;
    if (!(v > 0)) fail(`fit: measured latency of architecture ${i} must be positive, got ${v}`);
    indices.push(i);
    y.push(v);
  }
  if (y.length < MIN_FIT_ROWS) fail(`fit: needs at least ${MIN_FIT_ROWS} measured architectures, got ${y.length}`);
  const feats = new Float64Array(FEATURES);
  const codes: number[] = [];
  const sfs = candidates.map((d) => spaceFeatures(space, d));
  const rows = candidates.map((d, c) => indices.map((i) => featureTimes(archFeatures(sfs[c]!, i, feats, codes), d)));
  const { index, model: m } = selectFit(rows, y, candidatePriors);
  const d = candidates[index]!;
  const sf = sfs[index]!;
  const values = new Float64Array(space.size);
  for (let i = 0; i < space.size; i++)
    values[i] = applyCorrection(m, featureTimes(archFeatures(sf, i, feats, codes), d));
  const out: SpaceCorrection = {
    ...m,
    k: y.length,
    values,
    pruned: index === 0 ? own : !own,
    transferred: candidatePriors[index] !== undefined,
  };
  if (sf.additive)
    out.blockValue = (dec, c) => applyCorrection({ ...m, intercept: 0 }, featureTimes(sf.block[dec]![c]!, d));
  return out;
}
