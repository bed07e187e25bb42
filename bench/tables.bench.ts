/**
 * Reading a user's measurement table (`table:`/`fit:`), BLOX-sized (91,125 rows): CSV vs Parquet (snappy,
 * as pandas/polars write it), by `index` and by `arch` (BLOX arch vector JSON, parsed per row). Files are
 * written here (synthetic values); prints median times and the Parquet/CSV ratio, measured in this process.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { loadTableColumn } from '../src/data/table.js';
import { getSpace } from '../src/space/all.js';

const space = getSpace('blox');
const n = space.size;
const dir = mkdtempSync(join(tmpdir(), 'hwnas-bench-tables-'));
const ms = Array.from({ length: n }, (_, i) => 1 + ((i * 7919) % 1000) / 100);
const archs = Array.from({ length: n }, (_, i) => space.format(i));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

async function time(file: string, column: string): Promise<number> {
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    globalThis.gc?.();
    const t = performance.now();
    const col = await loadTableColumn({ file, column }, space);
    runs.push(performance.now() - t);
    if (col.values[n - 1] !== ms[n - 1]) throw new Error(`${file}: wrong value`);
  }
  return median(runs);
}

try {
  for (const key of ['index', 'arch'] as const) {
    const keys = key === 'index' ? ms.map((_, i) => String(i)) : archs.map((a) => JSON.stringify(a));
    const csv = join(dir, `${key}.csv`);
    writeFileSync(csv, `${key},ms\n${keys.map((k, i) => `${k},${ms[i]}`).join('\n')}\n`);
    const pq = join(dir, `${key}.parquet`);
    const keyColumn =
      key === 'index'
        ? { name: 'index', data: ms.map((_, i) => i), type: 'INT32' as const }
        : { name: 'arch', data: archs, type: 'STRING' as const };
    writeFileSync(
      pq,
      new Uint8Array(parquetWriteBuffer({ columnData: [keyColumn, { name: 'ms', data: ms, type: 'DOUBLE' }] })),
    );
    const tCsv = await time(csv, 'ms');
    const tPq = await time(pq, 'ms');
    const kb = (f: string) => Math.round(statSync(f).size / 1024);
    console.log(
      `${n} rows by ${key}: CSV ${tCsv.toFixed(0)} ms (${kb(csv)} KiB), Parquet ${tPq.toFixed(0)} ms (${kb(pq)} KiB): Parquet/CSV ${(tPq / tCsv).toFixed(2)}x`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
