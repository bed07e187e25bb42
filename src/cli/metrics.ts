/**
 * `hwnas metrics --points P.csv [--front F.csv] --indicator I`: a quality indicator of a point set against
 * a reference front, both read from CSV files (header row, one column per objective, all minimised).
 * Choices (docs/indicators.md): distance indicators need --front; --normalize maps both sets with the
 * ideal/nadir of the front (or --ideal/--nadir); hv needs --ref, or takes 1.1 per objective after
 * normalisation. `--columns latency,-accuracy` selects columns by name and negates those marked '-'.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parse } from 'csv-parse/sync';
import { fail } from '../errors.js';
import {
  gd,
  gdPlus,
  HV_REFERENCE,
  hvReferencePoint,
  hypervolume,
  igd,
  igdPlus,
  type Normalization,
  normalizationFromBounds,
  normalizationFromFront,
  normalize,
  paretoFrontIndices,
} from '../pareto/index.js';
import { toJson } from './output.js';

export interface ObjectiveTable {
  /** Column names as selected (with '-' for negated ones). */
  names: string[];
  m: number;
  n: number;
  /** Row-major n x m, minimised. */
  points: Float64Array;
}

export function readObjectiveCsv(path: string, columns?: string[]): ObjectiveTable {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return fail(
      `cannot read '${path}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      'check the path',
    );
  }
  let rows: string[][];
  try {
    rows = parse(text, { skip_empty_lines: true, trim: true, bom: true, comment: '#' }) as string[][];
  } catch (e) {
    return fail(`${path}: not a valid CSV file: ${(e as Error).message}`);
  }
  if (rows.length === 0) fail(`${path} is empty`, 'expected a header row and one row per point');
  const header = rows[0]!;
  const select = columns ?? header;
  const picks = select.map((spec) => {
    const negate = spec.startsWith('-');
    const name = negate ? spec.slice(1) : spec;
    const at = header.indexOf(name);
    if (at < 0) fail(`${path} has no column '${name}'`, `its columns are: ${header.join(', ')}`);
    return { at, sign: negate ? -1 : 1, name };
  });
  const m = picks.length;
  if (m === 0) fail(`${path}: no objective columns selected`);
  const n = rows.length - 1;
  const points = new Float64Array(n * m);
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r]!;
    for (let k = 0; k < m; k++) {
      const { at, sign, name } = picks[k]!;
      const cell = row[at];
      const v = cell === undefined || cell === '' ? Number.NaN : Number(cell);
      if (!Number.isFinite(v)) {
        fail(
          `${path} row ${r + 1}: column '${name}' is '${cell ?? ''}', not a finite number`,
          columns
            ? 'objective columns must be numeric'
            : `every column is an objective unless --columns picks them, e.g. --columns ${exampleColumns(header)}`,
        );
      }
      points[(r - 1) * m + k] = sign * v;
    }
  }
  return { names: [...select], m, n, points };
}

/** A --columns example for a header: its numeric-looking columns, accuracy-like ones negated. */
function exampleColumns(header: string[]): string {
  const skip = /^(index|arch|architecture|cell|name|id)$/i;
  const picks = header.filter((h) => !skip.test(h));
  return (picks.length > 0 ? picks : header).map((h) => (/acc|top\d/i.test(h) ? `-${h}` : h)).join(',');
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

export const indicators = ['gd', 'gd-mean', 'gd-power', 'gd+', 'igd', 'igd+', 'hv'] as const;
export type IndicatorName = (typeof indicators)[number];

interface MetricsFlags {
  points: string;
  front?: string;
  indicator: string;
  p: string;
  ref?: string;
  normalize?: boolean;
  ideal?: string;
  nadir?: string;
  columns?: string;
  json?: boolean;
}

function rowsOf(points: Float64Array, m: number, idx: ArrayLike<number>): Float64Array {
  const out = new Float64Array(idx.length * m);
  for (let t = 0; t < idx.length; t++) out.set(points.subarray(idx[t]! * m, (idx[t]! + 1) * m), t * m);
  return out;
}

export interface MetricsResult {
  indicator: IndicatorName;
  value: number;
  objectives: string[];
  points: number;
  front: number | null;
  p: number | null;
  ref: number[] | null;
  normalization: { ideal: number[]; nadir: number[] } | null;
}

export function computeMetric(f: MetricsFlags): MetricsResult {
  if (!(indicators as readonly string[]).includes(f.indicator)) {
    fail(`unknown indicator '${f.indicator}'`, `use one of: ${indicators.join(', ')}`);
  }
  const indicator = f.indicator as IndicatorName;
  const columns = f.columns === undefined ? undefined : f.columns.split(',').map((s) => s.trim());
  const A = readObjectiveCsv(f.points, columns);
  if (A.n === 0) fail(`${f.points} has no points`, 'the points file needs at least one data row');
  // Without --columns the front's columns are picked by the points' header names, so a front with other
  // column names (or another order) is an error instead of a silent mix-up of objectives.
  const Z = f.front === undefined ? undefined : readObjectiveCsv(f.front, columns ?? A.names);
  if (Z && Z.m !== A.m)
    fail(`${f.front} has ${Z.m} objective columns but ${f.points} has ${A.m}`, 'both files need the same objectives');
  if (Z && Z.n === 0) fail(`${f.front} has no points`, 'the front file needs at least one data row');
  const m = A.m;
  if (indicator !== 'hv' && !Z) fail(`--indicator ${indicator} needs --front F.csv`, 'give the true (reference) front');
  const explicit = f.ideal !== undefined || f.nadir !== undefined;
  if (explicit && (f.ideal === undefined || f.nadir === undefined)) fail('--ideal and --nadir go together');
  let norm: Normalization | undefined;
  if (explicit)
    norm = normalizationFromBounds(parseNumberList('--ideal', f.ideal!), parseNumberList('--nadir', f.nadir!), m);
  else if (f.normalize) {
    // Bounds from the true front; for hv without --front, from the points' own non-dominated set.
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

export function register(program: Command): void {
  program
    .command('metrics')
    .description('quality indicator (GD variants, GD+, IGD, IGD+, hypervolume) of a point set against a front')
    .requiredOption('--points <P.csv>', 'points to rate: CSV with a header, one column per objective, all minimised')
    .option('--front <F.csv>', 'true (reference) Pareto front, same columns; required except for hv')
    .requiredOption('--indicator <name>', `one of ${indicators.join(', ')}`)
    .option('--p <p>', 'power of gd (original form) and gd-power', '2')
    .option('--ref <r1,r2,...>', 'hv reference point, in the units of the files')
    .option(
      '--normalize',
      `min-max normalise with the ideal and nadir of the front (hv: --ref is then ${HV_REFERENCE} per objective unless given)`,
    )
    .option('--ideal <v1,v2,...>', 'explicit normalisation lower bounds (with --nadir)')
    .option('--nadir <v1,v2,...>', 'explicit normalisation upper bounds (with --ideal)')
    .option('--columns <c1,-c2,...>', "objective columns by name; a leading '-' negates a maximised column")
    .option('--json', 'print a JSON object with the value and the settings used')
    .addHelpText('after', '\nThe value is the last token of the plain output. Definitions: docs/indicators.md.')
    .action((f: MetricsFlags) => {
      const r = computeMetric(f);
      process.stdout.write(f.json ? toJson(r) : `${r.indicator} ${r.value}\n`);
    });
}
