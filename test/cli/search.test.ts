import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runSearch } from '../../src/cli/search.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { asyncErrorOf, expectUserError } from '../helpers/errors.js';
import { mcuSearch } from '../helpers/mcu.js';
import { writeSyntheticNb201 } from '../helpers/synthetic-nb201.js';

let dir = '';
let acc = '';
let lat = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hwnas-search-'));
  ({ acc, lat } = writeSyntheticNb201(dir));
});

describe('hwnas search', () => {
  it('writes a deterministic run with GD/IGD+/HV at the poster checkpoints', () => {
    const args = [
      'search',
      '--space',
      'nb201',
      '--accuracy',
      acc,
      '--latency',
      lat,
      '--strategy',
      're',
      '--evals',
      '1000',
    ];
    const out1 = join(dir, 'r1.json');
    const out2 = join(dir, 'r2.json');
    const r1 = runCli([...args, '--seed', '4', '--prune', '0.5', '--out', out1]);
    expect(r1.stderr).toBe('');
    expect(r1.code).toBe(0);
    expect(r1.stdout).toMatch(/re on nb201 \(729 of 15625 architectures, pruned params\/latency 0.5\)/);
    const r2 = runCli([...args, '--seed', '4', '--prune', '0.5', '--out', out2]);
    expect(r2.code).toBe(0);
    expect(readFileSync(out1, 'utf8')).toBe(readFileSync(out2, 'utf8'));
    const run = JSON.parse(readFileSync(out1, 'utf8'));
    expect(run.checkpoints.map((c: { evals: number }) => c.evals)).toEqual([10, 100, 250, 500, 1000]);
    expect(run.archs).toHaveLength(1000);
    expect(run.prune.size).toBe(729);
    expect(run.prune.r2).toBeCloseTo(1, 9);
    // params/latency removes the parameter-free ops: none and skip_connect (ties: lower code first)
    expect(run.prune.allowed[0]).toEqual(['nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3']);
    for (const c of run.checkpoints) expect(c.gd).toBeGreaterThanOrEqual(0);
    // GD never improves below what the pruned space allows; HV is at most the front's
    expect(run.checkpoints.at(-1).hv).toBeLessThanOrEqual(run.hvFront);
  });

  it("--found writes the found front as hwnas front CSV: hwnas metrics gives the run's final GD", () => {
    const found = join(dir, 'found.csv');
    const truth = join(dir, 'true.csv');
    const run = join(dir, 'found-run.json');
    const base = ['--space', 'nb201', '--accuracy', acc, '--latency', lat];
    const r = runCli(['search', ...base, '--evals', '300', '--checkpoints', '300', '--found', found, '--out', run]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/found front written to /);
    const json = JSON.parse(readFileSync(run, 'utf8'));
    const lines = readFileSync(found, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('index,arch,accuracy,latency');
    expect(lines.slice(1).map((l) => Number(l.split(',')[0]))).toEqual(
      json.found.map((x: { index: number }) => x.index),
    );
    expect(runCli(['front', ...base, '--out', truth]).code).toBe(0);
    const m = runCli(
      ['metrics', '--points', found, '--front', truth, '--columns', 'latency,-accuracy'].concat([
        '--indicator',
        'gd',
        '--normalize',
        '--json',
      ]),
    );
    expect(m.code).toBe(0);
    expect(JSON.parse(m.stdout).value).toBeCloseTo(json.checkpoints.at(-1).gd, 12);
  });

  it('--out and --found are written both or neither: an unwritable --found leaves no run.json', () => {
    const out = join(dir, 'both.json');
    const base = ['search', '--space', 'nb201', '--accuracy', acc, '--latency', lat, '--evals', '200'];
    const r = runCli([...base, '--out', out, '--found', '/proc/hwnas-found.csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^hwnas: cannot write \/proc\/hwnas-found\.csv: /);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('rejects bad input with one line and exit code 2', () => {
    const base = ['search', '--space', 'nb201', '--accuracy', acc, '--latency', lat];
    const cases: [string[], RegExp][] = [
      [['--evals', '50'], /--evals 50 is smaller than the population \(100\)/],
      [['--strategy', 'sa'], /unknown strategy 'sa'/],
      [['--prune', '1'], /--prune must be/],
      [['--prune', '0.5', '--metric', 'flops'], /unknown pruning metric 'flops'/],
      [['--checkpoints', ''], /--checkpoints is empty \(give evaluation counts/],
      [
        ['--accuracy', `table:${join(dir, 'holes.csv')}#acc`, '--evals', '100'],
        /1 of the 15625 architectures searched have no finite/,
      ],
    ];
    for (const [extra, msg] of cases) {
      const r = runCli([...base, ...extra]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});

describe('hwnas search options that would be ignored or print nothing', () => {
  const base = {
    space: 'nb201',
    accuracy: 'nb201:cifar100',
    latency: 'model:cortex-m7',
    strategy: 're',
    evals: '3000',
    seed: '0',
  };
  it('a checkpoint beyond --evals is an error, not an empty table', async () => {
    const e = await asyncErrorOf(() => runSearch({ ...base, checkpoints: '10,5000' }));
    expect(e.message).toBe('checkpoint 5000 is beyond the budget of 3000 evaluations');
  });
  it('--metric or --prune-seed without --prune is an error, not an unpruned search', async () => {
    expect((await asyncErrorOf(() => runSearch({ ...base, metric: 'random' }))).message).toBe('--metric needs --prune');
    expect((await asyncErrorOf(() => runSearch({ ...base, pruneSeed: '3' }))).message).toBe(
      '--prune-seed needs --prune',
    );
  });
});

describe('hwnas search --sample', () => {
  let dir = '';

  const file = (name: string) => join(dir, name);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hwnas-test-'));
  });

  const base = ['search', '--space', 'nb201', '--accuracy', 'nb201:cifar10', '--latency', 'model:cortex-m7'];
  it('larger than the population: refused with the message of hwnas reproduce, no --out written', () => {
    const out = file('run.json');
    const r = runCli([...base, '--population', '10', '--sample', '11', '--evals', '100', '--out', out]);
    expectUserError(r, /^hwnas: --sample \(11\) must be between 1 and the population \(10\).*lower --sample/);
    expect(existsSync(out)).toBe(false);
    const study = runCli(['reproduce', '--population', '10', '--sample', '11', '--out', file('study')]);
    expect(study.stderr).toBe(r.stderr);
    const open = runCli([
      'open-search',
      '--space',
      'nb201',
      '--evaluator',
      `node ${join(repoRoot, 'test/fixtures/evaluators/toy.mjs')}`,
      '--population',
      '10',
      '--sample',
      '11',
      '--out',
      file('open'),
    ]);
    expect(open.stderr).toBe(r.stderr);
    expect(existsSync(file('open'))).toBe(false);
  });
});

describe('hwnas search --unique', () => {
  let dir = '';

  const file = (name: string) => join(dir, name);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hwnas-test-'));
  });

  it('--evals above the number of architectures searched: refused before searching, no --out', () => {
    const out = file('unique.json');
    const r = runCli([...mcuSearch(dir), '--unique', '--evals', '3201', '--out', out]);
    expectUserError(r, /^hwnas: --unique --evals 3201 is more than the 3200 architectures searched .*at most 3200/);
    expect(existsSync(out)).toBe(false);
  });
  it('a run that stops early says so and names the checkpoints it could not reach', () => {
    const r = runCli([...mcuSearch(dir), '--unique', '--evals', '3200', '--checkpoints', '10,3200']);
    expect(r.code, r.stderr).toBe(0);
    const n = Number(/seed 0, (\d+) evaluations \(unique\)/.exec(r.stdout)![1]);
    expect(n).toBeLessThan(3200);
    expect(r.stdout).toContain(
      `stopped after ${n} of 3200 evaluations: the strategy kept asking for architectures it had evaluated (checkpoint 3200 left out)\n`,
    );
  });
});

describe('hwnas search --adaptive', () => {
  const base = ['search', '--space', 'nb201', '--accuracy', 'ACC', '--latency', 'LAT', '--evals', '400'];
  const args = () => base.map((a) => (a === 'ACC' ? acc : a === 'LAT' ? lat : a));
  const flags = () => ({
    space: 'nb201',
    accuracy: acc,
    latency: lat,
    strategy: 're',
    evals: '400',
    seed: '0',
    prune: '0.7',
  });

  it('starts in the pruned space, restores by the rule and records when, deterministically', () => {
    const cmd = [...args(), '--prune', '0.7', '--metric', 'latency', '--adaptive', 'every=100,step=1', '--json'];
    const r1 = runCli(cmd);
    expect(r1.code, r1.stderr).toBe(0);
    const run = JSON.parse(r1.stdout);
    expect(run.prune).toMatchObject({ metric: 'latency', ratio: 0.7, adaptive: 'every=100,step=1', size: 64 });
    expect(run.prune.restores).toEqual([
      { evals: 100, restored: 6 },
      { evals: 200, restored: 12 },
      { evals: 300, restored: 18 },
    ]);
    expect(runCli(cmd).stdout).toBe(r1.stdout);
  });

  it('bad rules: one line, exit 2', async () => {
    expectUserError(
      runCli([...args(), '--prune', '0.7', '--adaptive', 'wait=10']),
      /unknown adaptive pruning rule 'wait=10'/,
    );
    const line = async (extra: Record<string, string | undefined>) =>
      ((await asyncErrorOf(() => runSearch({ ...flags(), ...extra }))) as Error & { line(): string }).line();
    expect(await line({ adaptive: 'stall=-5' })).toMatch(
      /'stall' must be a positive integer \(evaluations\), got '-5'/,
    );
    expect(await line({ adaptive: 'stall=2.5' })).toMatch(/got '2.5'/);
    expect(await line({ adaptive: 'after=5,every=5' })).toMatch(/one restore rule/);
    expect(await line({ adaptive: 'soft=0.1', strategy: 'ls' })).toMatch(/soft pruning acts through mutation/);
    expect(await line({ adaptive: 'stall=10', prune: '1' })).toMatch(/--prune must be in \[0, 1\)/);
    expect(await line({ adaptive: 'stall=10', prune: '0' })).toMatch(/removes nothing/);
    expect(await line({ prune: undefined, adaptive: 'stall=10' })).toMatch(/--adaptive needs --prune/);
  });
});
