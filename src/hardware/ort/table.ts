/**
 * A measured latency table built architecture by architecture, resumable after interruption. Rows go to
 * `<out>.partial` and are appended as each network finishes; `<out>.partial.args` records the arguments
 * that produced them. A rerun with the same arguments continues after the last complete row; a rerun with
 * different ones is refused (mixing settings in one table would make its numbers incomparable). When
 * every architecture is done the partial file is renamed to `<out>`.
 */
import {
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  renameSync,
  truncateSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { fail } from '../../errors.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { Rng } from '../../rng.js';
import type { SearchSpace } from '../../space/types.js';
import { measureGraph, type OrtMeasureOptions } from './measure.js';

export const TABLE_COLUMNS = ['index', 'arch', 'median_ms', 'min_ms', 'p90_ms', 'spread'] as const;

export interface TableRow {
  index: number;
  arch: string;
  medianMs: number;
  minMs: number;
  p90Ms: number;
  spread: number;
}

export interface MeasureTableOptions {
  space: SearchSpace;
  /** Architectures to measure, in table order. */
  indices: readonly number[];
  out: string;
  /** Stable description of everything that determines the rows (compared on resume). */
  args: Record<string, unknown>;
  classes?: number;
  measure: OrtMeasureOptions;
  /** Called after each finished row with (rows done, total). */
  onProgress?: (done: number, total: number) => void;
}

export interface MeasureTableResult {
  rows: TableRow[];
  /** Rows found in the partial file and not measured again. */
  resumed: number;
  /** Seconds spent measuring in this run (export + session + timing). */
  seconds: number;
}

function rowLine(r: TableRow): string {
  const num = (v: number, digits: number) => String(Number(v.toPrecision(digits)));
  return stringify([[r.index, r.arch, num(r.medianMs, 6), num(r.minMs, 6), num(r.p90Ms, 6), num(r.spread, 4)]]);
}

const HEADER = stringify([TABLE_COLUMNS as unknown as string[]]);

/** Complete rows of an existing partial file (a torn last line from a killed writer is cut off). */
function readPartial(path: string, opts: MeasureTableOptions): TableRow[] {
  let text = readFileSync(path, 'utf8');
  const end = text.lastIndexOf('\n') + 1;
  if (end < text.length) {
    truncateSync(path, Buffer.byteLength(text.slice(0, end)));
    text = text.slice(0, end);
  }
  const corrupt = (why: string): never =>
    fail(`${path} is not a partial table of this command (${why})`, `delete ${path} to start over`);
  let records: string[][];
  try {
    records = parse(text, { relax_column_count: false }) as string[][];
  } catch (e) {
    return corrupt(e instanceof Error ? e.message : String(e));
  }
  if (records.length === 0 || records[0]!.join(',') !== TABLE_COLUMNS.join(',')) corrupt('unexpected header');
  const rows: TableRow[] = [];
  for (let k = 1; k < records.length; k++) {
    const [index, arch, med, min, p90, spread] = records[k]!;
    const want = opts.indices[k - 1];
    if (want === undefined || Number(index) !== want) corrupt(`row ${k} is architecture ${index}, expected ${want}`);
    rows.push({
      index: want,
      arch: arch!,
      medianMs: Number(med),
      minMs: Number(min),
      p90Ms: Number(p90),
      spread: Number(spread),
    });
  }
  return rows;
}

export async function measureTable(opts: MeasureTableOptions): Promise<MeasureTableResult> {
  const partial = `${opts.out}.partial`;
  const argsPath = `${partial}.args`;
  const argsText = `${JSON.stringify(opts.args, null, 2)}\n`;
  let rows: TableRow[] = [];
  if (existsSync(partial)) {
    const previous = existsSync(argsPath) ? readFileSync(argsPath, 'utf8') : '(none recorded)';
    if (previous !== argsText) {
      fail(
        `${partial} was written by 'hwnas measure' with different arguments (${describeDiff(previous, opts.args)})`,
        `rerun with the same arguments to resume, or delete ${partial} to start over`,
      );
    }
    rows = readPartial(partial, opts);
  } else {
    writeFileAtomic(argsPath, argsText);
    writeFileAtomic(partial, HEADER);
  }
  const resumed = rows.length;
  const total = opts.indices.length;
  opts.onProgress?.(resumed, total);
  const t0 = process.hrtime.bigint();
  const fd = openSync(partial, 'a');
  try {
    for (let k = resumed; k < total; k++) {
      const index = opts.indices[k]!;
      const m = await measureGraph(opts.space.network(index, { classes: opts.classes }), opts.measure);
      const row: TableRow = {
        index,
        arch: opts.space.format(index),
        medianMs: m.medianMs,
        minMs: m.minMs,
        p90Ms: m.p90Ms,
        spread: m.spread,
      };
      writeSync(fd, rowLine(row)); // one write per row: a kill leaves at most one torn line
      rows.push(row);
      opts.onProgress?.(k + 1, total);
    }
  } finally {
    closeSync(fd);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  renameSync(partial, opts.out);
  unlinkSync(argsPath);
  return { rows, resumed, seconds };
}

/** Names the arguments that differ, for the refusal message. */
function describeDiff(previousText: string, now: Record<string, unknown>): string {
  let prev: Record<string, unknown>;
  try {
    prev = JSON.parse(previousText) as Record<string, unknown>;
  } catch {
    return 'no readable record of its arguments';
  }
  const keys = new Set([...Object.keys(prev), ...Object.keys(now)]);
  const diffs = [...keys]
    .filter((k) => JSON.stringify(prev[k]) !== JSON.stringify(now[k]))
    .map((k) => `${k} was ${JSON.stringify(prev[k])}, now ${JSON.stringify(now[k])}`);
  return diffs.length > 0 ? diffs.join('; ') : 'argument record differs';
}

/** `n` distinct indices of [0, size) (Floyd's algorithm: n draws whatever the size), ascending. */
export function sampleIndices(size: number, n: number, seed: number): number[] {
  const rng = new Rng(seed);
  const chosen = new Set<number>();
  for (let j = size - n; j < size; j++) {
    const t = rng.nextInt(j + 1);
    chosen.add(chosen.has(t) ? j : t);
  }
  return [...chosen].sort((a, b) => a - b);
}
