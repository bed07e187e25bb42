/**
 * Decoders of the three BLOX payload encodings into the same rows: `[model_hash, ...values]` with the
 * Python types BLOX's own readers produce (BLOX.md 5.3-5.5): floats, ints, per-epoch lists, strings and
 * arch vecs as nested lists. `checkRow` then validates the values of every row whatever the encoding.
 */
import { inflateSync } from 'node:zlib';
import { parse as parseCsv } from 'csv-parse/sync';
import { fail, isHwnasError } from '../../errors.js';
import { jsonText } from '../../io/json-text.js';
import { type PickleValue, readPickle } from '../pickle.js';
import { BLOX_COLUMNS, type BloxFileName, type BloxHeader } from './format.js';

export type ArchVec = number[][][];
export type BloxValue = number | string | number[] | ArchVec;

export interface BloxRow {
  hash: string;
  /** Values of the columns after `model_hash`, in header order. */
  values: BloxValue[];
  /** `line N` (csv) or `row N` (.blox, .pickle), for error messages. */
  where: string;
}

const HASH_RE = /^[0-9a-f]{32}$/;

/** Accuracy lists are stored as counts of correct examples out of N (BLOX.md 5.5). */
export function examplesOf(column: string): number {
  if (column.includes('train')) return 45000;
  if (column.includes('val')) return 5000;
  return 10000;
}

function isListColumn(c: string): boolean {
  return (c.includes('top') || c.includes('loss')) && !c.includes('test');
}

/** Nested arch vec from its 15 flat ints: per stage [[op0], [op1, prev, inp, sc]]. */
export function nestArch(flat: readonly number[]): ArchVec {
  const out: ArchVec = [];
  for (let s = 0; s < 3; s++) {
    const b = s * 5;
    out.push([[flat[b]!], [flat[b + 1]!, flat[b + 2]!, flat[b + 3]!, flat[b + 4]!]]);
  }
  return out;
}

// ---------------------------------------------------------------- csv

export function decodeCsvRows(payload: Uint8Array, header: BloxHeader, label: string, headerLines: number): BloxRow[] {
  const rows: BloxRow[] = [];
  eachCsvRow(payload, header, label, headerLines, (row) => rows.push(row));
  return rows;
}

/** Rows one at a time: a full release (91,125 rows) is never held as records and rows at once. */
export function eachCsvRow(
  payload: Uint8Array,
  header: BloxHeader,
  label: string,
  headerLines: number,
  onRow: (row: BloxRow) => void,
): void {
  const columns = header.columns;
  const onRecord = (record: string[], info: { lines: number }): null => {
    const where = `line ${info.lines + headerLines}`;
    if (record.length !== columns.length)
      fail(`${label}: ${where}: ${record.length} fields, expected ${columns.length} (${columns.join(', ')})`);
    const values = columns.slice(1).map((c, k) => csvValue(c, record[k + 1]!, `${label}: ${where}: column '${c}'`));
    onRow({ hash: record[0]!, values, where });
    return null; // keep no record
  };
  try {
    parseCsv(Buffer.from(payload), {
      skip_empty_lines: true,
      relax_column_count: true,
      on_record: onRecord as never,
    });
  } catch (e) {
    if (isHwnasError(e)) throw e;
    const line = (e as { lines?: number }).lines;
    fail(`${label}${line ? `: line ${line + headerLines}` : ''}: not valid CSV (${(e as Error).message})`);
  }
}

function csvNumber(text: string, at: string, int: boolean): number {
  const t = text.trim();
  const v = Number(t);
  if (t === '' || !Number.isFinite(v) || (int && !/^-?\d+$/.test(t)))
    fail(`${at}: '${text.slice(0, 40)}' is not ${int ? 'an integer' : 'a number'}`);
  return v;
}

function csvValue(column: string, text: string, at: string): BloxValue {
  if (column === 'arch_vec') {
    const parts = text.replace(/[[\]]/g, '').split(',');
    if (parts.length !== 15) fail(`${at}: arch vec '${text.slice(0, 60)}' does not have 15 entries`);
    return nestArch(parts.map((p) => csvNumber(p, at, true)));
  }
  if (column.includes('top') || column.includes('loss')) {
    if (column.includes('test')) return csvNumber(text, at, false);
    if (!text.startsWith('[') || !text.endsWith(']'))
      fail(`${at}: expected a list like [1.0, 2.0], got '${text.slice(0, 40)}'`);
    const inner = text.slice(1, -1).trim();
    return inner === '' ? [] : inner.split(',').map((p) => csvNumber(p, at, false));
  }
  if (column === 'train_time_s' || column === 'params') return csvNumber(text, at, true);
  if (column === 'flops' || column === 'latency') return csvNumber(text, at, false);
  return text;
}

// ---------------------------------------------------------------- .blox

type FieldType =
  | { t: 'hash' | 'str' | 'int' | 'float' | 'arch' }
  | { t: 'b'; min: number; bits: number; n: number }
  | { t: 'list'; of: FieldType };

function parseFieldType(s: string, column: string, label: string): FieldType {
  const list = /^list\[(.+)\]$/.exec(s);
  if (list) return { t: 'list', of: parseFieldType(list[1]!, column, label) };
  if (s === 'hash' || s === 'str' || s === 'int' || s === 'float' || s === 'arch') return { t: s };
  const b = /^b_(\d+)_(\d+)_(\d+)$/.exec(s);
  if (b) {
    const bits = Number(b[3]);
    if (bits < 1 || bits > 24) fail(`${label}: column_types: '${s}' for '${column}' has an unsupported bit width`);
    return { t: 'b', min: Number(b[1]), bits, n: examplesOf(column) };
  }
  fail(`${label}: column_types: unknown type '${s}' for column '${column}'`);
}

class Bits {
  byte = 0;
  constructor(
    readonly b: Uint8Array,
    readonly label: string,
  ) {}
  need(n: number, where: string): void {
    if (this.byte + n > this.b.length) fail(`${this.label}: ${where}: data ends early (truncated or corrupt file)`);
  }
  u8(where: string): number {
    this.need(1, where);
    return this.b[this.byte++]!;
  }
  uint(n: number, where: string): number {
    this.need(n, where);
    let v = 0;
    for (let i = n - 1; i >= 0; i--) v = v * 256 + this.b[this.byte + i]!;
    this.byte += n;
    return v;
  }
  /** `count` values of `bits` bits each, LSB-first, back to back; the field is then padded to a byte. */
  packed(count: number, bits: number, where: string, out: (v: number) => void): void {
    const totalBytes = Math.ceil((count * bits) / 8);
    this.need(totalBytes, where);
    const start = this.byte * 8;
    const b = this.b;
    const mask = bits === 32 ? 0xffffffff : (1 << bits) - 1;
    for (let i = 0; i < count; i++) {
      const bit = start + i * bits;
      const p = bit >>> 3;
      const word = (b[p]! | ((b[p + 1] ?? 0) << 8) | ((b[p + 2] ?? 0) << 16) | ((b[p + 3] ?? 0) << 24)) >>> 0;
      out((word >>> (bit & 7)) & mask);
    }
    this.byte += totalBytes;
  }
}

function readField(r: Bits, type: FieldType, where: string): BloxValue {
  switch (type.t) {
    case 'hash': {
      r.need(16, where);
      let hex = '';
      for (let i = 15; i >= 0; i--) hex += r.b[r.byte + i]!.toString(16).padStart(2, '0');
      r.byte += 16;
      return hex;
    }
    case 'str': {
      const n = r.u8(where);
      r.need(n, where);
      const s = Buffer.from(r.b.subarray(r.byte, r.byte + n)).toString('latin1');
      r.byte += n;
      return s;
    }
    case 'int':
      return r.uint(4, where);
    case 'float':
      return r.uint(3, where) / 1e6;
    case 'arch': {
      const flat: number[] = [];
      for (let s = 0; s < 3; s++) {
        const b = r.u8(where);
        const ops = b >> 3;
        flat.push(Math.floor(ops / 3), ops % 3, (b >> 2) & 1, (b >> 1) & 1, b & 1);
      }
      return nestArch(flat);
    }
    case 'b': {
      let v = 0;
      r.packed(1, type.bits, where, (x) => {
        v = x;
      });
      return bAcc(v, type);
    }
    case 'list': {
      const count = r.u8(where);
      const el = type.of;
      if (el.t === 'b') {
        const out: number[] = [];
        r.packed(count, el.bits, where, (x) => out.push(bAcc(x, el)));
        return out;
      }
      const out: number[] = [];
      for (let i = 0; i < count; i++) {
        const v = readField(r, el, where);
        if (typeof v !== 'number') fail(`${r.label}: ${where}: lists of ${el.t} are not supported`);
        out.push(v);
      }
      return out;
    }
  }
}

function bAcc(v: number, t: { min: number; n: number }): number {
  return Math.round(((v + t.min) / t.n) * 100 * 1000) / 1000;
}

export function decodeBinaryRows(payload: Uint8Array, header: BloxHeader, label: string): BloxRow[] {
  const rows: BloxRow[] = [];
  eachBinaryRow(payload, header, label, (row) => rows.push(row));
  return rows;
}

/** Rows one at a time (see `eachCsvRow`). */
export function eachBinaryRow(
  payload: Uint8Array,
  header: BloxHeader,
  label: string,
  onRow: (row: BloxRow) => void,
  onCount?: (rows: number) => void,
): void {
  let data: Uint8Array;
  try {
    data = inflateSync(payload);
  } catch (e) {
    fail(`${label}: the zlib payload does not inflate (${(e as Error).message})`, 'the file is truncated or corrupt');
  }
  const r = new Bits(data, label);
  const totalBits = r.uint(8, 'bit count');
  const start = r.byte;
  const rowCount = r.uint(4, 'row count');
  const types = header.columns.map((c) => parseFieldType(header.column_types![c]!, c, label));
  if (types[0]!.t !== 'hash') fail(`${label}: column_types: model_hash must be 'hash'`);
  onCount?.(rowCount);
  for (let i = 0; i < rowCount; i++) {
    const where = `row ${i + 1}`;
    const hash = readField(r, types[0]!, where) as string;
    const values = types.slice(1).map((t, k) => readField(r, t, `${where}, column '${header.columns[k + 1]}'`));
    onRow({ hash, values, where });
  }
  const used = (r.byte - start) * 8;
  if (used !== totalBits || r.byte !== data.length) {
    fail(
      `${label}: bit stream length mismatch (header says ${totalBits} bits, rows use ${used}, ${data.length - r.byte} bytes left over)`,
      'the file is corrupt',
    );
  }
}

// ---------------------------------------------------------------- .pickle

function pickleValue(v: PickleValue, column: string, at: string): BloxValue {
  if (typeof v === 'number' || typeof v === 'string') return v;
  if (column === 'arch_vec' && Array.isArray(v)) {
    const flat = (v as PickleValue[]).flat(3);
    if (flat.length !== 15 || flat.some((x) => typeof x !== 'number')) fail(`${at}: arch vec does not hold 15 ints`);
    return nestArch(flat as number[]);
  }
  if (Array.isArray(v) && v.every((x) => typeof x === 'number')) return v as number[];
  fail(`${at}: unexpected value type`);
}

export function decodePickleRows(payload: Uint8Array, header: BloxHeader, label: string): BloxRow[] {
  const all = readPickle(payload, label);
  if (!Array.isArray(all)) fail(`${label}: the pickle payload is not a list of rows`);
  return all.map((row, i) => {
    const where = `row ${i + 1}`;
    if (!Array.isArray(row) || row.length !== header.columns.length)
      fail(`${label}: ${where}: expected ${header.columns.length} fields`);
    const values = header.columns
      .slice(1)
      .map((c, k) => pickleValue(row[k + 1]!, c, `${label}: ${where}: column '${c}'`));
    return { hash: String(row[0]), values, where };
  });
}

// ---------------------------------------------------------------- validation

/** Validate one decoded row: hash, value types, list lengths = epochs, ranges. */
export function checkRow(row: BloxRow, file: BloxFileName, header: BloxHeader, label: string): void {
  const at = `${label}: ${row.where}`;
  if (!HASH_RE.test(row.hash)) fail(`${at}: model_hash '${row.hash.slice(0, 40)}' is not 32 lowercase hex digits`);
  const cols = BLOX_COLUMNS[file.kind];
  cols.slice(1).forEach((c, k) => {
    const v = row.values[k]!;
    const where = `${at}: column '${c}'`;
    if (c === 'arch_vec') {
      const flat = (v as ArchVec).flat(2);
      if (flat.some((x, i) => !Number.isInteger(x) || x < 0 || x > (i % 5 <= 1 ? 2 : 1)))
        fail(`${where}: arch vec ${jsonText(v)} is out of range`);
      return;
    }
    if (file.kind === 'env') {
      if (typeof v !== 'string') fail(`${where}: expected text`);
      return;
    }
    if (isListColumn(c)) {
      if (!Array.isArray(v)) fail(`${where}: expected a per-epoch list`);
      if (v.length !== header.epochs) fail(`${where}: ${v.length} epochs, the header says ${header.epochs}`);
      for (const x of v as number[]) checkNumber(x, c, where);
      return;
    }
    if (typeof v !== 'number') fail(`${where}: expected a number`);
    checkNumber(v, c, where);
  });
}

function checkNumber(x: number, column: string, where: string): void {
  if (!Number.isFinite(x) || x < 0) fail(`${where}: value ${x} is not a non-negative number`);
  if (column.includes('top') && x > 100) fail(`${where}: accuracy ${x} is above 100%`);
}
