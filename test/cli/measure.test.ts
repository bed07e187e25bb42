import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../helpers/cli.js';
import { expectUserError } from '../helpers/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'hwnas-ort-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** index and arch columns (timings differ between runs; the set and order of architectures must not). */
function archColumns(path: string): string[] {
  const rows = parse(readFileSync(path, 'utf8'), { columns: true }) as Record<string, string>[];
  for (const r of rows) {
    for (const c of ['median_ms', 'min_ms', 'p90_ms']) expect(Number(r[c])).toBeGreaterThan(0);
    expect(Number(r.spread)).toBeGreaterThanOrEqual(0);
  }
  return rows.map((r) => `${r.index} ${r.arch}`);
}

function dataLines(path: string): number {
  if (!existsSync(path)) return 0;
  return (
    readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '').length - 1
  );
}

/** Starts `hwnas ...args`, SIGKILLs it once `partial` holds `rows` rows; resolves whether it was killed early. */
function killAfterRows(args: string[], partial: string, rows: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `${repoRoot}src/cli/run.ts`, ...args], {
      cwd: repoRoot,
      stdio: 'ignore',
    });
    let killed = false;
    const timer = setInterval(() => {
      if (dataLines(partial) >= rows) {
        killed = child.kill('SIGKILL');
        clearInterval(timer);
      }
    }, 5);
    child.on('error', reject);
    child.on('exit', () => {
      clearInterval(timer);
      resolve(killed);
    });
  });
}

describe('hwnas measure', () => {
  // 10 NB201 networks, enough timed runs that a network takes a noticeable time
  const args = (out: string, repeats = '100') => [
    'measure',
    'nb201',
    '--sample',
    '10',
    '--seed',
    '3',
    '--repeats',
    repeats,
    '--warmup',
    '2',
    '-o',
    out,
  ];

  it('resumes after SIGKILL with the same architectures as an uninterrupted run; refuses other arguments', async () => {
    const full = join(dir, 'full.csv');
    const r0 = runCli([...args(full), '--json']);
    expect(r0.stderr).toBe('');
    expect(r0.code).toBe(0);
    expect(JSON.parse(r0.stdout)).toMatchObject({ rows: 10, resumed: 0, measured: 10 });
    const expected = archColumns(full);
    expect(expected).toHaveLength(10);
    expect(existsSync(`${full}.partial`)).toBe(false);

    const out = join(dir, 'resumed.csv');
    const partial = `${out}.partial`;
    const killed = await killAfterRows(args(out), partial, 3);
    expect(killed).toBe(true);
    expect(existsSync(out)).toBe(false);
    const done = dataLines(partial);
    expect(done).toBeGreaterThanOrEqual(3);
    expect(done).toBeLessThan(10);
    // a torn line, as a kill in the middle of a write would leave
    appendFileSync(partial, '99999,|nor_conv');

    const other = runCli(args(out, '7'));
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(
      /^hwnas: .*resumed\.csv\.partial was written by 'hwnas measure' with different arguments \(repeats was 100, now 7\)/,
    );
    expect(other.stderr.trim().split('\n')).toHaveLength(1);

    const r1 = runCli([...args(out), '--json']);
    expect(r1.stderr).toBe('');
    expect(r1.code).toBe(0);
    const summary = JSON.parse(r1.stdout);
    expect(summary.resumed).toBe(done);
    expect(summary.measured).toBe(10 - done);
    expect(archColumns(out)).toEqual(expected);
    expect(existsSync(partial)).toBe(false);
    expect(existsSync(`${partial}.args`)).toBe(false);
  });

  it('--arch measures the given architectures once each, in the order given', () => {
    const out = join(dir, 'arch.csv');
    const cell = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|';
    const r = runCli([
      'measure',
      'nb201',
      '--arch',
      cell,
      '--arch',
      '0',
      '--arch',
      '11718',
      '--repeats',
      '2',
      '--warmup',
      '0',
      '-o',
      out,
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^wrote 2 rows to .*arch\.csv \(0 resumed\); median spread [\d.]+ %, [\d.]+ s per network\n$/,
    );
    expect(archColumns(out)).toEqual([`11718 ${cell}`, '0 |none~0|+|none~0|none~1|+|none~0|none~1|none~2|']);
  });

  it('bad input: one line, exit 2, no output file', () => {
    const out = join(dir, 'bad.csv');
    const cases: [string[], RegExp][] = [
      [['measure', 'nb201', '-o', out], /nothing to measure \(give exactly one of --all, --sample N, --arch A\)/],
      [['measure', 'nb201', '--all', '--arch', '1', '-o', out], /--all and --arch cannot be combined/],
      [['measure', 'nb201', '--sample', '0', '-o', out], /--sample must be an integer in \[1, 15625\]/],
      [['measure', 'nb201', '--arch', '|bogus|', '-o', out], /cell string/],
      [['measure', 'nb201', '--arch', '1', '--threads', 'x', '-o', out], /--threads must be an integer/],
      [['measure', 'nowhere', '--all', '-o', out], /unknown space 'nowhere'/],
    ];
    for (const [argv, pattern] of cases) {
      const r = runCli(argv);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(pattern);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });
});

describe('hwnas measure: Ctrl-C', () => {
  let dir = '';

  const file = (name: string) => join(dir, name);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hwnas-test-'));
  });

  it('prints one line naming the rows saved in <out>.partial and exits 130', async () => {
    const out = file('ort.csv');
    const args = ['measure', 'nb201', '--sample', '100', '--repeats', '3', '--warmup', '0', '-o', out, '--quiet'];
    const child = spawn(process.execPath, ['--import', 'tsx', `${repoRoot}src/cli/run.ts`, ...args], {
      cwd: repoRoot,
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += String(d);
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    // Interrupt once a few rows are saved.
    const partial = `${out}.partial`;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (existsSync(partial) && readFileSync(partial, 'utf8').split('\n').length > 4) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    const rows = readFileSync(partial, 'utf8').trim().split('\n').length - 1;
    expect(stderr).toMatch(
      /^hwnas: interrupted: (\d+) of 100 architectures measured and saved in .*ort\.csv\.partial \(rerun the same command to resume\)\n$/,
    );
    expect(Number(/interrupted: (\d+)/.exec(stderr)![1])).toBe(rows);
  }, 120_000);
});

describe('hwnas measure onto a finished table', () => {
  let dir = '';

  const file = (name: string) => join(dir, name);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hwnas-test-'));
  });

  it('is refused with one line; the measured table is left as it was and no .partial appears', () => {
    const out = file('board.csv');
    const table = 'index,arch,median_ms,min_ms,p90_ms,spread\n0,a,1,1,1,0\n1,b,2,2,2,0\n';
    writeFileSync(out, table);
    const r = runCli(['measure', 'nb201', '--arch', '0', '--repeats', '1', '--warmup', '0', '-o', out]);
    expectUserError(r, /^hwnas: --out .*board\.csv already holds a finished table \(2 rows\).*delete the file/);
    expect(readFileSync(out, 'utf8')).toBe(table);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });
  it('a new table of one architecture says "1 row"', () => {
    const out = file('single.csv');
    const r = runCli(['measure', 'nb201', '--arch', '0', '--repeats', '1', '--warmup', '0', '-o', out, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^wrote 1 row to .*single\.csv \(0 resumed\)/);
  });
});
