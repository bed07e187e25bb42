/**
 * `table:` and `fit:` read Parquet files (pandas, polars, pyarrow write them): the same column as from the
 * equivalent CSV, snappy (the writers' default), uncompressed and gzip pages, INT64 indices, and one
 * error line for every bad table. The Parquet files are written here by hyparquet-writer.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parquetMetadata } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { resolveSource } from '../../src/objectives/all.js';
import { getSpace } from '../../src/space/all.js';
import { toySpace } from '../helpers/data.js';
import { asyncErrorOf } from '../helpers/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'hwnas-parquet-'));
const space = toySpace([2, 3]); // 6 architectures, notation "c0-c1"
const archs = ['0-0', '1-0', '0-1', '1-1', '0-2', '1-2'];
const ms = [1.5, 2, 3, 4, 5, 6.25];

type Column = { name: string; data: unknown[]; type?: string };
function parquet(name: string, columnData: Column[], codec?: string): string {
  const p = join(dir, name);
  const opts: Record<string, unknown> = { columnData };
  if (codec) opts.codec = codec;
  if (codec === 'GZIP') opts.compressors = { GZIP: (b: Uint8Array) => new Uint8Array(gzipSync(b)) };
  writeFileSync(p, new Uint8Array(parquetWriteBuffer(opts as Parameters<typeof parquetWriteBuffer>[0])));
  return p;
}
const read = (spec: string, allowMissing = false) => resolveSource(spec, { space, quiet: true, allowMissing });

describe('table: with Parquet', () => {
  it('reads the same column as the CSV, by arch notation (snappy, the default codec)', async () => {
    const csv = join(dir, 'same.csv');
    writeFileSync(csv, `arch,ms\n${archs.map((a, i) => `${a},${ms[i]}`).join('\n')}\n`);
    const pq = parquet('same.parquet', [
      { name: 'arch', data: archs, type: 'STRING' },
      { name: 'ms', data: ms, type: 'DOUBLE' },
    ]);
    const fromPq = await read(`table:${pq}#ms`);
    const fromCsv = await read(`table:${csv}#ms`);
    expect(Array.from(fromPq.values)).toEqual(Array.from(fromCsv.values));
    expect(Array.from(fromPq.values)).toEqual([1.5, 2, 3, 4, 5, 6.25]);
    expect(fromPq).toMatchObject({ name: 'ms', direction: 'min', unit: 'ms' });
  });

  it('INT64 index column (bigint), float columns, uncompressed and gzip pages, accuracy maximised', async () => {
    for (const codec of ['UNCOMPRESSED', 'GZIP']) {
      const pq = parquet(
        `idx-${codec}.parquet`,
        [
          { name: 'index', data: [5n, 0n, 3n], type: 'INT64' },
          { name: 'top1', data: [70.5, 71, 72.25], type: 'FLOAT' },
        ],
        codec,
      );
      const bytes = readFileSync(pq);
      const meta = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      expect(meta.row_groups[0]!.columns[0]!.meta_data!.codec).toBe(codec); // the pages really are compressed so
      const col = await read(`table:${pq}#top1`, true);
      expect(col.direction).toBe('max');
      expect(Array.from(col.values)).toEqual([71, Number.NaN, Number.NaN, 72.25, Number.NaN, 70.5]);
    }
  });

  it('bad tables are one error line naming the row', async () => {
    const arch = { name: 'arch', data: ['0-0', '1-0', '0-0'], type: 'STRING' };
    const dup = parquet('dup.parquet', [arch, { name: 'ms', data: [1, 2, 3], type: 'DOUBLE' }]);
    expect((await asyncErrorOf(() => read(`table:${dup}#ms`))).message).toBe(
      "table dup.parquet row 3: column 'arch': architecture 0 already given on row 1",
    );
    const nul = parquet('null.parquet', [
      { name: 'arch', data: ['0-0', '1-0'], type: 'STRING' },
      { name: 'ms', data: [1, null], type: 'DOUBLE' },
    ]);
    expect((await asyncErrorOf(() => read(`table:${nul}#ms`, true))).message).toBe(
      "table null.parquet row 2: column 'ms': '' is not a number",
    );
    expect((await asyncErrorOf(() => read(`table:${nul}#us`, true))).message).toBe(
      "table null.parquet: no column 'us'",
    );
    const noArch = parquet('noarch.parquet', [{ name: 'ms', data: [1], type: 'DOUBLE' }]);
    expect((await asyncErrorOf(() => read(`table:${noArch}#ms`, true))).message).toMatch(
      /^table noarch\.parquet: no 'arch' or 'index' column in the header \(ms\)$/,
    );
    const fake = join(dir, 'fake.parquet');
    writeFileSync(fake, 'arch,ms\n0-0,1\n');
    expect((await asyncErrorOf(() => read(`table:${fake}#ms`))).message).toMatch(
      /^table fake\.parquet: not a readable Parquet file \(/,
    );
    const missing = parquet('part.parquet', [
      { name: 'arch', data: ['0-0'], type: 'STRING' },
      { name: 'ms', data: [1], type: 'DOUBLE' },
    ]);
    expect((await asyncErrorOf(() => read(`table:${missing}#ms`))).message).toMatch(
      /^table part\.parquet: 5 of 6 architectures have no row/,
    );
  });
});

describe('fit: with Parquet', () => {
  it('fits the same correction from a Parquet table as from the CSV', async () => {
    const nb = getSpace('nb201');
    const rows = [0, 17, 444, 1234, 5000, 7777, 9001, 12000, 15000, 15624];
    const lat = rows.map((i) => 1 + (i % 97) / 10);
    const csv = join(dir, 'fit.csv');
    writeFileSync(csv, `index,ms\n${rows.map((i, k) => `${i},${lat[k]}`).join('\n')}\n`);
    const pq = parquet('fit.parquet', [
      { name: 'index', data: rows, type: 'INT32' },
      { name: 'ms', data: lat, type: 'DOUBLE' },
    ]);
    const ctx = { space: nb, quiet: true };
    const a = await resolveSource(`fit:${pq}#ms@cortex-m7`, ctx);
    const b = await resolveSource(`fit:${csv}#ms@cortex-m7`, ctx);
    expect(Array.from(a.values)).toEqual(Array.from(b.values));
  }, 60_000);
});
