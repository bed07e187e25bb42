/**
 * The persisted history of an asynchronous search: one append-only JSON-lines file per search. It records
 * every ask and every tell in the order they happened, so a fresh strategy with the same seed replays it
 * exactly (asks must come back identical) and the search resumes where it stopped. A line cut short by a
 * crash (the last one) is ignored.
 */
import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { fail } from '../errors.js';

export const HISTORY_VERSION = 1;

export interface HeaderRecord {
  type: 'search';
  version: number;
  study: string;
  /** Everything that must match for a resume (space, strategy, seed, objectives, budget, ...). */
  config: Record<string, unknown>;
}
export interface AskRecord {
  type: 'ask';
  n: number;
  arch: number;
}
export interface TellRecord {
  type: 'tell';
  n: number;
  arch: number;
  ok: boolean;
  objectives?: Record<string, number>;
  reason?: string;
  /** Wall time of the search when told, ms (summed over sessions). */
  t: number;
  /** Duration of the evaluation as the coordinator saw it, ms. */
  ms: number;
  worker?: string;
  /** Fidelity reached (its last progress report); absent when the evaluator reported no progress. */
  fidelity?: number;
  /** Stopped early: `objectives` are those of the progress report that stopped it, at `fidelity`. */
  stopped?: boolean;
}
/** An evaluation entered an early-stopping rung (asha.ts) and was decided: replayed on resume. */
export interface RungRecord {
  type: 'rung';
  n: number;
  arch: number;
  /** Rung index (0 = the lowest) and its fidelity. */
  rung: number;
  level: number;
  /** Fidelity of the report that entered the rung (>= level) and its objectives. */
  fidelity: number;
  objectives: Record<string, number>;
  decision: 'continue' | 'stop';
  /** Wall time of the search when decided, ms. */
  t: number;
}
export interface StopRecord {
  type: 'stop';
  reason: string;
  t: number;
}
export type HistoryRecord = HeaderRecord | AskRecord | TellRecord | StopRecord | RungRecord;

export interface LoadedHistory {
  header: HeaderRecord;
  records: (AskRecord | TellRecord | StopRecord | RungRecord)[];
}

/** Read a history file; undefined when it does not exist or is empty. */
export function readHistory(path: string): LoadedHistory | undefined {
  if (!existsSync(path)) return undefined;
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  // A crash can leave a partial last line (no trailing newline): drop it.
  if (!text.endsWith('\n')) lines.pop();
  const parsed: HistoryRecord[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    try {
      parsed.push(JSON.parse(line) as HistoryRecord);
    } catch {
      fail(
        `history ${path} line ${i + 1} is not JSON`,
        'the file is damaged; start the search in another --out folder',
      );
    }
  }
  if (parsed.length === 0) return undefined;
  const header = parsed[0]!;
  if (header.type !== 'search' || header.version !== HISTORY_VERSION) {
    fail(`${path} is not an hwnas search history (version ${HISTORY_VERSION})`, 'use another --out folder');
  }
  return { header, records: parsed.slice(1) as LoadedHistory['records'] };
}

/** Appends records, one line each, written through at once (a killed coordinator loses nothing told). */
export class HistoryWriter {
  private fd: number;
  /** Bytes of complete lines: a failed append is cut back to it, so no partial line sits mid-file. */
  private size: number;
  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a');
    this.size = fstatSync(this.fd).size;
  }

  append(rec: HistoryRecord): void {
    const line = Buffer.from(`${JSON.stringify(rec)}\n`);
    try {
      // A write to a nearly full disk can be short: the rest is written, or the error thrown.
      for (let done = 0; done < line.length; ) done += writeSync(this.fd, line, done);
      this.size += line.length;
    } catch (e) {
      try {
        ftruncateSync(this.fd, this.size);
      } catch {
        // the partial line stays last, and a reader drops a last line without its newline
      }
      const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      fail(
        code === 'ENOSPC'
          ? `no space left on the device of '${dirname(this.path)}' (cannot append to ${this.path}): the evaluations told so far are kept`
          : `cannot append to ${this.path}: ${code}`,
        code === 'ENOSPC'
          ? 'free some space there and rerun the same command to resume'
          : 'check the folder and its permissions',
      );
    }
  }

  close(): void {
    if (this.fd < 0) return;
    fsyncSync(this.fd);
    closeSync(this.fd);
    this.fd = -1;
  }
}

/** The same config, compared as canonical JSON. */
export function sameConfig(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return canonical(a) === canonical(b);
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}
