/**
 * `hwnas reproduce` as a user runs it, in child processes, on the synthetic toy benchmark: killed with
 * SIGKILL midway then rerun, and stopped with Ctrl-C (SIGINT) then rerun, both end with exports
 * byte-identical to an uninterrupted run.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/study/config.js';
import { StudyStore } from '../../src/study/store.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { tinyLayeredSpace } from '../helpers/data.js';
import { errorOf, expectUserError } from '../helpers/errors.js';

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
    dir = mkdtempSync(join(tmpdir(), 'hwnas-test-'));
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

describe('a study reading Parquet tables', () => {
  type Column = { name: string; data: unknown[]; type?: string };

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
    const cwd = mkdtempSync(join(tmpdir(), 'hwnas-study-'));
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

describe('a small study on a user space', () => {
  const acc = [50, 61, 66, 58, 70, 73, 62, 74, 79];
  const ms = [1, 2, 3, 2.5, 3.5, 4.5, 4, 5, 6];
  let cwd = '';
  beforeAll(() => {
    cwd = mkdtempSync(join(tmpdir(), 'hwnas-study-'));
    writeFileSync(join(cwd, 'space.json'), JSON.stringify(tinyLayeredSpace('qa6-tiny')));
    writeFileSync(join(cwd, 'acc.csv'), `index,acc\n${acc.map((v, i) => `${i},${v}`).join('\n')}\n`);
    writeFileSync(join(cwd, 'board.csv'), `index,ms\n${ms.map((v, i) => `${i},${v}`).join('\n')}\n`);
  });
  const study = (out: string, threads: string, ...extra: string[]) => [
    ...['reproduce', '--space', 'space.json', '--accuracy', 'table:acc.csv#acc', '--devices', 'table:board.csv#ms'],
    ...['--pruning', 'none', '--seeds', '3', '--evals', '20', '--population', '4', '--sample', '2'],
    ...['--checkpoints', '10,20', '--threads', threads, '--out', out, ...extra],
  ];
  const exports = (out: string) =>
    ['results/runs.csv', 'results/checkpoints.csv', 'tables/gd.csv'].map((f) =>
      readFileSync(join(cwd, out, f), 'utf8'),
    );

  it('--threads above the core count is capped with one note and gives the same results', () => {
    const cores = availableParallelism();
    const one = runCli(study('one', '1', '--quiet'), { cwd, timeoutMs: 60_000 });
    expect(one.code, one.stderr).toBe(0);
    expect(one.stderr).toBe('');
    const many = runCli(study('many', '1024', '--quiet'), { cwd, timeoutMs: 60_000 });
    expect(many.code, many.stderr).toBe(0);
    if (cores < 1024)
      expect(many.stderr).toBe(
        `hwnas: note: --threads 1024 is more than the ${cores} core${cores === 1 ? '' : 's'} of this machine: using ${cores} (results do not depend on the thread count)\n`,
      );
    expect(exports('many')).toEqual(exports('one'));
  }, 120_000);

  it('measure --threads above the core count is capped with the same note (ONNX Runtime intra-op threads)', () => {
    const cores = availableParallelism();
    const r = runCli(
      ['measure', 'space.json', '--arch', '0', '--arch', '4', '-o', 'm.csv', '--threads', '256', '--repeats', '2'],
      { cwd, timeoutMs: 60_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(cwd, 'm.csv'), 'utf8').split('\n')[0]).toBe('index,arch,median_ms,min_ms,p90_ms,spread');
    if (cores < 256)
      expect(r.stderr.split('\n')[0]).toBe(
        `hwnas: note: --threads 256 is more than the ${cores} core${cores === 1 ? '' : 's'} of this machine: using ${cores} (more intra-op threads than cores would time their contention)`,
      );
  }, 60_000);

  it('hwnas report on a study with runs missing says partial in every table and the HTML, exit 0', () => {
    const full = runCli(study('cut', '1', '--quiet'), { cwd, timeoutMs: 60_000 });
    expect(full.code, full.stderr).toBe(0);
    const complete = runCli(['report', 'cut', '--no-plots'], { cwd });
    expect(complete.code, complete.stderr).toBe(0);
    expect(complete.stdout).not.toMatch(/partial/);
    // As after an interrupted reproduce: one of the three runs is not in the store.
    const db = new Database(join(cwd, 'cut', 'study.sqlite'));
    const key = (db.prepare('SELECT key FROM runs ORDER BY idx DESC LIMIT 1').get() as { key: string }).key;
    for (const t of ['runs', 'checkpoints', 'fronts'])
      db.prepare(`DELETE FROM ${t} WHERE ${t === 'runs' ? 'key' : 'run_key'} = ?`).run(key);
    db.close();

    const r = runCli(['report', 'cut', '--no-plots'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const note = 'partial: 2 of 3 runs finished; values are over the finished runs only';
    // Every table says so: each terminal table once, each Markdown table file.
    const md = readdirSync(join(cwd, 'cut', 'tables')).filter((f) => f.endsWith('.md'));
    expect(md.length).toBeGreaterThanOrEqual(6);
    expect(r.stdout.split(note).length - 1).toBe(md.length);
    for (const f of md) expect(readFileSync(join(cwd, 'cut', 'tables', f), 'utf8'), f).toContain(note);
    const html = readFileSync(join(cwd, 'cut', 'report.html'), 'utf8');
    expect(html).toContain('2 of 3 runs finished');
    expect(html).toContain(note);
    // CSV tables keep their columns: no note rows.
    expect(readFileSync(join(cwd, 'cut', 'tables', 'gd.csv'), 'utf8')).not.toMatch(/partial/);

    // Finishing the study removes the notice.
    const resumed = runCli(study('cut', '1', '--quiet'), { cwd, timeoutMs: 60_000 });
    expect(resumed.code, resumed.stderr).toBe(0);
    const after = runCli(['report', 'cut', '--no-plots'], { cwd });
    expect(after.stdout).not.toMatch(/partial/);
    expect(exports('cut')).toEqual(exports('one'));
  }, 180_000);
});

describe('hwnas reproduce on a user space with file sources', () => {
  const FILES: Record<string, string> = {
    'space.json': JSON.stringify(tinyLayeredSpace('qa-tiny')),
    'acc.csv': 'index,acc\n0,50\n1,61\n2,66\n3,58\n4,70\n5,73\n6,62\n7,74\n8,79\n',
    'lut.csv': 'decision,choice,ms\nfixed,,1\n0,0,0.5\n0,1,1.5\n0,2,3\n1,0,0.4\n1,1,1.2\n1,2,2.5\n',
    'fit.csv': 'index,ms\n0,2\n4,3.5\n8,6\n',
  };

  /** Relative paths only: the study is run from the folder holding its files. */
  const STUDY = [
    'reproduce',
    '--space',
    'space.json',
    '--accuracy',
    'table:acc.csv#acc',
    '--devices',
    'lut:lut.csv,fit:fit.csv#ms@cortex-m7',
    '--pruning',
    'none,params/latency@0.5',
    '--seeds',
    '2',
    '--evals',
    '20',
    '--population',
    '4',
    '--sample',
    '2',
    '--threads',
    '1',
  ];

  const EXPORTS = ['results/runs.csv', 'results/checkpoints.csv', 'results/results.json', 'tables/gd.csv'];

  let dir = '';

  let reference: string[] = [];

  function study(cwd: string, extra: string[] = []) {
    return runCli([...STUDY, '--out', 'out', ...extra], { cwd, timeoutMs: 60_000 });
  }

  function runsOf(cwd: string): { total: number; ran: number; resumed: number } {
    const r = study(cwd, ['--json']);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout).runs;
  }

  function exportsOf(cwd: string): string[] {
    return EXPORTS.map((f) => readFileSync(join(cwd, 'out', f), 'utf8'));
  }

  function committedRuns(cwd: string): number {
    const db = new Database(join(cwd, 'out', 'study.sqlite'), { readonly: true, fileMustExist: true });
    try {
      return (db.prepare('SELECT count(*) AS n FROM runs').get() as { n: number }).n;
    } finally {
      db.close();
    }
  }

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hwnas-study-'));
    for (const [name, text] of Object.entries(FILES)) writeFileSync(join(dir, name), text);
    expect(runsOf(dir)).toEqual({ total: 8, ran: 8, resumed: 0 });
    reference = exportsOf(dir);
  }, 120_000);

  describe('hwnas reproduce with edited input files', () => {
    it('an unchanged rerun resumes byte-identically, also after rewriting a file with the same bytes', () => {
      writeFileSync(join(dir, 'lut.csv'), FILES['lut.csv']!);
      expect(runsOf(dir)).toEqual({ total: 8, ran: 0, resumed: 8 });
      expect(exportsOf(dir)).toEqual(reference);
    }, 60_000);

    it.each([
      ['lut.csv', (t: string) => t.replace('0,2,3\n', '0,2,3.5\n'), /its file 'lut\.csv' changed/],
      ['fit.csv', (t: string) => t.replace('8,6\n', '8,6.5\n'), /its file 'fit\.csv' changed/],
      ['acc.csv', (t: string) => t.replace('8,79\n', '8,80\n'), /its file 'acc\.csv' changed/],
      ['space.json', (t: string) => `${t}\n`, /its file 'space\.json' changed/],
    ])(
      'an edited %s is refused like a different study, and resumes once restored',
      (name, edit, pattern) => {
        writeFileSync(join(dir, name), edit(FILES[name]!));
        const r = study(dir);
        expectUserError(r, /^hwnas: output folder 'out' holds a different study \(its file '[^']+' changed since/);
        expect(r.stderr).toMatch(pattern);
        expect(r.stderr).toMatch(/use a new --out, delete the old folder, or pass --force/);
        expect(committedRuns(dir)).toBe(8);
        writeFileSync(join(dir, name), FILES[name]!);
        expect(runsOf(dir)).toEqual({ total: 8, ran: 0, resumed: 8 });
        expect(exportsOf(dir)).toEqual(reference);
      },
      60_000,
    );

    it('names every changed file', () => {
      writeFileSync(join(dir, 'lut.csv'), FILES['lut.csv']!.replace('fixed,,1', 'fixed,,2'));
      writeFileSync(join(dir, 'fit.csv'), FILES['fit.csv']!.replace('0,2', '0,2.5'));
      try {
        expectUserError(study(dir), /its files 'lut\.csv', 'fit\.csv' changed since the study started/);
      } finally {
        writeFileSync(join(dir, 'lut.csv'), FILES['lut.csv']!);
        writeFileSync(join(dir, 'fit.csv'), FILES['fit.csv']!);
      }
    }, 60_000);

    it('a folder copied with its files to another path resumes there byte-identically (no absolute paths)', () => {
      const copy = join(mkdtempSync(join(tmpdir(), 'hwnas-study-copy-')), 'elsewhere');
      cpSync(dir, copy, { recursive: true });
      expect(runsOf(copy)).toEqual({ total: 8, ran: 0, resumed: 8 });
      expect(exportsOf(copy)).toEqual(reference);
    }, 60_000);

    it('a folder written before file contents counted is refused with a message saying so', () => {
      const old = join(mkdtempSync(join(tmpdir(), 'hwnas-study-old-')), 'study');
      cpSync(dir, old, { recursive: true });
      // What such a folder holds: the hash of the config alone and no record of the inputs.
      const db = new Database(join(old, 'out', 'study.sqlite'));
      const config = (db.prepare("SELECT value FROM meta WHERE key = 'config'").get() as { value: string }).value;
      const hash = createHash('sha256').update(config).digest('hex').slice(0, 16);
      db.prepare("UPDATE meta SET value = ? WHERE key = 'hash'").run(hash);
      db.prepare("DELETE FROM meta WHERE key = 'inputs'").run();
      db.close();
      expectUserError(
        study(old),
        /^hwnas: output folder 'out' holds a different study \(it was made before hwnas recorded the contents of the files it reads: it cannot tell whether files 'space\.json', 'acc\.csv', 'lut\.csv', 'fit\.csv' changed\) \(.*use a new --out, delete the old folder/,
      );
      expect(committedRuns(old)).toBe(8);
    }, 60_000);

    it('a changed config is still refused naming its keys (before any file comparison)', () => {
      writeFileSync(join(dir, 'lut.csv'), FILES['lut.csv']!.replace('fixed,,1', 'fixed,,2'));
      try {
        expectUserError(
          runCli([...STUDY, '--evals', '24', '--out', 'out'], { cwd: dir, timeoutMs: 60_000 }),
          /holds a different study \(its config differs in evals, checkpoints, frontsAt\) \(pass --force/,
        );
      } finally {
        writeFileSync(join(dir, 'lut.csv'), FILES['lut.csv']!);
      }
    }, 60_000);
  });

  describe.skipIf(process.platform !== 'linux')('hwnas reproduce --out where no folder can be made', () => {
    it('one line and exit 2 (was a hang under /proc)', () => {
      const r = runCli([...STUDY, '--out', '/proc/hwnas-study-qa'], { cwd: dir, timeoutMs: 60_000 });
      expectUserError(
        r,
        /^hwnas: cannot create --out folder '\/proc\/hwnas-study-qa' \(ENOENT\) \(choose another --out\)$/,
      );
    }, 60_000);
  });

  describe('hwnas reproduce integer options', () => {
    it.each([
      [
        ['--evals', '0'],
        /^hwnas: --evals must be an integer in \[1, 100000000\], got '0' \(the nearest allowed value is 1\)$/,
      ],
      [
        ['--population', '1'],
        /^hwnas: --population must be an integer in \[2, 10000000\], got '1' \(the nearest allowed value is 2\)$/,
      ],
      [
        ['--sample', 'x'],
        /^hwnas: --sample must be an integer in \[1, 10000000\], got 'x' \(write digits only, e.g\. --sample 1\)$/,
      ],
      [['--evals', '2.5'], /^hwnas: --evals must be an integer in \[1, 100000000\], got '2\.5' \(write digits only/],
    ])('%j names the allowed range and a value to use', (flag, pattern) => {
      expectUserError(runCli(['reproduce', ...flag, '--out', join(dir, 'never')], { timeoutMs: 60_000 }), pattern);
    });
  });
});
