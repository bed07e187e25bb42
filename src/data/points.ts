/**
 * Point sets and fronts as CSV files: the front `hwnas front` and `hwnas search --found` write (index, arch,
 * accuracy, latency) and the reader `hwnas metrics` rates point sets with (a header row, one column per
 * objective; `columns` picks them by name, a leading '-' negating a maximised one).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { fail } from '../errors.js';

/** One architecture of a front: its index, its notation and its objectives in their own units. */
export interface FrontRow {
  index: number;
  arch: string;
  accuracy: number;
  latency: number;
}

/** A front as CSV (index, arch, accuracy, latency): `hwnas metrics` reads it back. */
export function frontCsv(rows: readonly FrontRow[]): string {
  return stringify(
    rows.map((r) => [r.index, r.arch, r.accuracy, r.latency]),
    { header: true, columns: ['index', 'arch', 'accuracy', 'latency'] },
  );
}

export interface PointTable {
  /** Column names as selected (with '-' for negated ones). */
  names: string[];
  m: number;
  n: number;
  /** Row-major n x m, minimised. */
  points: Float64Array;
}

export function readPointsCsv(path: string, columns?: string[]): PointTable {
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

/**
 * A point set and, optionally, the reference front it is rated against. Without `columns` the front's
 * columns are picked by the points' header names, so a front with other column names (or another order)
 * is an error instead of a silent mix-up of objectives.
 */
export function readPointSets(
  pointsPath: string,
  frontPath: string | undefined,
  columns?: string[],
): { points: PointTable; front: PointTable | undefined } {
  const A = readPointsCsv(pointsPath, columns);
  if (A.n === 0) fail(`${pointsPath} has no points`, 'the points file needs at least one data row');
  const Z = frontPath === undefined ? undefined : readPointsCsv(frontPath, columns ?? A.names);
  if (Z && Z.m !== A.m)
    fail(
      `${frontPath} has ${Z.m} objective columns but ${pointsPath} has ${A.m}`,
      'both files need the same objectives',
    );
  if (Z && Z.n === 0) fail(`${frontPath} has no points`, 'the front file needs at least one data row');
  return { points: A, front: Z };
}
