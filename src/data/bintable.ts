/**
 * A compact binary table: numeric columns of equal length in one Float64Array blob plus a JSON header
 * (column names, metadata, sha256 of the blob). Reading is one file read and zero-copy column views, which
 * is what makes the warm load of a whole benchmark fast.
 *
 * Layout: `HWNASBT1` (8 bytes) | u32 LE header length | header JSON (UTF-8) | zero padding to a multiple
 * of 8 | rows * columns float64 LE, column after column.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../io/atomic.js';

const MAGIC = 'HWNASBT1';

export interface BinTable<M> {
  meta: M;
  rows: number;
  columns: Map<string, Float64Array>;
}

interface Header<M> {
  rows: number;
  columns: string[];
  sha256: string;
  meta: M;
}

export function encodeBinTable<M>(meta: M, rows: number, columns: Map<string, Float64Array>): Uint8Array {
  const names = [...columns.keys()];
  const data = new Float64Array(rows * names.length);
  names.forEach((n, i) => {
    const col = columns.get(n)!;
    if (col.length !== rows) throw new Error(`column ${n} has ${col.length} values, expected ${rows}`);
    data.set(col, i * rows);
  });
  const blob = new Uint8Array(data.buffer);
  const header: Header<M> = { rows, columns: names, sha256: createHash('sha256').update(blob).digest('hex'), meta };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const start = Math.ceil((12 + json.length) / 8) * 8;
  const out = new Uint8Array(start + blob.length);
  out.set(Buffer.from(MAGIC, 'latin1'), 0);
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  out.set(blob, start);
  return out;
}

export function writeBinTable<M>(path: string, meta: M, rows: number, columns: Map<string, Float64Array>): void {
  writeFileAtomic(path, encodeBinTable(meta, rows, columns));
}

/** Read a table; undefined when the file is absent, damaged or fails its checksum (callers rebuild). */
export function readBinTable<M>(path: string, opts: { verify?: boolean } = {}): BinTable<M> | undefined {
  if (!existsSync(path)) return undefined;
  const buf = readFileSync(path);
  return decodeBinTable<M>(buf, opts);
}

export function decodeBinTable<M>(buf: Uint8Array, opts: { verify?: boolean } = {}): BinTable<M> | undefined {
  if (buf.length < 12 || Buffer.from(buf.subarray(0, 8)).toString('latin1') !== MAGIC) return undefined;
  const len = new DataView(buf.buffer, buf.byteOffset, buf.byteLength).getUint32(8, true);
  if (12 + len > buf.length) return undefined;
  let header: Header<M>;
  try {
    header = JSON.parse(Buffer.from(buf.subarray(12, 12 + len)).toString('utf8')) as Header<M>;
  } catch {
    return undefined;
  }
  const start = Math.ceil((12 + len) / 8) * 8;
  const n = header.rows * header.columns.length;
  if (!Number.isSafeInteger(n) || start + n * 8 !== buf.length) return undefined;
  let blob = buf.subarray(start);
  if (opts.verify !== false && createHash('sha256').update(blob).digest('hex') !== header.sha256) return undefined;
  // Float64Array views need 8-byte alignment of the underlying offset.
  if ((blob.byteOffset & 7) !== 0) blob = blob.slice();
  const data = new Float64Array(blob.buffer, blob.byteOffset, n);
  const columns = new Map<string, Float64Array>();
  header.columns.forEach((name, i) => {
    columns.set(name, data.subarray(i * header.rows, (i + 1) * header.rows));
  });
  return { meta: header.meta, rows: header.rows, columns };
}
