/**
 * `hwnas data import blox <dir>`: read every BLOX release file in a folder (preferring `.blox`, then `.csv`,
 * then `.pickle` for the same logical file), validate headers and rows, map rows to the blox space's
 * index, and store the numeric columns as one compact table in the cache, which the `blox:<column>`
 * source reads.
 *
 * Mapping rows (fast whatever the size): `blox-info` rows carry `arch_vec`, parsed directly and checked
 * against the model hash of that one architecture; the other files key rows by model hash only and are
 * mapped through the hash -> index pairs of `blox-info` when it is present, through the space's hash
 * table (cached once for all networks) otherwise.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fail, isHwnasError } from '../../errors.js';
import { derivedPath } from '../../io/cache-dir.js';
import type { Direction } from '../../objectives/types.js';
import type { SearchSpace } from '../../space/types.js';
import { readBinTable, writeBinTable } from '../bintable.js';
import { type BloxFileName, type BloxHeader, parseBloxFileName, readBloxHeader } from './format.js';
import { type BloxRow, checkRow, decodePickleRows, eachBinaryRow, eachCsvRow } from './rows.js';

export interface BloxColumnInfo {
  name: string;
  direction: Direction;
  unit: string;
  /** How the value was derived, e.g. `best epoch of val_top1 in blox-base-0.blox`. */
  note: string;
}

export interface BloxFileReport {
  file: string;
  sha256: string;
  rows: number;
  /** Rows whose hash is an architecture of the space. */
  covered: number;
  /** Space architectures without a row in this file. */
  missing: number;
  /** Rows whose hash is not in the space (not stored). */
  extra: number;
  extraExamples: string[];
}

export interface BloxRelease {
  spaceSize: number;
  files: BloxFileReport[];
  columns: BloxColumnInfo[];
  env?: Record<string, string>;
  dataset?: string;
  epochs?: number;
}

const ENCODING_PREFERENCE = ['blox', 'csv', 'pickle'] as const;

/** What a BLOX space adds to SearchSpace (BloxSpace): one architecture's hash, and the full hash table. */
interface HashedSpace extends SearchSpace {
  modelHash(index: number): string;
  hashTable(): unknown;
}

function isHashedSpace(space: SearchSpace): space is HashedSpace {
  const s = space as Partial<HashedSpace>;
  return typeof s.modelHash === 'function' && typeof s.hashTable === 'function';
}

/**
 * Checking this many `arch_vec` rows one architecture at a time costs about as much as building the
 * space's full hash table, which is cached for later: from here on, load or build the table instead.
 */
const TABLE_FROM_FRACTION = 1 / 8;

export function bloxStorePath(): string {
  return derivedPath('blox-release.bin');
}

/** Read and validate one release file into rows. */
export function readBloxFile(
  path: string,
  file: BloxFileName,
  label: string,
): { header: BloxHeader; rows: BloxRow[]; sha256: string } {
  const { header, sha256, eachRow } = openBloxFile(path, file, label);
  const rows: BloxRow[] = [];
  eachRow((row) => rows.push(row));
  return { header, rows, sha256 };
}

/**
 * One release file: its validated header and checksum now, its rows decoded and validated one at a time by
 * `eachRow` (a full release is 91,125 rows a file: holding them all costs hundreds of MB and most of the
 * import's time in garbage collection).
 */
export function openBloxFile(
  path: string,
  file: BloxFileName,
  label: string,
): {
  header: BloxHeader;
  sha256: string;
  /** `onCount` hears the number of rows (csv: of lines, an upper bound) before the first row. */
  eachRow: (onRow: (row: BloxRow) => void, onCount?: (rows: number) => void) => void;
} {
  const bytes = readFileSync(path);
  const { header, payload, headerLines } = readBloxHeader(bytes, file, label);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const eachRow = (onRow: (row: BloxRow) => void, onCount?: (rows: number) => void) => {
    const checked = (row: BloxRow) => {
      checkRow(row, file, header, label);
      onRow(row);
    };
    if (file.encoding === 'csv') {
      onCount?.(countLines(payload));
      eachCsvRow(payload, header, label, headerLines, checked);
    } else if (file.encoding === 'blox') eachBinaryRow(payload, header, label, checked, onCount);
    else {
      const rows = decodePickleRows(payload, header, label);
      onCount?.(rows.length);
      for (const row of rows) checked(row);
    }
  };
  return { header, sha256, eachRow };
}

function countLines(bytes: Uint8Array): number {
  let n = 0;
  for (let at = bytes.indexOf(10); at >= 0; at = bytes.indexOf(10, at + 1)) n++;
  return n;
}

/** Pick one encoding per logical file. */
export function selectBloxFiles(dir: string): { path: string; file: BloxFileName; name: string }[] {
  if (!existsSync(dir)) fail(`${dir} does not exist`, 'pass the folder holding the downloaded blox-* files');
  if (!statSync(dir).isDirectory()) fail(`${dir}: not a folder`, 'pass the folder holding the downloaded blox-* files');
  const byBase = new Map<string, { path: string; file: BloxFileName; name: string }>();
  for (const name of readdirSync(dir).sort()) {
    const file = parseBloxFileName(name);
    if (!file) continue;
    const prev = byBase.get(file.base);
    if (!prev || ENCODING_PREFERENCE.indexOf(file.encoding) < ENCODING_PREFERENCE.indexOf(prev.file.encoding)) {
      byBase.set(file.base, { path: join(dir, name), file, name });
    }
  }
  const out = [...byBase.values()].sort((a, b) => a.file.base.localeCompare(b.file.base));
  if (out.length === 0)
    fail(
      `${dir}: no BLOX release files (blox-info, blox-base-<seed>, blox-ext-<seed>, blox-env-<seed>, blox-bench-<device> as .blox/.csv/.pickle)`,
    );
  return out;
}

function scalarOf(column: string, v: BloxRow['values'][number]): number {
  if (typeof v === 'number') return v;
  if (Array.isArray(v) && typeof v[0] === 'number') {
    const xs = v as number[];
    // Per-epoch lists: accuracies by their best epoch (BLOX's default `best=True`), losses by the last.
    return column.includes('top') ? Math.max(...xs) : xs[xs.length - 1]!;
  }
  return Number.NaN;
}

function columnMeta(
  column: string,
  kind: BloxFileName['kind'],
  tag: string,
): { name: string; direction: Direction; unit: string } {
  if (kind === 'bench') return { name: `bench-${tag}`, direction: 'min', unit: 'ms' };
  if (column.includes('top')) return { name: column, direction: 'max', unit: '%' };
  if (column === 'train_time_s') return { name: column, direction: 'min', unit: 's' };
  if (column === 'flops') return { name: column, direction: 'min', unit: 'MACs' };
  return { name: column, direction: 'min', unit: '' };
}

/** Import a release folder into the cache; returns what was read, covered, missing and extra. */
export function importBloxRelease(dir: string, space: SearchSpace, opts: { storePath?: string } = {}): BloxRelease {
  const files = selectBloxFiles(dir);
  const size = space.size;
  const reports: BloxFileReport[] = [];
  // Per output column: one array per seed (training files) or one array (others).
  const perSeed = new Map<string, { info: BloxColumnInfo; seeds: Map<string, Float64Array> }>();
  const release: BloxRelease = { spaceSize: size, files: reports, columns: [] };
  // Model hash -> index: from blox-info's arch vectors first, then the space (extra hashes -> -1).
  const hashIndex = new Map<string, number>();
  const indexOfHash = (hash: string): number => {
    let idx = hashIndex.get(hash);
    if (idx !== undefined) return idx;
    try {
      idx = space.parse(hash);
    } catch (e) {
      if (!isHwnasError(e)) throw e;
      idx = -1;
    }
    hashIndex.set(hash, idx);
    return idx;
  };
  const reportAt = new Map<string, BloxFileReport>();

  // blox-info first: its pairs then map every other file's rows.
  const order = [...files].sort((a, b) => Number(b.file.kind === 'info') - Number(a.file.kind === 'info'));
  for (const { path, file, name } of order) {
    const { header, sha256, eachRow } = openBloxFile(path, file, name);
    let rowCount = 0;
    const seen = new Map<number, string>();
    const extra: string[] = [];
    const cols = header.columns.slice(1);
    const targets = cols.map((c) => {
      if (file.kind === 'env' || c === 'arch_vec') return undefined;
      const meta = columnMeta(c, file.kind, file.tag);
      let entry = perSeed.get(meta.name);
      if (!entry) {
        const how =
          c.includes('top') && !c.includes('test')
            ? `best epoch of ${c}`
            : c.includes('loss') && !c.includes('test')
              ? `last epoch of ${c}`
              : c;
        entry = { info: { ...meta, note: how }, seeds: new Map() };
        perSeed.set(meta.name, entry);
      }
      const arr = new Float64Array(size).fill(Number.NaN);
      entry.seeds.set(file.kind === 'base' || file.kind === 'ext' ? file.tag : '', arr);
      return arr;
    });
    const archCol = cols.indexOf('arch_vec');
    const useTable = (rows: number) => {
      if (archCol >= 0 && isHashedSpace(space) && rows > size * TABLE_FROM_FRACTION) space.hashTable();
    };
    let env: Record<string, string> | undefined;
    eachRow((row) => {
      rowCount++;
      if (file.kind === 'env' && !env) env = Object.fromEntries(cols.map((c, k) => [c, String(row.values[k])]));
      const idx = archCol >= 0 ? indexOfArchRow(space, row, archCol, name) : indexOfHash(row.hash);
      if (archCol >= 0) hashIndex.set(row.hash, idx);
      if (idx < 0) {
        extra.push(row.hash);
        return;
      }
      const prev = seen.get(idx);
      if (prev !== undefined)
        fail(
          `${name}: ${row.where}: architecture ${idx} (hash ${row.hash}) already given at ${prev}`,
          'a release has one row per model hash',
        );
      seen.set(idx, row.where);
      cols.forEach((c, k) => {
        const t = targets[k];
        if (t) t[idx] = scalarOf(c, row.values[k]!);
      });
    }, useTable);
    if (env) release.env = env;
    if (file.kind === 'base') {
      release.dataset = header.dataset;
      release.epochs = header.epochs;
    }
    reportAt.set(name, {
      file: name,
      sha256,
      rows: rowCount,
      covered: seen.size,
      missing: size - seen.size,
      extra: extra.length,
      extraExamples: extra.slice(0, 3),
    });
  }
  for (const { name } of files) reports.push(reportAt.get(name)!);

  // Mean over seeds under the plain name; each seed also under `name@seed` when there are several.
  const columns = new Map<string, Float64Array>();
  for (const { info, seeds } of perSeed.values()) {
    const arrays = [...seeds.values()];
    if (arrays.length === 1) columns.set(info.name, arrays[0]!);
    else {
      const mean = new Float64Array(size);
      for (let i = 0; i < size; i++) {
        let s = 0;
        for (const a of arrays) s += a[i]!;
        mean[i] = s / arrays.length;
      }
      columns.set(info.name, mean);
      for (const [seed, a] of seeds) {
        columns.set(`${info.name}@${seed}`, a);
        release.columns.push({ ...info, name: `${info.name}@${seed}`, note: `${info.note}, seed ${seed}` });
      }
    }
    release.columns.push({
      ...info,
      note: arrays.length > 1 ? `${info.note}, mean over ${arrays.length} seeds` : info.note,
    });
  }
  release.columns.sort((a, b) => a.name.localeCompare(b.name));
  writeBinTable(opts.storePath ?? bloxStorePath(), release, size, columns);
  return release;
}

/**
 * Index of a row that carries `arch_vec`: the architecture it names, checked against the row's model
 * hash (the hash of that one architecture for a BLOX space; the space's own hash lookup otherwise).
 */
function indexOfArchRow(space: SearchSpace, row: BloxRow, archCol: number, name: string): number {
  const archText = JSON.stringify(row.values[archCol]);
  let idx: number;
  try {
    idx = space.parse(archText);
  } catch (e) {
    if (!isHwnasError(e)) throw e;
    fail(`${name}: ${row.where}: arch_vec ${archText} does not parse (${e.message})`);
  }
  if (isHashedSpace(space)) {
    const expected = space.modelHash(idx);
    if (expected !== row.hash)
      fail(
        `${name}: ${row.where}: arch_vec ${archText} is architecture ${idx} with model hash ${expected}, but model_hash is ${row.hash}`,
        'is this an unmodified BLOX release file?',
      );
    return idx;
  }
  let hashIdx: number | undefined;
  try {
    hashIdx = space.parse(row.hash);
  } catch (e) {
    if (!isHwnasError(e)) throw e;
  }
  if (hashIdx !== idx)
    fail(
      `${name}: ${row.where}: arch_vec ${archText} is architecture ${idx}, but model_hash ${row.hash} is ${hashIdx ?? 'no architecture'}`,
    );
  return idx;
}

export function readBloxStore(
  path = bloxStorePath(),
): { release: BloxRelease; columns: Map<string, Float64Array> } | undefined {
  const t = readBinTable<BloxRelease>(path);
  return t ? { release: t.meta, columns: t.columns } : undefined;
}
