/**
 * Source `table:<file.csv>#<column>[:min|:max]`: your own per-architecture measurements. The CSV has a
 * header row, an architecture column (`arch`: any notation the space's `parse` accepts; or `index`) and
 * value columns. Direction: `:min`/`:max` if given, else by column name (accuracy-like names such as
 * `acc`, `accuracy`, `top1`, `top5` maximise; anything else, e.g. latency, minimises).
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { fail, isHwnasError } from '../errors.js';
import type { Direction, ObjectiveColumn, SourceContext } from '../objectives/types.js';
import type { SearchSpace } from '../space/types.js';

export interface TableSpec {
  file: string;
  column: string;
  direction?: Direction;
}

export function parseTableSpec(rest: string): TableSpec {
  const hash = rest.lastIndexOf('#');
  if (hash <= 0 || hash === rest.length - 1)
    fail(
      `bad table source 'table:${rest}'`,
      'write table:<file.csv>#<column>, optionally #<column>:min or #<column>:max',
    );
  const file = rest.slice(0, hash);
  let column = rest.slice(hash + 1);
  let direction: Direction | undefined;
  const m = /^(.*):(min|max)$/.exec(column);
  if (m) {
    column = m[1]!;
    direction = m[2] as Direction;
  }
  if (column === '') fail(`bad table source 'table:${rest}': empty column name`);
  return { file, column, direction };
}

/** Accuracy-like column names maximise; everything else (latency, energy, memory...) minimises. */
export function defaultDirection(column: string): Direction {
  return /acc|top-?[15]/i.test(column) ? 'max' : 'min';
}

function unitOf(column: string): string {
  if (/(^|[^a-z])ms$|latency|_ms\b/i.test(column)) return 'ms';
  if (/acc|top-?[15]/i.test(column)) return '%';
  return '';
}

interface Row {
  record: string[];
  info: { lines: number };
}

/** Read a measurement table into a column aligned with the space index (NaN where not measured). */
export function readTableColumn(
  spec: TableSpec,
  space: SearchSpace,
  opts: { allowMissing?: boolean; source?: string } = {},
): ObjectiveColumn {
  const path = resolve(spec.file);
  const name = basename(spec.file);
  if (!existsSync(path))
    fail(`table ${spec.file}: no such file`, 'check the path; it is relative to the current folder');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    fail(
      `table ${spec.file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      'give a readable CSV file',
    );
  }
  let rows: Row[];
  try {
    rows = parseCsv(text, {
      bom: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
    }) as unknown as Row[];
  } catch (e) {
    const line = (e as { lines?: number }).lines;
    fail(`table ${name}${line ? `:${line}` : ''}: not valid CSV (${(e as Error).message})`);
  }
  if (rows.length === 0)
    fail(`table ${name}: empty file`, 'the first line must name the columns, e.g. arch,latency_ms');
  const header = rows[0]!.record.map((h) => h.trim());
  const lower = header.map((h) => h.toLowerCase());
  let archCol = lower.indexOf('arch');
  const byIndex = archCol < 0;
  if (byIndex) archCol = lower.indexOf('index');
  if (archCol < 0)
    fail(
      `table ${name}: no 'arch' or 'index' column in the header (${header.join(', ')})`,
      header.length === 1 && /[;\t]/.test(header[0]!)
        ? 'separate the columns with commas (this header looks ; or tab separated)'
        : "name the architecture column 'arch' (any notation of the space) or 'index'",
    );
  const valCol = header.indexOf(spec.column);
  if (valCol < 0) fail(`table ${name}: no column '${spec.column}'`, `columns: ${header.join(', ')}`);

  if (rows.length === 1) fail(`table ${name}: no data rows after the header`, 'add one row per measured architecture');

  const values = new Float64Array(space.size).fill(Number.NaN);
  const lineOf = new Map<number, number>();
  for (let r = 1; r < rows.length; r++) {
    const { record, info } = rows[r]!;
    const line = info.lines;
    const where = `table ${name}:${line}`;
    const archText = record[archCol] ?? '';
    let idx: number;
    if (byIndex) {
      idx = Number(archText);
      if (!/^\d+$/.test(archText) || idx >= space.size)
        fail(`${where}: column 'index': '${archText}' is not an index in [0, ${space.size - 1}]`);
    } else {
      try {
        idx = space.parse(archText);
      } catch (e) {
        if (!isHwnasError(e)) throw e;
        fail(`${where}: column 'arch': cannot parse '${archText}' (${e.message})`);
      }
    }
    const text = record[valCol] ?? '';
    const v = Number(text);
    if (text === '' || !Number.isFinite(v)) fail(`${where}: column '${spec.column}': '${text}' is not a number`);
    if (v < 0) fail(`${where}: column '${spec.column}': negative value ${text}`);
    const prev = lineOf.get(idx);
    if (prev !== undefined)
      fail(
        `${where}: column '${header[archCol]}': architecture ${idx} already given on line ${prev}`,
        'one row per architecture',
      );
    lineOf.set(idx, line);
    values[idx] = v;
  }
  const covered = lineOf.size;
  const notes = [`${covered} of ${space.size} architectures measured in ${name}`];
  if (covered < space.size && !opts.allowMissing) {
    let first = 0;
    while (!Number.isNaN(values[first]!)) first++;
    fail(
      `table ${name}: ${space.size - covered} of ${space.size} architectures have no row (first missing: index ${first}, ${space.format(first)})`,
      'add them, or pass --allow-missing to run on the covered subset',
    );
  }
  if (covered < space.size)
    notes.push(`covers ${covered} of ${space.size} architectures; the rest are NaN (allow-missing)`);
  return {
    name: spec.column,
    source: opts.source ?? `table:${spec.file}#${spec.column}`,
    direction: spec.direction ?? defaultDirection(spec.column),
    unit: unitOf(spec.column),
    values,
    notes,
  };
}

export async function resolveTable(rest: string, ctx: SourceContext): Promise<ObjectiveColumn> {
  return readTableColumn(parseTableSpec(rest), ctx.space, { allowMissing: ctx.allowMissing, source: `table:${rest}` });
}
