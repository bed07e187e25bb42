/**
 * One quality indicator of a point set against a reference front, by name, with the normalisation and
 * reference-point choices of `hwnas metrics` (docs/indicators.md): distance indicators need the front;
 * `normalize` maps both sets with the ideal/nadir of the front (or explicit bounds); hv needs a reference
 * point, or takes 1.1 per objective after normalisation.
 */
import { readPointSets } from '../data/points.js';
import { fail } from '../errors.js';
import { gd, gdPlus, igd, igdPlus } from './distance.js';
import { paretoFrontIndices } from './fronts.js';
import { HV_REFERENCE, hvReferencePoint, hypervolume } from './hypervolume.js';
import { type Normalization, normalizationFromBounds, normalizationFromFront, normalize } from './normalize.js';

export const indicators = ['gd', 'gd-mean', 'gd-power', 'gd+', 'igd', 'igd+', 'hv'] as const;
export type IndicatorName = (typeof indicators)[number];

/** A point set (n x m, row-major, minimised) and its objective names. */
export interface NamedPoints {
  names: string[];
  m: number;
  n: number;
  points: Float64Array;
}

/** The choices, as the command line gives them (numbers as text, checked here). */
export interface IndicatorOptions {
  indicator: string;
  p: string;
  ref?: string;
  normalize?: boolean;
  ideal?: string;
  nadir?: string;
}

export interface IndicatorResult {
  indicator: IndicatorName;
  value: number;
  objectives: string[];
  points: number;
  front: number | null;
  p: number | null;
  ref: number[] | null;
  normalization: { ideal: number[]; nadir: number[] } | null;
}

export function checkIndicator(name: string): IndicatorName {
  if (!(indicators as readonly string[]).includes(name)) {
    fail(`unknown indicator '${name}'`, `use one of: ${indicators.join(', ')}`);
  }
  return name as IndicatorName;
}

/** A comma-separated list of finite numbers (reference point, bounds). */
export function parseNumberList(flag: string, value: string): number[] {
  const parts = value.split(',').map((s) => s.trim());
  const nums = parts.map(Number);
  if (parts.some((s) => s === '') || nums.some((v) => !Number.isFinite(v))) {
    fail(`${flag} must be comma-separated numbers, got '${value}'`, `e.g. ${flag} 1.1,1.1`);
  }
  return nums;
}

function parsePower(value: string): number {
  const v = Number(value);
  if (value.trim() === '' || !Number.isFinite(v) || v <= 0)
    fail(`--p must be a positive number, got '${value}'`, 'e.g. --p 2');
  return v;
}

function rowsOf(points: Float64Array, m: number, idx: ArrayLike<number>): Float64Array {
  const out = new Float64Array(idx.length * m);
  for (let t = 0; t < idx.length; t++) out.set(points.subarray(idx[t]! * m, (idx[t]! + 1) * m), t * m);
  return out;
}

/** Files and columns of `hwnas metrics`: the points to rate and the front to rate them against. */
export interface MetricsOptions extends IndicatorOptions {
  points: string;
  front?: string;
  /** `latency,-accuracy`: columns by name, '-' negating a maximised one; default every column. */
  columns?: string;
}

/** The indicator of a point-set CSV against a front CSV (`hwnas metrics`). */
export function computeMetric(f: MetricsOptions): IndicatorResult {
  checkIndicator(f.indicator);
  const columns = f.columns === undefined ? undefined : f.columns.split(',').map((s) => s.trim());
  const { points, front } = readPointSets(f.points, f.front, columns);
  return computeIndicator(points, front, f);
}

export function computeIndicator(A: NamedPoints, Z: NamedPoints | undefined, f: IndicatorOptions): IndicatorResult {
  const indicator = checkIndicator(f.indicator);
  const m = A.m;
  if (indicator !== 'hv' && !Z) fail(`--indicator ${indicator} needs --front F.csv`, 'give the true (reference) front');
  const explicit = f.ideal !== undefined || f.nadir !== undefined;
  if (explicit && (f.ideal === undefined || f.nadir === undefined)) fail('--ideal and --nadir go together');
  let norm: Normalization | undefined;
  if (explicit)
    norm = normalizationFromBounds(
      parseNumberList('--ideal', f.ideal!),
      parseNumberList('--nadir', f.nadir!),
      m,
      A.names,
    );
  else if (f.normalize) {
    // Bounds from the true front; for hv without a front, from the points' own non-dominated set.
    norm = Z
      ? normalizationFromFront(Z.points, m)
      : normalizationFromFront(rowsOf(A.points, m, paretoFrontIndices(A.points, m)), m);
  }
  const a = norm ? normalize(A.points, m, norm) : A.points;
  const z = Z ? (norm ? normalize(Z.points, m, norm) : Z.points) : undefined;
  const usesP = indicator === 'gd' || indicator === 'gd-power';
  const p = usesP ? parsePower(f.p) : null;
  let ref: number[] | null = null;
  let value: number;
  switch (indicator) {
    case 'gd':
      value = gd(a, z!, m, 'original', p!);
      break;
    case 'gd-mean':
      value = gd(a, z!, m, 'mean');
      break;
    case 'gd-power':
      value = gd(a, z!, m, 'power', p!);
      break;
    case 'gd+':
      value = gdPlus(a, z!, m);
      break;
    case 'igd':
      value = igd(a, z!, m);
      break;
    case 'igd+':
      value = igdPlus(a, z!, m);
      break;
    case 'hv': {
      if (f.ref !== undefined) {
        const raw = parseNumberList('--ref', f.ref);
        if (raw.length !== m) fail(`--ref has ${raw.length} values but the points have ${m} objectives`);
        ref = norm ? [...normalize(raw, m, norm)] : raw;
      } else if (norm) ref = [...hvReferencePoint(m)];
      else
        fail(
          '--indicator hv needs --ref r1,...,rm or --normalize',
          `with --normalize the reference point is ${HV_REFERENCE} per objective`,
        );
      value = hypervolume(a, m, ref);
      break;
    }
  }
  return {
    indicator,
    value,
    objectives: A.names,
    points: A.n,
    front: Z ? Z.n : null,
    p,
    ref,
    normalization: norm ? { ideal: [...norm.ideal], nadir: [...norm.nadir] } : null,
  };
}
