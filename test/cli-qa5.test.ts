/**
 * Regression tests from a QA pass of the newest features as a user runs them: Parquet tables under
 * `table:`/`fit:` (files named otherwise, text/boolean/date value columns, list and struct columns, a CSV
 * named .parquet), `search --found` (empty, or the same file as --out), `measure -o` (empty, or a .parquet
 * name), `latency --out ''`, and a study whose Parquet table is edited between runs. No benchmark data is
 * needed: the nb201 space is built in, and the study uses a tiny user space.
 */
import { copyFileSync, existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { tinyLayeredSpace } from './helpers/data.js';
import { expectUserError } from './helpers/errors.js';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hwnas-qa5-'));
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

describe('table: Parquet files as users name and fill them', () => {
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

describe('output files named by mistake', () => {
  const SEARCH = ['search', '--space', 'nb201', '--accuracy', 'nb201:cifar10', '--latency', 'help:pixel3'];

  it('search: an empty --found or --out, or both naming one file, is refused before the search', () => {
    expectUserError(runCli([...SEARCH, '--found', '']), /^hwnas: --found is empty/);
    expectUserError(runCli([...SEARCH, '--out', '']), /^hwnas: --out is empty/);
    const same = join(dir, 'run.csv');
    expectUserError(
      runCli([...SEARCH, '--out', same, '--found', join(dir, '.', 'run.csv')]),
      /^hwnas: --out \S+ and --found \S+ would write over each other/,
    );
    expect(existsSync(same)).toBe(false);
  });

  it('measure: -o empty or named .parquet is refused, and nothing is written', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'hwnas-qa5-measure-'));
    const measure = (out: string) => runCli(['measure', 'nb201', '--arch', '0', '-o', out], { cwd });
    expectUserError(measure(''), /^hwnas: --out is empty/);
    expectUserError(
      measure('m.parquet'),
      /^hwnas: --out m\.parquet: measure writes a CSV table, not Parquet \(name it \.csv/,
    );
    expectUserError(measure('M.PARQUET'), /measure writes a CSV table, not Parquet/);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it("latency: --out '' is refused (was: the table printed, nothing written)", () => {
    expectUserError(
      runCli(['latency', 'nb201', '--latency', 'model:cortex-m7', '--arch', '0', '--out', '']),
      /^hwnas: --out is empty/,
    );
  });
});

describe('a study reading Parquet tables', () => {
  const space = tinyLayeredSpace('qa5-tiny');
  const index = { name: 'index', data: [0, 1, 2, 3, 4, 5, 6, 7, 8], type: 'INT32' };
  const acc = [50, 61, 66, 58, 70, 73, 62, 74, 79];
  const ms = [1, 2, 3, 2.5, 3.5, 4.5, 4, 5, 6];
  const STUDY = [
    ...['reproduce', '--space', 'space.json', '--accuracy', 'table:acc.parquet#acc'],
    ...['--devices', 'table:board.pq#ms', '--pruning', 'none', '--seeds', '2', '--evals', '20'],
    ...['--population', '4', '--sample', '2', '--threads', '1', '--out', 'out', '--quiet'],
  ];

  it('resumes unchanged, and refuses to resume after a table (named .pq) is rewritten', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'hwnas-qa5-study-'));
    writeFileSync(join(cwd, 'space.json'), JSON.stringify(space));
    const write = (name: string, cols: Column[]) =>
      writeFileSync(
        join(cwd, name),
        new Uint8Array(parquetWriteBuffer({ columnData: cols } as Parameters<typeof parquetWriteBuffer>[0])),
      );
    write('acc.parquet', [index, { name: 'acc', data: acc, type: 'DOUBLE' }]);
    write('board.pq', [index, { name: 'ms', data: ms, type: 'DOUBLE' }]);
    const first = runCli(STUDY, { cwd, timeoutMs: 60_000 });
    expect(first.code, first.stderr).toBe(0);
    const again = runCli(STUDY, { cwd, timeoutMs: 60_000 });
    expect(again.code, again.stderr).toBe(0);
    write('board.pq', [index, { name: 'ms', data: ms.map((v) => v * 2), type: 'DOUBLE' }]);
    expectUserError(
      runCli(STUDY, { cwd, timeoutMs: 60_000 }),
      /^hwnas: output folder 'out' holds a different study \(its file 'board\.pq' changed since the study started\)/,
    );
  }, 120_000);
});
