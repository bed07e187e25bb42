/**
 * Source `table:<file.csv|file.parquet>#<column>[:min|:max]`: your own per-architecture measurements. The
 * table (CSV with a header row, or Parquet) has an architecture column (`arch`: any notation the space's `parse` accepts; or `index`) and
 * value columns. Direction: `:min`/`:max` if given, else by column name (accuracy-like names such as
 * `acc`, `accuracy`, `top1`, `top5` maximise; anything else, e.g. latency, minimises).
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { parquetMetadata, parquetReadObjects, parquetSchema } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
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
      'write table:<file.csv|file.parquet>#<column>, optionally #<column>:min or #<column>:max',
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

/** A table's header and data rows, whatever the file format; `where` / `label` name a row in errors. */
interface TableRecords {
  name: string;
  header: string[];
  /** Typed cells (Parquet): values must be numbers, not text that happens to parse. */
  numeric?: boolean;
  rows: { cells: unknown[]; where: string; label: string }[];
}

function readBytes(spec: TableSpec): Buffer {
  const path = resolve(spec.file);
  if (!existsSync(path))
    fail(`table ${spec.file}: no such file`, 'check the path; it is relative to the current folder');
  try {
    return readFileSync(path);
  } catch (e) {
    fail(
      `table ${spec.file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      'give a readable CSV or Parquet file',
    );
  }
}

/** Parquet files begin with the magic bytes 'PAR1' whatever their name (.pq, .parq, or a .csv by mistake). */
function isParquetBytes(bytes: Buffer): boolean {
  return bytes.length >= 4 && bytes.toString('latin1', 0, 4) === 'PAR1';
}

function csvRecords(spec: TableSpec, bytes: Buffer = readBytes(spec)): TableRecords {
  const name = basename(spec.file);
  const text = bytes.toString('utf8');
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parseCsv(text, { bom: true, skip_empty_lines: true, trim: true, info: true }) as unknown as typeof rows;
  } catch (e) {
    const line = (e as { lines?: number }).lines;
    fail(`table ${name}${line ? `:${line}` : ''}: not valid CSV (${(e as Error).message})`);
  }
  if (rows.length === 0)
    fail(`table ${name}: empty file`, 'the first line must name the columns, e.g. arch,latency_ms');
  return {
    name,
    header: rows[0]!.record.map((h) => h.trim()),
    rows: rows.slice(1).map(({ record, info }) => ({
      cells: record,
      where: `table ${name}:${info.lines}`,
      label: `line ${info.lines}`,
    })),
  };
}

/** Parquet (pandas, polars, DuckDB, ...): every codec through hyparquet-compressors; flat columns only. */
async function parquetRecords(
  spec: TableSpec,
  bytes: Buffer,
  columnsOf: (header: string[]) => string[],
): Promise<TableRecords> {
  const name = basename(spec.file);
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  try {
    const columns = parquetSchema(parquetMetadata(file)).children;
    const header = columns.map((c) => c.element.name);
    const wanted = columnsOf(header);
    for (const c of columns) {
      // A list or struct cell would reach the number parser as "1,2" or "[object Object]".
      if (wanted.includes(c.element.name) && (c.children.length > 0 || c.element.repetition_type === 'REPEATED'))
        fail(
          `table ${name}: column '${c.element.name}' is nested (a Parquet list or struct); hwnas reads flat columns`,
          'store one value per cell: a number, or an architecture as text (e.g. a BLOX arch vector as its JSON string)',
        );
    }
    const objects = await parquetReadObjects({ file, columns: wanted, compressors });
    return {
      name,
      header,
      numeric: true,
      rows: objects.map((o, r) => ({
        cells: header.map((h) => o[h]),
        where: `table ${name} row ${r + 1}`,
        label: `row ${r + 1}`,
      })),
    };
  } catch (e) {
    if (isHwnasError(e)) throw e;
    fail(
      `table ${name}: not a readable Parquet file (${(e as Error).message})`,
      isParquetBytes(bytes)
        ? 'write it with pandas, polars or pyarrow'
        : "it does not begin with Parquet's magic bytes PAR1: if it is CSV text, name it .csv",
    );
  }
}

/**
 * The architecture column ('arch', else 'index') and the value column of a header, or one error line.
 * `indexCol` is the 'index' column beside an 'arch' one (as hwnas writes them): each row's two must agree.
 */
function tableColumns(
  name: string,
  header: string[],
  column: string,
): { archCol: number; valCol: number; byIndex: boolean; indexCol: number } {
  const lower = header.map((h) => h.toLowerCase());
  let archCol = lower.indexOf('arch');
  const byIndex = archCol < 0;
  const indexCol = lower.indexOf('index');
  if (byIndex) archCol = indexCol;
  if (archCol < 0)
    fail(
      `table ${name}: no 'arch' or 'index' column in the header (${header.join(', ')})`,
      header.length === 1 && /[;\t]/.test(header[0]!)
        ? 'separate the columns with commas (this header looks ; or tab separated)'
        : "name the architecture column 'arch' (any notation of the space) or 'index'",
    );
  const valCol = header.indexOf(column);
  if (valCol < 0) fail(`table ${name}: no column '${column}'`, `columns: ${header.join(', ')}`);
  return { archCol, valCol, byIndex, indexCol: byIndex ? -1 : indexCol };
}

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** A cell as text: CSV cells are text already; Parquet gives numbers, bigints (INT64), strings or null. */
function cellText(v: unknown): string {
  return v === null || v === undefined ? '' : String(v);
}

/** What a typed (Parquet) value cell holds when it is not a number, for the error line; undefined if a number. */
function notNumberKind(v: unknown): string | undefined {
  if (v === null || v === undefined || typeof v === 'number' || typeof v === 'bigint') return undefined;
  if (typeof v === 'string') return `text '${v}'`;
  if (typeof v === 'boolean') return `a boolean (${v})`;
  if (v instanceof Date) return `a date (${Number.isNaN(v.getTime()) ? 'invalid' : v.toISOString()})`;
  return Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a JSON object' : `a ${typeof v}`;
}

/**
 * A row with both an 'index' and an 'arch' cell (hwnas's own outputs, or a user's table) must name one
 * architecture: a contradiction would silently file the value under the arch's index. An empty index
 * cell is allowed (the arch alone decides).
 */
function checkIndexAgrees(indexText: string, idx: number, archText: string, where: string, space: SearchSpace): void {
  if (indexText === '' || (/^\d+$/.test(indexText) && Number(indexText) === idx)) return;
  fail(
    `${where}: column 'index' is ${indexText} but column 'arch' '${archText}' is index ${idx} (${space.format(idx)})`,
    "'index' means the space index (hwnas arch <space> <arch> prints it): fix the row, or rename the column if it is another numbering (e.g. NAS-Bench-201's official one)",
  );
}

function columnFromRecords(
  t: TableRecords,
  spec: TableSpec,
  space: SearchSpace,
  opts: { allowMissing?: boolean; source?: string },
): ObjectiveColumn {
  const { name, header } = t;
  const { archCol, valCol, byIndex, indexCol } = tableColumns(name, header, spec.column);
  if (t.rows.length === 0)
    fail(`table ${name}: no data rows after the header`, 'add one row per measured architecture');

  const values = new Float64Array(space.size).fill(Number.NaN);
  const labelOf = new Map<number, string>();
  for (const { cells, where, label } of t.rows) {
    const archText = cellText(cells[archCol]);
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
      if (indexCol >= 0) checkIndexAgrees(cellText(cells[indexCol]), idx, archText, where, space);
    }
    const kind = t.numeric ? notNumberKind(cells[valCol]) : undefined;
    if (kind !== undefined)
      fail(
        `${where}: column '${spec.column}' holds ${kind}, not a number`,
        `store it as a numeric column (pandas: df['${spec.column}'] = pd.to_numeric(df['${spec.column}']))`,
      );
    const text = cellText(cells[valCol]);
    const v = Number(text);
    // CSV text must be a decimal number: Number() alone would also take '0x10', '0b1' or '  '.
    if (text === '' || (!t.numeric && !DECIMAL.test(text)) || !Number.isFinite(v))
      fail(`${where}: column '${spec.column}': '${text}' is not a number`);
    if (v < 0) fail(`${where}: column '${spec.column}': negative value ${text}`);
    const prev = labelOf.get(idx);
    if (prev !== undefined)
      fail(
        `${where}: column '${header[archCol]}': architecture ${idx} already given on ${prev}`,
        'one row per architecture',
      );
    labelOf.set(idx, label);
    values[idx] = v;
  }
  const covered = labelOf.size;
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

const isParquet = (file: string) => /\.parquet$/i.test(file);

/** Read a CSV measurement table into a column aligned with the space index (NaN where not measured). */
export function readTableColumn(
  spec: TableSpec,
  space: SearchSpace,
  opts: { allowMissing?: boolean; source?: string } = {},
): ObjectiveColumn {
  const bytes = isParquet(spec.file) ? undefined : readBytes(spec);
  if (bytes === undefined || isParquetBytes(bytes))
    throw new Error('readTableColumn reads CSV; use loadTableColumn for Parquet');
  return columnFromRecords(csvRecords(spec, bytes), spec, space, opts);
}

/**
 * Read a measurement table, CSV or Parquet (named `.parquet`, or any name starting with Parquet's magic
 * bytes), into a column aligned with the space index.
 */
export async function loadTableColumn(
  spec: TableSpec,
  space: SearchSpace,
  opts: { allowMissing?: boolean; source?: string } = {},
): Promise<ObjectiveColumn> {
  const bytes = readBytes(spec);
  if (!isParquet(spec.file) && !isParquetBytes(bytes))
    return columnFromRecords(csvRecords(spec, bytes), spec, space, opts);
  const records = await parquetRecords(spec, bytes, (header) => {
    const { archCol, valCol, indexCol } = tableColumns(basename(spec.file), header, spec.column);
    return [header[archCol]!, header[valCol]!, ...(indexCol >= 0 ? [header[indexCol]!] : [])];
  });
  return columnFromRecords(records, spec, space, opts);
}

export async function resolveTable(rest: string, ctx: SourceContext): Promise<ObjectiveColumn> {
  return loadTableColumn(parseTableSpec(rest), ctx.space, { allowMissing: ctx.allowMissing, source: `table:${rest}` });
}
