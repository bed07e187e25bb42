/**
 * `hwnas reproduce` as a user runs it, in child processes, on the synthetic toy benchmark: killed with
 * SIGKILL midway then rerun, and stopped with Ctrl-C (SIGINT) then rerun, both end with exports
 * byte-identical to an uninterrupted run.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/study/config.js';
import { StudyStore } from '../../src/study/store.js';
import { repoRoot } from '../helpers/cli.js';
import { errorOf } from '../helpers/errors.js';

const toy = join(repoRoot, 'test/helpers/study-toy.ts');
const cli = join(repoRoot, 'src/cli/run.ts');
const nodeArgs = ['--import', 'tsx', '--import', toy, cli];
const study = [
  'reproduce',
  '--accuracy',
  'toy:acc',
  '--devices',
  'toy:lat-a,toy:lat-b',
  '--pruning',
  'none,params/latency@0.7,random@0.5',
  '--seeds',
  '10',
  '--evals',
  '3000',
  '--population',
  '20',
  '--sample',
  '5',
  '--threads',
  '1',
];
const TOTAL = 60;
const exported = [
  'results/runs.csv',
  'results/checkpoints.csv',
  'results/results.json',
  'tables/gd.csv',
  'tables/time-to-quality.csv',
];

function runSync(args: string[]) {
  const r = spawnSync(process.execPath, [...nodeArgs, ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function committedRuns(folder: string): number {
  const path = join(folder, 'study.sqlite');
  if (!existsSync(path)) return 0;
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      return (db.prepare('SELECT count(*) AS n FROM runs').get() as { n: number }).n;
    } finally {
      db.close();
    }
  } catch {
    return 0; // schema not created yet
  }
}

/** Start the study, wait until `atLeast` runs are committed, send `signal`, wait for the exit code. */
async function interrupt(
  out: string,
  signal: NodeJS.Signals,
  atLeast: number,
  extra: string[] = [],
): Promise<{ code: number | null; signal: string | null; stderr: string; committed: number }> {
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, ...study, ...extra, '--out', out], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  child.stdout!.resume();
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on('exit', (code, sig) => resolve({ code, signal: sig })),
  );
  const deadline = Date.now() + 90_000;
  while (committedRuns(out) < atLeast && Date.now() < deadline && child.exitCode === null)
    await new Promise((r) => setTimeout(r, 5));
  child.kill(signal);
  const result = await exited;
  return { ...result, stderr, committed: committedRuns(out) };
}

let dir: string;
let reference: string[];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hwnas-study-cli-'));
  const r = runSync([...study, '--out', join(dir, 'reference')]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/Generational distance/);
  reference = exported.map((f) => readFileSync(join(dir, 'reference', f), 'utf8'));
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hwnas reproduce interrupted', () => {
  it('resumes after SIGKILL and ends byte-identical to an uninterrupted run', async () => {
    const out = join(dir, 'killed');
    const killed = await interrupt(out, 'SIGKILL', 3);
    expect(killed.signal).toBe('SIGKILL');
    expect(killed.committed).toBeGreaterThanOrEqual(3);
    expect(killed.committed).toBeLessThan(TOTAL);
    const r = runSync([...study, '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`\\(${killed.committed} resumed from the store\\)`));
    expect(exported.map((f) => readFileSync(join(out, f), 'utf8'))).toEqual(reference);
  }, 180_000);

  it.each([1, 2])(
    'finishes the runs in flight on Ctrl-C, commits, exits cleanly, and resumes (%i threads)',
    async (threads) => {
      const out = join(dir, `sigint-${threads}`);
      const stopped = await interrupt(out, 'SIGINT', 2, ['--threads', String(threads)]);
      expect(stopped.code).toBe(130);
      expect(stopped.stderr.trim().split('\n')).toHaveLength(1);
      expect(stopped.stderr).toMatch(
        /^hwnas: interrupted: \d+ of 60 runs finished and saved in .* \(rerun the same command to resume\)/,
      );
      const saved = Number(/interrupted: (\d+)/.exec(stopped.stderr)![1]);
      expect(saved).toBe(stopped.committed);
      expect(saved).toBeLessThan(TOTAL);
      const db = new Database(join(out, 'study.sqlite'), { readonly: true });
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      db.close();
      const r = runSync([...study, '--out', out, '--quiet']);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('');
      expect(exported.map((f) => readFileSync(join(out, f), 'utf8'))).toEqual(reference);
    },
    180_000,
  );

  it('refuses bad input with one line and exit code 2', () => {
    const cases: [string[], RegExp][] = [
      [['reproduce', '--evals', '50', '--out', join(dir, 'x')], /smaller than the population/],
      [
        ['reproduce', '--devices', 'nosuch:thing', '--accuracy', 'toy:acc', '--out', join(dir, 'x')],
        /unknown source 'nosuch:thing'/,
      ],
      [
        [...study, '--evals', '2000', '--out', join(dir, 'reference')],
        /holds a different study \(its config differs in evals.*--force/,
      ],
      [['reproduce', '--config', join(dir, 'missing.json')], /cannot read study config/],
      [['report', join(dir, 'nothing-here')], /holds no study/],
    ];
    for (const [args, pattern] of cases) {
      const r = runSync(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
      expect(r.stderr).toMatch(pattern);
    }
    expect(existsSync(join(dir, 'x'))).toBe(false);
  }, 120_000);

  it('prints a stable JSON summary with --json', () => {
    const r = runSync([...study, '--out', join(dir, 'reference'), '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.runs).toEqual({ total: 60, ran: 0, resumed: 60 });
    expect(j.summary.tables.gd).toHaveLength(6);
    expect(j.summary.checkpoints).toEqual([10, 100, 250, 500, 1000, 2000, 3000]);
  }, 120_000);
});

describe('study folders (hwnas reproduce --out, hwnas report)', () => {
  let dir = '';

  const file = (name: string) => join(dir, name);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hwnas-qa2-'));
  });

  it('a study folder is created, but not a missing parent (a typo should not grow a new tree)', () => {
    const e = errorOf(() => StudyStore.check(file('no-such/study'), defaultConfig()));
    expect(e.message).toBe(`output folder '${file('no-such/study')}': folder '${file('no-such')}' does not exist`);
    expect(existsSync(file('no-such'))).toBe(false);
    expect(StudyStore.check(file('new-study'), defaultConfig())).toBe('new');
  });
  it('--out naming a file is a user error, not an internal one', () => {
    writeFileSync(file('study.json'), '{}\n');
    expect(errorOf(() => StudyStore.check(file('study.json'), defaultConfig())).message).toBe(
      `output folder '${file('study.json')}' is a file`,
    );
  });
  it('hwnas report on a damaged store: one line naming the file, exit 2', () => {
    mkdirSync(file('damaged'));
    writeFileSync(file('damaged/study.sqlite'), 'garbage\n');
    const e = errorOf(() => StudyStore.open(file('damaged')));
    expect(e.message).toMatch(/study\.sqlite is damaged \(file is not a database\)$/);
  });
});
