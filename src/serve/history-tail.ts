/**
 * An open search's history.jsonl (distributed/history.ts), followed as it grows: each read parses only the
 * bytes appended since the last one, and only complete lines (the writer appends a line at a time; a
 * line without its newline yet is read next time). A file that shrank or was replaced is read again.
 * The file is opened read-only and closed at once: the coordinator appending to it is never in the way.
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import type { AskRecord, HeaderRecord, HistoryRecord, TellRecord } from '../distributed/history.js';
import { HISTORY_VERSION } from '../distributed/history.js';

export class HistoryTail {
  header: HeaderRecord | null = null;
  /** Each evaluation's first tell, in tell order (a resumed history may repeat one). */
  tells: TellRecord[] = [];
  /** Architecture of evaluation n (asks in order). */
  asks: number[] = [];
  /** Whether the last record read is a stop record (the search stopped before its budget). */
  lastIsStop = false;
  /** Lines that are not JSON (the file is damaged): counted, skipped. */
  badLines = 0;
  private told = new Set<number>();
  private offset = 0;
  private ino = -1;
  private pending = Buffer.alloc(0);

  constructor(readonly path: string) {}

  /** Read what was appended; returns whether anything new was read. */
  update(): boolean {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(this.path);
    } catch {
      return false;
    }
    if (st.ino !== this.ino || st.size < this.offset) this.reset(st.ino);
    if (st.size === this.offset) return false;
    const fd = openSync(this.path, 'r');
    let chunk: Buffer;
    try {
      const size = fstatSync(fd).size;
      chunk = Buffer.alloc(size - this.offset);
      let got = 0;
      while (got < chunk.length) {
        const n = readSync(fd, chunk, got, chunk.length - got, this.offset + got);
        if (n === 0) break;
        got += n;
      }
      chunk = chunk.subarray(0, got);
    } finally {
      closeSync(fd);
    }
    this.offset += chunk.length;
    const data = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const end = data.lastIndexOf(10);
    if (end < 0) {
      this.pending = Buffer.from(data);
      return false;
    }
    this.pending = Buffer.from(data.subarray(end + 1));
    const text = data.subarray(0, end).toString('utf8');
    for (const line of text.split('\n')) if (line !== '') this.take(line);
    return true;
  }

  private take(line: string): void {
    let rec: HistoryRecord;
    try {
      rec = JSON.parse(line) as HistoryRecord;
    } catch {
      this.badLines++;
      return;
    }
    if (this.header === null) {
      if (rec.type === 'search' && rec.version === HISTORY_VERSION) this.header = rec;
      else this.badLines++;
      return;
    }
    this.lastIsStop = rec.type === 'stop';
    if (rec.type === 'ask') {
      const a = rec as AskRecord;
      this.asks[a.n] = a.arch;
    } else if (rec.type === 'tell') {
      if (this.told.has(rec.n)) return;
      this.told.add(rec.n);
      this.tells.push(rec);
    }
  }

  /** Evaluations asked and not told yet (in flight, or waiting for a resumed search to send them again). */
  inFlight(): { n: number; arch: number }[] {
    const out: { n: number; arch: number }[] = [];
    for (let n = 0; n < this.asks.length; n++) {
      const arch = this.asks[n];
      if (arch !== undefined && !this.told.has(n)) out.push({ n, arch });
    }
    return out;
  }

  private reset(ino: number): void {
    this.header = null;
    this.tells = [];
    this.asks = [];
    this.told = new Set();
    this.offset = 0;
    this.ino = ino;
    this.pending = Buffer.alloc(0);
    this.lastIsStop = false;
    this.badLines = 0;
  }
}
