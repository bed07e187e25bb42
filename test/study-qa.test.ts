/**
 * Regression tests from a QA pass of `hwnas reproduce`: the study hash covers the contents of the files the
 * config names (an edited file is refused like a different config, an unchanged or copied one resumes
 * byte-identically), an --out under /proc is one line instead of a hang, and the integer options name the
 * nearest allowed value. The study is a tiny user space (9 architectures) with file sources only.
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { strategyNames } from '../src/search/index.js';
import { buildConfig, configHash, studyHash } from '../src/study/config.js';
import { sourceFiles, studyInputs } from '../src/study/inputs.js';
import { runCli } from './helpers/cli.js';
import { tinyLayeredSpace } from './helpers/data.js';
import { expectUserError } from './helpers/errors.js';
import { toyReportConfig } from './helpers/study-toy.js';

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
  dir = mkdtempSync(join(tmpdir(), 'hwnas-study-qa-'));
  for (const [name, text] of Object.entries(FILES)) writeFileSync(join(dir, name), text);
  expect(runsOf(dir)).toEqual({ total: 8, ran: 8, resumed: 0 });
  reference = exportsOf(dir);
}, 120_000);

describe('which files a study reads', () => {
  it("lists each source's file by its own parser; built-in sources read none", () => {
    expect(sourceFiles('table:m/acc.csv#top1:max')).toEqual(['m/acc.csv']);
    expect(sourceFiles('fit:a#b.csv#ms@cortex-m7')).toEqual(['a#b.csv']);
    expect(sourceFiles('fit:board.csv#ms')).toEqual(['board.csv']);
    expect(sourceFiles('lut:per-block.csv')).toEqual(['per-block.csv']);
    for (const spec of ['nb201:cifar100', 'help:pixel3', 'model:cortex-m7@threads=4', 'blox:test_top1', 'ort'])
      expect(sourceFiles(spec)).toEqual([]);
  });

  it('a study naming no file hashes as its config alone (folders from before still resume)', () => {
    const toy = toyReportConfig();
    expect(studyInputs(toy)).toEqual([]);
    expect(studyHash(toy, [])).toBe(configHash(toy));
    expect(studyInputs(buildConfig({}, strategyNames))).toEqual([]);
  });

  it('lists the space file and each CSV once, in config order, with the sha256 of its bytes', () => {
    const config = buildConfig(
      {
        space: join(dir, 'space.json'),
        accuracy: `table:${join(dir, 'acc.csv')}#acc`,
        devices: `lut:${join(dir, 'lut.csv')},table:${join(dir, 'acc.csv')}#acc:min`,
        population: '4',
        sample: '2',
      },
      strategyNames,
    );
    const sha = (name: string) => createHash('sha256').update(FILES[name]!).digest('hex');
    expect(studyInputs(config).map((i) => [i.file, i.sha256])).toEqual([
      [join(dir, 'space.json'), sha('space.json')],
      [join(dir, 'acc.csv'), sha('acc.csv')],
      [join(dir, 'lut.csv'), sha('lut.csv')],
    ]);
  });
});

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
    const copy = join(mkdtempSync(join(tmpdir(), 'hwnas-study-qa-copy-')), 'elsewhere');
    cpSync(dir, copy, { recursive: true });
    expect(runsOf(copy)).toEqual({ total: 8, ran: 0, resumed: 8 });
    expect(exportsOf(copy)).toEqual(reference);
  }, 60_000);

  it('a folder written before file contents counted is refused with a message saying so', () => {
    const old = join(mkdtempSync(join(tmpdir(), 'hwnas-study-qa-old-')), 'study');
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
