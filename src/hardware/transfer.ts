/**
 * Transfer across devices for few-shot latency fits (a hierarchical linear model, fitted by empirical
 * Bayes). Every measured table of another device, read through the same analytical base model, gives
 * that device's correction "shape" (fit.ts's multipliers per kernel type and intercept, fitted on all its
 * cells). Over many devices the shapes have a typical value and a spread per weight: the prior of a new
 * device's fit is their median, with precision 1 / spread^2 (MAD-based, so one odd device does not widen
 * it), scaled by the typical residual of a full-table fit (the noise a measured row carries; the fit's
 * loss is L1, so the scale of Laplace noise).
 * With 5 measured rows the fit then moves the weights the rows can tell apart, and keeps what many
 * devices agree on for the rest.
 *
 * The shipped prior (`devices/priors/transfer.json`) is generated from the fetched HELP tables by
 * `npm run build:transfer-prior`: a few numbers per base device model, not a copy of any table.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fail } from '../errors.js';
import type { SearchSpace } from '../space/types.js';
import { FEATURES, featureTimes } from './cost.js';
import { type Device, devicesDir, getDevice, listDevices, loadDeviceFile } from './device.js';
import { CORRECTION_SIZE, correctionScales, type SemanticsPriors, type ShapePrior, withDeadCode } from './fit.js';
import { nnls } from './nnls.js';
import { archFeatures, spaceFeatures } from './space-latency.js';

/** One device table's full-table correction and how well it fits. */
export interface TableShape {
  shape: Float64Array;
  /** Laplace scale of the relative residuals (median |residual| / ln 2): the fit's loss is L1. */
  residualScale: number;
}

/** Share of a feature in the tables' modelled time under which the tables cannot inform its weight. */
const MIN_FEATURE_SHARE = 1e-3;
/** Floor of a weight's spread: no prior is firmer than +-5 % of the model, however alike the devices. */
const MIN_SPREAD = 0.05;
/** Spread given to a weight no table informs (the model's own value, loosely held). */
const UNINFORMED_SPREAD = 1;

/**
 * The correction of one measured table (`times[i]`: per-feature model times of cell i, ms; `measured[i]`
 * its latency, NaN or <= 0 where not measured), fitted on every measured cell by relative least squares.
 */
export function tableShape(times: ArrayLike<number>[], measured: ArrayLike<number>): TableShape {
  const P = CORRECTION_SIZE;
  const rows: number[] = [];
  for (let i = 0; i < measured.length; i++) if (measured[i]! > 0) rows.push(i);
  if (rows.length < P) fail(`transfer: a table needs at least ${P} measured cells, got ${rows.length}`);
  const A = new Float64Array(rows.length * P);
  const b = new Float64Array(rows.length).fill(1);
  rows.forEach((i, r) => {
    for (let j = 0; j < FEATURES; j++) A[r * P + j] = times[i]![j]! / measured[i]!;
    A[r * P + FEATURES] = 1 / measured[i]!;
  });
  const w = nnls(A, b, rows.length, P);
  const { s, ybar } = correctionScales(
    rows.map((i) => times[i]!),
    rows.map((i) => measured[i]!),
  );
  const shape = new Float64Array(P);
  for (let j = 0; j < FEATURES; j++) shape[j] = w[j]! / s;
  shape[FEATURES] = w[FEATURES]! / ybar;
  const residuals = rows.map((_, r) => {
    let v = 0;
    for (let j = 0; j < P; j++) v += A[r * P + j]! * w[j]!;
    return Math.abs(v - 1);
  });
  return { shape, residualScale: median(residuals) / Math.LN2 };
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 === 1 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

/**
 * Pool many tables' shapes into a prior. `informed[j]` says whether the tables' cells exercise feature j
 * at all (NB201 has no depthwise convolution): an uninformed weight keeps the model's value, loosely.
 */
export function poolShapes(shapes: TableShape[], informed: boolean[]): ShapePrior {
  if (shapes.length < 2) fail(`transfer: a prior needs at least 2 device tables, got ${shapes.length}`);
  const P = CORRECTION_SIZE;
  // MAP of an L1 fit (Laplace noise of scale b) under a normal prior of sd tau: sum |r| + b / (2 tau^2) sum (x - mu)^2.
  const noise = median(shapes.map((t) => t.residualScale)) / 2;
  const mean = new Float64Array(P);
  const precision = new Float64Array(P);
  for (let j = 0; j < P; j++) {
    if (j < FEATURES && !informed[j]) {
      mean[j] = 1;
      precision[j] = noise / UNINFORMED_SPREAD ** 2;
      continue;
    }
    const v = shapes.map((t) => t.shape[j]!);
    const m = median(v);
    const spread = 1.4826 * median(v.map((x) => Math.abs(x - m)));
    mean[j] = m;
    precision[j] = noise / Math.max(spread, MIN_SPREAD) ** 2;
  }
  return { mean, precision };
}

/** Which features the cells' model times exercise (share of the total above MIN_FEATURE_SHARE). */
export function informedFeatures(times: ArrayLike<number>[]): boolean[] {
  const total = new Float64Array(FEATURES);
  for (const t of times) for (let j = 0; j < FEATURES; j++) total[j] += t[j]!;
  const sum = total.reduce((a, b) => a + b, 0);
  return Array.from(total, (v) => v > MIN_FEATURE_SHARE * sum);
}

// ---- the shipped prior file ----

interface PriorJson {
  mean: number[];
  precision: number[];
}

export interface TransferPriorFile {
  /** How the file was made: the data it was learned from and the command that rebuilds it. */
  about: { data: string; tables: string[]; space: string; command: string };
  /** Per base device spec (`cortex-a76`, `cortex-a76@threads=4`, ...): a prior per semantics. */
  priors: Record<string, { pruned: PriorJson; eager: PriorJson }>;
}

/** Beside the device files it was learned with (a sub-folder: `devices/*.json` are device files). */
export const TRANSFER_PRIOR_FILE = 'priors/transfer.json';

export function toPriorJson(p: ShapePrior): PriorJson {
  // 6 significant digits: the file stays small and diff-able, far below the priors' own uncertainty.
  const round = (v: Float64Array) => Array.from(v, (x) => Number(x.toPrecision(6)));
  return { mean: round(p.mean), precision: round(p.precision) };
}

function fromPriorJson(p: PriorJson): ShapePrior {
  return { mean: Float64Array.from(p.mean), precision: Float64Array.from(p.precision) };
}

let cached: { dir: string; file: TransferPriorFile | undefined } | undefined;

/** The shipped transfer prior, or undefined when the package has none (the fit then uses the model's shape). */
export function loadTransferPrior(): TransferPriorFile | undefined {
  const dir = devicesDir();
  if (cached?.dir === dir) return cached.file;
  const path = join(dir, TRANSFER_PRIOR_FILE);
  let file: TransferPriorFile | undefined;
  if (existsSync(path)) {
    try {
      file = JSON.parse(readFileSync(path, 'utf8')) as TransferPriorFile;
    } catch (e) {
      fail(`${path} is not valid JSON (${(e as Error).message})`, 'rebuild it: npm run build:transfer-prior');
    }
  }
  cached = { dir, file };
  return file;
}

/**
 * The key of a device in the prior file: its id and variant (clock and memory options scale or bound
 * the model, and a correction in units of the model's own median ratio absorbs a uniform scale).
 */
export function priorKey(device: Device): string {
  return device.variant === device.file.defaultVariant
    ? device.id
    : `${device.id}@${device.file.variantOption}=${device.variant}`;
}

/** The shipped priors of a base device, if the file has them. */
export function transferPriors(device: Device): SemanticsPriors | undefined {
  const entry = loadTransferPrior()?.priors[priorKey(device)];
  if (!entry) return undefined;
  return { pruned: fromPriorJson(entry.pruned), eager: fromPriorJson(entry.eager) };
}

// ---- learning priors from measured tables ----

/** Per-feature model times (ms) of every cell of a space under `device` (n rows of FEATURES). */
export function cellTimes(space: SearchSpace, device: Device, cells?: ArrayLike<number>): Float64Array[] {
  const sf = spaceFeatures(space, device);
  const feats = new Float64Array(FEATURES);
  const codes: number[] = [];
  const n = cells ? cells.length : space.size;
  return Array.from({ length: n }, (_, r) =>
    featureTimes(archFeatures(sf, cells ? cells[r]! : r, feats, codes), device),
  );
}

/**
 * The priors a base device model gets from measured tables of other devices (each aligned with the space
 * index, NaN where not measured): one per graph semantics, since the fit chooses between the two.
 */
export function learnPriors(space: SearchSpace, base: Device, tables: ArrayLike<number>[]): Required<SemanticsPriors> {
  const one = (deadCode: boolean): ShapePrior => {
    const times = cellTimes(space, withDeadCode(base, deadCode));
    return poolShapes(
      tables.map((t) => tableShape(times, t)),
      informedFeatures(times),
    );
  };
  return { pruned: one(true), eager: one(false) };
}

/** Every base spec a prior is learned for: each device file's variants, at default clock and memory. */
export function priorBaseSpecs(): string[] {
  return listDevices().flatMap((id) => {
    const f = loadDeviceFile(id);
    return Object.keys(f.variants)
      .sort()
      .map((v) => (v === f.defaultVariant ? id : `${id}@${f.variantOption}=${v}`));
  });
}

/** The prior file for every base spec, learned from measured tables of one space (aligned with its index). */
export function buildTransferPriorFile(
  space: SearchSpace,
  tables: { name: string; values: ArrayLike<number> }[],
  about: { data: string; command: string },
  specs: string[] = priorBaseSpecs(),
): TransferPriorFile {
  const priors: TransferPriorFile['priors'] = {};
  for (const spec of specs) {
    const device = getDevice(spec);
    const p = learnPriors(
      space,
      device,
      tables.map((t) => t.values),
    );
    priors[priorKey(device)] = { pruned: toPriorJson(p.pruned), eager: toPriorJson(p.eager) };
  }
  return { about: { ...about, space: space.id, tables: tables.map((t) => t.name) }, priors };
}
