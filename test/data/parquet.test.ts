/**
 * `table:` and `fit:` read Parquet files (pandas, polars, pyarrow write them): the same column as from the
 * equivalent CSV, snappy (the writers' default), uncompressed and gzip pages, INT64 indices, and one
 * error line for every bad table. The Parquet files are written here by hyparquet-writer.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parquetMetadata } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveSource } from '../../src/objectives/all.js';
import { getSpace } from '../../src/space/all.js';
import { runCli } from '../helpers/cli.js';
import { toySpace } from '../helpers/data.js';
import { asyncErrorOf, expectUserError } from '../helpers/errors.js';

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

describe('table: Parquet files as users name and fill them', () => {
  let dir = '';

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hwnas-test-'));
  });

  type Column = { name: string; data: unknown[]; type?: string };

  function parquet(name: string, columnData: Column[], schema?: unknown[]): string {
    const p = join(dir, name);
    const opts = { columnData, ...(schema ? { schema } : {}) } as Parameters<typeof parquetWriteBuffer>[0];
    writeFileSync(p, new Uint8Array(parquetWriteBuffer(opts)));
    return p;
  }

  const INDEX = { name: 'index', data: [0, 1, 2], type: 'INT32' };

  const latency = (spec: string) =>
    runCli(['latency', 'nb201', '--latency', spec, '--allow-missing', '--arch', '0', '--arch', '2', '--arch', '3']);

  it('a Parquet file named .pq or .csv is read as Parquet (by its PAR1 bytes), like the .parquet', () => {
    const pq = parquet('t.parquet', [INDEX, { name: 'ms', data: [1.5, 2, 3.25], type: 'DOUBLE' }]);
    copyFileSync(pq, join(dir, 't.pq'));
    copyFileSync(pq, join(dir, 'exported.csv'));
    const want = latency(`table:${pq}#ms`);
    expect(want.code, want.stderr).toBe(0);
    expect(want.stdout).toMatch(/^index,arch,ms\n0,.*,1\.5\n2,.*,3\.25\n3,.*,\n$/);
    for (const other of ['t.pq', 'exported.csv']) {
      const r = latency(`table:${join(dir, other)}#ms`);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(want.stdout);
    }
  });

  it('a CSV named .parquet is refused with a hint to name it .csv', () => {
    const p = join(dir, 'text.parquet');
    writeFileSync(p, 'index,ms\n0,1\n');
    expectUserError(latency(`table:${p}#ms`), /not a readable Parquet file .*if it is CSV text, name it \.csv\)$/);
  });

  it('value columns must be numeric: text (even "1.5"), booleans and timestamps name the row', () => {
    const text = parquet('text-ms.parquet', [INDEX, { name: 'ms', data: ['1.5', ' ', '3'], type: 'STRING' }]);
    expectUserError(
      latency(`table:${text}#ms`),
      /^hwnas: table text-ms\.parquet row 1: column 'ms' holds text '1\.5', not a number \(store it as a numeric column/,
    );
    const bool = parquet('bool.parquet', [INDEX, { name: 'ok', data: [true, false, true], type: 'BOOLEAN' }]);
    expectUserError(latency(`table:${bool}#ok`), /row 1: column 'ok' holds a boolean \(true\), not a number/);
    const dates = [0, 1, 2].map((s) => new Date(1000 * s));
    const ts = parquet('ts.parquet', [INDEX, { name: 'ms', data: dates, type: 'TIMESTAMP' }]);
    expectUserError(latency(`table:${ts}#ms`), /row 1: column 'ms' holds a date \(1970-01-01T00:00:00\.000Z\)/);
    // fit: reads through the same reader
    expectUserError(
      runCli(['latency', 'nb201', '--latency', `fit:${text}#ms`, '--arch', '0']),
      /row 1: column 'ms' holds text '1\.5', not a number/,
    );
  });

  it('list and struct columns are refused naming the column (not "1,2 is not a number")', () => {
    const list = parquet(
      'list.parquet',
      [
        { name: 'index', data: [0, 1, 2] },
        { name: 'ms', data: [[1, 2], [3], [4, 5]] },
      ],
      [
        { name: 'root', num_children: 2 },
        { name: 'index', type: 'INT32', repetition_type: 'REQUIRED' },
        { name: 'ms', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
        { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
        { name: 'element', type: 'DOUBLE', repetition_type: 'OPTIONAL' },
      ],
    );
    expectUserError(
      latency(`table:${list}#ms`),
      /^hwnas: table list\.parquet: column 'ms' is nested \(a Parquet list or struct\); hwnas reads flat columns/,
    );
    const archList = parquet(
      'arch-list.parquet',
      [
        { name: 'arch', data: [[0], [1], [2]] },
        { name: 'ms', data: [1, 2, 3] },
      ],
      [
        { name: 'root', num_children: 2 },
        { name: 'arch', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
        { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
        { name: 'element', type: 'INT32', repetition_type: 'OPTIONAL' },
        { name: 'ms', type: 'DOUBLE', repetition_type: 'REQUIRED' },
      ],
    );
    expectUserError(latency(`table:${archList}#ms`), /column 'arch' is nested .*arch vector as its JSON string/);
  });
});
