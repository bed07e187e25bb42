/**
 * Calibration of a device's constants against its published figures. For every fitted figure the zoo
 * network's feature vector (work per kernel type, bytes, kernels) is computed at the figure's clock and
 * memory size; the constants are then c_j = prior_j * x_j with x >= 0 minimising
 *   sum_f (predicted_f / measured_f - 1)^2 + lambda * sum_j (x_j - 1)^2,
 * i.e. relative errors, pulled towards the datasheet prior where figures do not pin a constant down
 * (non-negative least squares on an augmented system). Leave-one-out refits give an honest error.
 * A variant with `derive` in the file has no figures of its own: its constants are the fitted constants
 * of variant `from` times its prior ratios.
 */

import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../io/atomic.js';
import { zooGraph } from '../ir/zoo.js';
import { FEATURES, graphFeatures } from './cost.js';
import {
  type Calibration,
  CONSTANT_NAMES,
  type Constants,
  type DeviceFile,
  type Figure,
  PRECISION_OPTION,
  type Variant,
} from './device.js';
import { nnlsWithPrior } from './nnls.js';

export const DEFAULT_PRIOR_WEIGHT = 0.05;
/** Prior weights tried per variant; the one with the lowest leave-one-out error wins (needs >= 3 figures). */
export const PRIOR_WEIGHT_GRID = [0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5];

export interface CalibrationRow {
  variant: string;
  network: string;
  measuredMs: number;
  predictedMs: number;
  errorPct: number;
  /** Prediction of a fit that left this figure out (fitted figures only). */
  looMs?: number;
  looErrorPct?: number;
  check: boolean;
  source: string;
}

export interface VariantFit {
  variant: string;
  constants: Constants;
  rows: CalibrationRow[];
  meanAbsErrorPct: number;
  looMeanAbsErrorPct: number;
  priorWeight: number;
  fitted: number;
  derivedFrom?: string;
}

/** Feature vector of a figure's network, in milliseconds per unit constant (features / clock). */
export function figureFeatures(f: DeviceFile, v: Variant, fig: Figure): Float64Array {
  const fastKiB = fig.fastKiB ?? f.fastKiB;
  const g = zooGraph(fig.network);
  const feats = graphFeatures(g, {
    file: f,
    fastBytes: fastKiB * 1024,
    bytesPerValue: v.bytesPerValue ?? f.bytesPerValue,
  });
  const clock = fig.clockMHz ?? f.clockMHz;
  for (let j = 0; j < FEATURES; j++) feats[j] = feats[j]! / (clock * 1000);
  return feats;
}

function priorVector(v: Variant): Float64Array {
  return Float64Array.from(CONSTANT_NAMES.map((k) => v.prior[k]));
}

function toConstants(x: ArrayLike<number>): Constants {
  const c = {} as Constants;
  CONSTANT_NAMES.forEach((k, j) => {
    // 6 significant digits keep the device files readable and re-fits byte-stable.
    c[k] = Number(x[j]!.toPrecision(6));
  });
  return c;
}

/** Fit multipliers x (constants = prior * x) on the figures `use`. */
function fitMultipliers(
  feats: Float64Array[],
  ms: number[],
  use: number[],
  prior: Float64Array,
  lambda: number,
): Float64Array {
  const m = use.length;
  const A = new Float64Array(m * FEATURES);
  const b = new Float64Array(m).fill(1);
  use.forEach((fi, r) => {
    for (let j = 0; j < FEATURES; j++) A[r * FEATURES + j] = (feats[fi]![j]! * prior[j]!) / ms[fi]!;
  });
  return nnlsWithPrior(A, b, m, FEATURES, new Float64Array(FEATURES).fill(1), lambda);
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let j = 0; j < FEATURES; j++) s += a[j]! * b[j]!;
  return s;
}

/** The fit of constants `prior * x` to figures with per-unit-constant features `feats` (see the header). */
function fitFigures(
  figures: Figure[],
  feats: Float64Array[],
  prior: Float64Array,
  lambda: number,
  variant: string,
): Omit<VariantFit, 'variant'> & { rows: CalibrationRow[] } {
  const ms = figures.map((fig) => fig.ms);
  const fitted = figures.map((fig, i) => (fig.check ? -1 : i)).filter((i) => i >= 0);
  const x = fitMultipliers(feats, ms, fitted, prior, lambda);
  const c = new Float64Array(FEATURES);
  for (let j = 0; j < FEATURES; j++) c[j] = prior[j]! * x[j]!;
  const constants = toConstants(c);
  const rounded = Float64Array.from(CONSTANT_NAMES.map((k) => constants[k]));
  const rows: CalibrationRow[] = figures.map((fig, i) => {
    const pred = dot(feats[i]!, rounded);
    const row: CalibrationRow = {
      variant,
      network: fig.network,
      measuredMs: fig.ms,
      predictedMs: pred,
      errorPct: (100 * (pred - fig.ms)) / fig.ms,
      check: fig.check === true,
      source: fig.source,
    };
    if (!fig.check && fitted.length > 1) {
      const xl = fitMultipliers(
        feats,
        ms,
        fitted.filter((k) => k !== i),
        prior,
        lambda,
      );
      let loo = 0;
      for (let j = 0; j < FEATURES; j++) loo += feats[i]![j]! * prior[j]! * xl[j]!;
      row.looMs = loo;
      row.looErrorPct = (100 * (loo - fig.ms)) / fig.ms;
    }
    return row;
  });
  const fitRows = rows.filter((r) => !r.check);
  const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((s, t) => s + Math.abs(t), 0) / xs.length);
  return {
    constants,
    rows,
    meanAbsErrorPct: mean(fitRows.map((r) => r.errorPct)),
    // A single figure has no leave-one-out prediction: NaN, not a perfect 0.
    looMeanAbsErrorPct: fitRows.some((r) => r.looErrorPct !== undefined)
      ? mean(fitRows.filter((r) => r.looErrorPct !== undefined).map((r) => r.looErrorPct!))
      : Number.NaN,
    priorWeight: lambda,
    fitted: fitRows.length,
  };
}

export function fitVariant(f: DeviceFile, name: string, lambda = DEFAULT_PRIOR_WEIGHT): VariantFit {
  const v = f.variants[name]!;
  const feats = v.figures.map((fig) => figureFeatures(f, v, fig));
  return { variant: name, ...fitFigures(v.figures, feats, priorVector(v), lambda, name) };
}

/** Fitted ratios of a precision (`constants` holds the ratios), from the variants' constants `base`. */
export interface PrecisionFit extends VariantFit {
  precision: string;
}

/**
 * Fit a precision's ratios to its figures exactly as variant constants are fitted: a figure's feature j
 * times its variant's constant j is the time that ratio j multiplies, and the prior ratios are the pull.
 * Variants' constants come from `variants` (the fitted ones when calibrating).
 */
export function fitPrecision(
  f: DeviceFile,
  name: string,
  variants: Record<string, Constants>,
  lambda: number | 'auto' = 'auto',
): PrecisionFit {
  const p = f.precisions!.values[name]!;
  const label = `${PRECISION_OPTION}=${name}`;
  const prior = Float64Array.from(CONSTANT_NAMES.map((k) => p.prior[k]));
  const feats = p.figures.map((fig) => {
    const x = figureFeatures(f, { ...f.variants[fig.variant]!, bytesPerValue: p.bytesPerValue }, fig);
    const base = variants[fig.variant]!;
    CONSTANT_NAMES.forEach((k, j) => {
      x[j] = x[j]! * base[k];
    });
    return x;
  });
  const n = p.figures.filter((fig) => !fig.check).length;
  const one = (l: number) => fitFigures(p.figures, feats, prior, l, label);
  const fit =
    n === 0
      ? {
          ...one(DEFAULT_PRIOR_WEIGHT),
          constants: { ...p.prior },
          meanAbsErrorPct: Number.NaN,
          looMeanAbsErrorPct: Number.NaN,
        }
      : lambda !== 'auto'
        ? one(lambda)
        : n < 3
          ? one(DEFAULT_PRIOR_WEIGHT)
          : PRIOR_WEIGHT_GRID.map(one).reduce((a, b) => (b.looMeanAbsErrorPct < a.looMeanAbsErrorPct ? b : a));
  return { variant: label, precision: name, ...fit };
}

/**
 * Fit every variant of a device file; variants without fitted figures derive from `derive.from` or keep
 * their prior. Then the ratios of each precision of the file's precision set (a PrecisionFit each, last),
 * from the fitted variant constants.
 */
export function calibrateDevice(f: DeviceFile, lambda: number | 'auto' = 'auto'): VariantFit[] {
  const fits = new Map<string, VariantFit>();
  const names = Object.keys(f.variants);
  for (const name of names) {
    const n = f.variants[name]!.figures.filter((fig) => !fig.check).length;
    if (n === 0) continue;
    if (lambda !== 'auto') fits.set(name, fitVariant(f, name, lambda));
    else if (n < 3) fits.set(name, fitVariant(f, name, DEFAULT_PRIOR_WEIGHT));
    else {
      const tries = PRIOR_WEIGHT_GRID.map((l) => fitVariant(f, name, l));
      fits.set(
        name,
        tries.reduce((a, b) => (b.looMeanAbsErrorPct < a.looMeanAbsErrorPct ? b : a)),
      );
    }
  }
  for (const name of names) {
    if (fits.has(name)) continue;
    const v = f.variants[name]!;
    const from = v.derive?.from;
    const base = from ? fits.get(from) : undefined;
    const c = {} as Constants;
    for (const k of CONSTANT_NAMES) {
      const basePrior = base ? f.variants[from!]!.prior[k] : 0;
      c[k] = base && basePrior > 0 ? Number(((base.constants[k] * v.prior[k]) / basePrior).toPrecision(6)) : v.prior[k];
    }
    const withConstants: DeviceFile = { ...f, variants: { ...f.variants, [name]: { ...v, constants: c } } };
    const rows: CalibrationRow[] = v.figures.map((fig) => {
      const pred = dot(figureFeatures(withConstants, v, fig), Float64Array.from(CONSTANT_NAMES.map((k) => c[k])));
      return {
        variant: name,
        network: fig.network,
        measuredMs: fig.ms,
        predictedMs: pred,
        errorPct: (100 * (pred - fig.ms)) / fig.ms,
        check: true,
        source: fig.source,
      };
    });
    fits.set(name, {
      variant: name,
      constants: c,
      rows,
      meanAbsErrorPct: Number.NaN,
      looMeanAbsErrorPct: Number.NaN,
      priorWeight: base?.priorWeight ?? Number.NaN,
      fitted: 0,
      ...(base ? { derivedFrom: from! } : {}),
    });
  }
  const variantFits = names.map((n) => fits.get(n)!);
  const fitted = Object.fromEntries(variantFits.map((v) => [v.variant, v.constants]));
  const precisionFits = Object.keys(f.precisions?.values ?? {}).map((p) => fitPrecision(f, p, fitted, lambda));
  return [...variantFits, ...precisionFits];
}

/**
 * Write fitted constants and calibration errors into the device's JSON file (atomically: temp file and
 * rename), leaving everything else in the file as it is.
 */
export function writeCalibration(path: string, fits: VariantFit[]): void {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as {
    variants: Record<string, Record<string, unknown>>;
    precisions?: { values: Record<string, Record<string, unknown>> };
  };
  for (const fit of fits) {
    const precision = (fit as Partial<PrecisionFit>).precision;
    const v = precision !== undefined ? raw.precisions?.values[precision] : raw.variants[fit.variant];
    if (!v) continue;
    if (precision !== undefined) v.ratios = fit.constants;
    else v.constants = fit.constants;
    if (fit.fitted > 0) {
      v.calibration = {
        meanAbsErrorPct: round2(fit.meanAbsErrorPct),
        ...(Number.isNaN(fit.looMeanAbsErrorPct) ? {} : { looMeanAbsErrorPct: round2(fit.looMeanAbsErrorPct) }),
        priorWeight: fit.priorWeight,
        figures: fit.fitted,
      } satisfies Calibration;
    } else delete v.calibration;
  }
  writeFileAtomic(path, `${JSON.stringify(raw, null, 2)}\n`);
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
