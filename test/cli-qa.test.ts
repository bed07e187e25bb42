/**
 * Regression tests from the QA pass: every bad input ends in one stderr line with a fix hint and exit
 * code 2, nothing half-written, and numbers are not silently computed from mismatched inputs.
 */
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { usageErrorLine } from '../src/cli/main.js';
import { runPrune } from '../src/cli/prune.js';
import { sha256Hex, storeVerified } from '../src/data/fetch.js';
import type { PinnedFile } from '../src/data/manifest.js';
import { readTableColumn } from '../src/data/table.js';
import { writeFileAtomic } from '../src/io/atomic.js';
import { checkOutputFile } from '../src/io/folders.js';
import { computeMetric } from '../src/pareto/indicator.js';
import { loadClosedProblem } from '../src/problem/load.js';
import { defaultConfig } from '../src/study/config.js';
import { StudyStore } from '../src/study/store.js';
import { runCli } from './helpers/cli.js';
import { toySpace } from './helpers/data.js';
import { asyncErrorOf, errorOf } from './helpers/errors.js';

let dir = '';
const file = (name: string) => join(dir, name);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hwnas-qa-'));
  writeFileSync(file('Z.csv'), 'f1,f2\n1,0\n0,10\n');
  writeFileSync(file('Zrev.csv'), 'f2,f1\n0,1\n10,0\n'); // the same front, columns swapped
  writeFileSync(file('A.csv'), 'f1,f2\n2,5\n');
  writeFileSync(file('A13.csv'), 'f1,f3\n2,5\n');
  writeFileSync(file('front.csv'), 'index,arch,accuracy,latency\n1,x,90,2\n');
  writeFileSync(file('file'), 'not a folder\n');
  writeFileSync(file('header-only.csv'), 'arch,ms\n');
  writeFileSync(file('acc.csv'), 'arch,top1\n0,1.5\n');
});

describe('usage errors are one line', () => {
  it('folds commander messages and suggestions into one line naming the exact --help', () => {
    expect(usageErrorLine("error: unknown option '--clases'\n(Did you mean --classes?)\n", 'hwnas arch')).toBe(
      "hwnas: unknown option '--clases' (did you mean --classes? run 'hwnas arch --help' for usage)",
    );
    expect(usageErrorLine("error: missing required argument 'space'\n", 'hwnas space info')).toBe(
      "hwnas: missing required argument 'space' (run 'hwnas space info --help' for usage)",
    );
  });
  it('through the CLI: a typo in an option of a subcommand', () => {
    const r = runCli(['space', 'info', 'nb201', '--jsn']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      "hwnas: unknown option '--jsn' (did you mean --json? run 'hwnas space info --help' for usage)\n",
    );
  });
});

describe('output files', () => {
  it('writeFileAtomic: unwritable paths are user errors and leave no temp file', () => {
    expect(errorOf(() => writeFileAtomic(file('file/x.csv'), 'a')).message).toBe(
      `cannot create the folder of ${file('file/x.csv')}: a file is in the way`,
    );
    expect(errorOf(() => writeFileAtomic(dir, 'a')).message).toBe(`cannot write ${dir}: it is a folder`);
    expect(readdirSync(dir).filter((n) => n.includes('.tmp-'))).toEqual([]);
    writeFileAtomic(file('made/here.csv'), 'ok\n'); // library callers (study, cache) still get folders made
    expect(existsSync(file('made/here.csv'))).toBe(true);
  });
  it('checkOutputFile: a missing folder, a file in the way or a folder as target', () => {
    expect(errorOf(() => checkOutputFile('--out', file('nope/x.onnx'))).message).toMatch(
      /folder '.*nope' does not exist/,
    );
    expect(errorOf(() => checkOutputFile('--out', file('file/x.onnx'))).message).toMatch(/is not a folder/);
    expect(errorOf(() => checkOutputFile('--out', dir)).message).toMatch(/is a folder/);
    checkOutputFile('--out', file('fine.onnx'));
  });
  it('export-onnx into a folder that does not exist: one line, exit 2, nothing written', () => {
    const out = file('missing-folder/net.onnx');
    const r = runCli(['export-onnx', 'nb201', '0', '-o', out]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^hwnas: --out .*missing-folder\/net\.onnx: folder .* does not exist \(create it first/);
    expect(existsSync(file('missing-folder'))).toBe(false);
  });
});

describe('data cache', () => {
  it('an unwritable cache is a user error naming HWNAS_CACHE', () => {
    const prev = process.env.HWNAS_CACHE;
    process.env.HWNAS_CACHE = file('file'); // a file, not a folder
    try {
      const bytes = Buffer.from('x\n');
      const pinned: PinnedFile = { repo: 'o/r', commit: 'c'.repeat(40), path: 'x.txt', sha256: sha256Hex(bytes) };
      const e = errorOf(() => storeVerified(pinned, bytes, 'test'));
      expect(e.message).toMatch(/^cannot write the cache file .*ENOTDIR/);
      expect((e as { hint?: string }).hint).toMatch(/HWNAS_CACHE/);
    } finally {
      if (prev === undefined) delete process.env.HWNAS_CACHE;
      else process.env.HWNAS_CACHE = prev;
    }
  });
  it('table: a header without rows, or a folder, is named as such', () => {
    const space = toySpace([2, 3]);
    expect(errorOf(() => readTableColumn({ file: file('header-only.csv'), column: 'ms' }, space)).message).toBe(
      'table header-only.csv: no data rows after the header',
    );
    expect(errorOf(() => readTableColumn({ file: dir, column: 'ms' }, space)).message).toMatch(
      /cannot read it \(EISDIR\)/,
    );
  });
});

describe('metrics: front columns are matched by name', () => {
  const m = (args: Record<string, string>) => computeMetric({ p: '2', indicator: 'igd', points: '', ...args });
  it('a front with swapped columns gives the golden IGD 5.242 (issue 3), not a silent mix-up', () => {
    expect(m({ points: file('A.csv'), front: file('Z.csv') }).value).toBeCloseTo(5.242092, 6);
    expect(m({ points: file('A.csv'), front: file('Zrev.csv') }).value).toBeCloseTo(5.242092, 6);
  });
  it('different column names are an error', () => {
    expect(errorOf(() => m({ points: file('A13.csv'), front: file('Z.csv') })).message).toMatch(
      /Z\.csv has no column 'f3'/,
    );
  });
  it('a non-numeric column without --columns suggests --columns', () => {
    const e = errorOf(() => m({ points: file('front.csv'), front: file('front.csv') }));
    expect((e as { hint?: string }).hint).toBe(
      'every column is an objective unless --columns picks them, e.g. --columns -accuracy,latency',
    );
  });
});

describe('prune: sources in the wrong role', () => {
  it('rejects a maximised source as --latency and one ratio message for every out-of-range value', async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const e = await asyncErrorOf(() =>
        runPrune('nb201', { latency: 'table:acc.csv#top1', metric: 'params/latency', ratio: '0.5' }),
      );
      expect(e.message).toBe('--latency table:acc.csv#top1 is maximised, not a latency');
      for (const ratio of ['1', '70', '-0.1', 'x']) {
        const r = await asyncErrorOf(() => runPrune('nb201', { latency: 'model:cortex-m7', metric: 'params', ratio }));
        expect(r.message).toBe(`--ratio must be in [0, 1), got '${ratio}'`);
      }
    } finally {
      process.chdir(cwd);
    }
  });

  it('front and search refuse sources in the wrong role', async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const e = await asyncErrorOf(() =>
        loadClosedProblem({
          space: 'nb201',
          accuracy: 'table:acc.csv#top1',
          latency: 'table:acc.csv#top1',
          allowMissing: true,
        }),
      );
      expect(e.message).toBe('--latency table:acc.csv#top1 is maximised, not a latency');
    } finally {
      process.chdir(cwd);
    }
  });

  it('search and front check --out before any work: one line, exit 2', () => {
    for (const cmd of [
      ['search', '--space', 'nb201', '--accuracy', 'nb201:cifar100', '--latency', 'model:cortex-m7'],
      ['front', '--space', 'nb201', '--accuracy', 'nb201:cifar100', '--latency', 'model:cortex-m7'],
    ]) {
      const r = runCli([...cmd, '--out', file('no-such-folder/run.json')], { env: { HWNAS_MIRROR: '' } });
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain("folder '");
      expect(existsSync(file('no-such-folder'))).toBe(false);
    }
  });

  it('a study folder that cannot be created is a user error', () => {
    const e = errorOf(() => StudyStore.create(file('file/study'), defaultConfig()));
    expect(e.message).toMatch(/^cannot create --out folder '.*file\/study' \(ENOTDIR\)$/);
  });
});
