/**
 * The NAS-Bench-201 benchmark: test accuracies of all 15,625 cells on three datasets (NATS-Bench via
 * nats-bench-landscape) and HELP's measured latencies on 27 device settings, all by NB201 official index.
 * The first load parses the pinned source files and cross-checks them; it then writes a compact binary
 * cache keyed by the sources' sha256s, which later loads read in a few milliseconds.
 */
import { createHash } from 'node:crypto';
import { parse as parseCsv } from 'csv-parse/sync';
import { fail } from '../errors.js';
import { derivedPath } from '../io/cache-dir.js';
import { readBinTable, writeBinTable } from './bintable.js';
import { ensureFiles, readCached } from './fetch.js';
import { HELP_ARCH2IDX, HELP_DEVICES, helpLatencyFile, NATS_CSV, type PinnedFile } from './manifest.js';
import type { PickleValue } from './pickle.js';
import { describe, numberList, readTorchPickle } from './torch.js';

export const NB201_SIZE = 15625;
export const NB201_DATASETS = ['cifar10', 'cifar100', 'imagenet16-120'] as const;
export type Nb201Dataset = (typeof NB201_DATASETS)[number];

const CSV_COLUMNS: Record<Nb201Dataset, string> = {
  cifar10: 'CIFAR10TestAccuracy200Epochs',
  cifar100: 'CIFAR100TestAccuracy200Epochs',
  'imagenet16-120': 'ImageNetTestAccuracy200Epochs',
};

export interface Nb201Benchmark {
  size: number;
  /** Cell strings by official index. */
  cellStrings: string[];
  /** Test accuracy (%) after 200 epochs, mean over seeds, by official index. */
  accuracy: Record<Nb201Dataset, Float64Array>;
  /** HELP latency (ms) per device setting, by official index. */
  latency: Record<string, Float64Array>;
  devices: readonly string[];
  /** sha256 of every source file the tables came from, by repository path. */
  sources: Record<string, string>;
}

/** Bump when the cached layout or the parsing changes, so old caches are ignored. */
const CACHE_FORMAT = 1;

function sourceFiles(): PinnedFile[] {
  return [NATS_CSV, HELP_ARCH2IDX, ...HELP_DEVICES.map(helpLatencyFile)];
}

function sourceShas(): Record<string, string> {
  return Object.fromEntries(sourceFiles().map((f) => [`${f.repo}/${f.path}`, f.sha256]));
}

export function nb201CachePath(): string {
  const key = createHash('sha256')
    .update(JSON.stringify({ CACHE_FORMAT, sources: sourceShas() }))
    .digest('hex')
    .slice(0, 16);
  return derivedPath(`nb201-${key}.bin`);
}

interface Meta {
  cellStrings: string[];
  devices: string[];
  sources: Record<string, string>;
}

function fromColumns(meta: Meta, columns: Map<string, Float64Array>): Nb201Benchmark {
  const accuracy = {} as Record<Nb201Dataset, Float64Array>;
  for (const d of NB201_DATASETS) accuracy[d] = columns.get(`acc:${d}`)!;
  const latency: Record<string, Float64Array> = {};
  for (const dev of meta.devices) latency[dev] = columns.get(`lat:${dev}`)!;
  return {
    size: meta.cellStrings.length,
    cellStrings: meta.cellStrings,
    accuracy,
    latency,
    devices: meta.devices,
    sources: meta.sources,
  };
}

/** Parse the NATS csv: accuracies and cell strings by official index (row i = index i). */
export function parseNatsCsv(
  text: string,
  name = 'nats_bench.csv',
): { cellStrings: string[]; accuracy: Record<Nb201Dataset, Float64Array> } {
  const rows = parseCsv(text, { skip_empty_lines: true, relax_column_count: false }) as string[][];
  const header = rows[0] ?? [];
  const col = (h: string) => {
    const i = header.indexOf(h);
    if (i < 0) fail(`${name}: missing column '${h}' in the header`);
    return i;
  };
  const accCols = NB201_DATASETS.map((d) => col(CSV_COLUMNS[d]));
  const archCol = col('ArchitectureString');
  const n = rows.length - 1;
  if (n !== NB201_SIZE) fail(`${name}: expected ${NB201_SIZE} rows, found ${n}`);
  const accuracy = Object.fromEntries(NB201_DATASETS.map((d) => [d, new Float64Array(n)])) as Record<
    Nb201Dataset,
    Float64Array
  >;
  const cellStrings = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const row = rows[i + 1]!;
    cellStrings[i] = row[archCol]!;
    NB201_DATASETS.forEach((d, k) => {
      const v = Number(row[accCols[k]!]);
      if (!Number.isFinite(v)) fail(`${name}: line ${i + 2}: ${CSV_COLUMNS[d]} is not a number`);
      accuracy[d][i] = v;
    });
  }
  return { cellStrings, accuracy };
}

/** HELP's {cell string: index} must name exactly the NATS cells at the same indices. */
export function checkArch2Idx(v: PickleValue, cellStrings: readonly string[], name: string): void {
  if (!(v instanceof Map)) fail(`${name}: expected a dict, got ${describe(v)}`);
  if (v.size !== cellStrings.length) fail(`${name}: ${v.size} cells, NATS has ${cellStrings.length}`);
  for (const [cell, idx] of v) {
    if (typeof cell !== 'string' || typeof idx !== 'number') fail(`${name}: entries must be {str: int}`);
    if (cellStrings[idx] !== cell) {
      fail(
        `${name}: index ${idx} is '${cell}' in HELP but '${cellStrings[idx] ?? 'missing'}' in NATS`,
        'the HELP and NATS orders disagree',
      );
    }
  }
}

/** Parse the pinned source files (already in the cache) into a benchmark; no binary cache involved. */
export function parseNb201Sources(read: (f: PinnedFile) => Uint8Array = readCached): Nb201Benchmark {
  const { cellStrings, accuracy } = parseNatsCsv(Buffer.from(read(NATS_CSV)).toString('utf8'));
  if (new Set(cellStrings).size !== cellStrings.length) fail('nats_bench.csv: duplicate cell strings');
  checkArch2Idx(readTorchPickle(read(HELP_ARCH2IDX), 'str_arch2idx.pt'), cellStrings, 'str_arch2idx.pt');
  const latency: Record<string, Float64Array> = {};
  for (const dev of HELP_DEVICES) {
    const name = `${dev}.pt`;
    const col = numberList(readTorchPickle(read(helpLatencyFile(dev)), name), name);
    if (col.length !== NB201_SIZE) fail(`${name}: expected ${NB201_SIZE} latencies, found ${col.length}`);
    latency[dev] = col;
  }
  return { size: NB201_SIZE, cellStrings, accuracy, latency, devices: HELP_DEVICES, sources: sourceShas() };
}

export function writeNb201Cache(b: Nb201Benchmark, path = nb201CachePath()): void {
  const columns = new Map<string, Float64Array>();
  for (const d of NB201_DATASETS) columns.set(`acc:${d}`, b.accuracy[d]);
  for (const dev of b.devices) columns.set(`lat:${dev}`, b.latency[dev]!);
  const meta: Meta = { cellStrings: b.cellStrings, devices: [...b.devices], sources: b.sources };
  writeBinTable(path, meta, b.size, columns);
}

export function readNb201Cache(path = nb201CachePath()): Nb201Benchmark | undefined {
  const t = readBinTable<Meta>(path);
  if (!t || t.rows !== NB201_SIZE || t.meta.cellStrings?.length !== NB201_SIZE) return undefined;
  for (const d of NB201_DATASETS) if (!t.columns.has(`acc:${d}`)) return undefined;
  for (const dev of t.meta.devices) if (!t.columns.has(`lat:${dev}`)) return undefined;
  return fromColumns(t.meta, t.columns);
}

let loaded: Nb201Benchmark | undefined;

/**
 * The whole NB201 benchmark. Warm: one binary cache read. Cold: fetch (progress bar on a terminal),
 * verify, parse, cross-check, write the cache.
 */
export async function loadNb201(opts: { quiet?: boolean; fresh?: boolean } = {}): Promise<Nb201Benchmark> {
  if (loaded && !opts.fresh) return loaded;
  const path = nb201CachePath();
  let b = opts.fresh ? undefined : readNb201Cache(path);
  if (!b) {
    await ensureFiles('nb201', opts);
    b = parseNb201Sources();
    writeNb201Cache(b, path);
  }
  loaded = b;
  return b;
}
