/** hwnas prune: the report and JSON on a synthetic benchmark, and bad input (one line, exit 2, nothing written). */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runPrune } from '../../src/cli/prune.js';
import { loadClosedProblem } from '../../src/problem/load.js';
import { defaultConfig } from '../../src/study/config.js';
import { StudyStore } from '../../src/study/store.js';
import { runCli } from '../helpers/cli.js';
import { csvFixtures } from '../helpers/csv-fixtures.js';
import { asyncErrorOf, errorOf, expectUserError } from '../helpers/errors.js';
import { writeSyntheticNb201 } from '../helpers/synthetic-nb201.js';

describe('prune: sources in the wrong role', () => {
  const file = csvFixtures();

  it('rejects a maximised source as --latency and one ratio message for every out-of-range value', async () => {
    const cwd = process.cwd();
    process.chdir(file(''));
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
    process.chdir(file(''));
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

describe('hwnas prune --seed', () => {
  it('refused with a non-random metric (it would be ignored)', () => {
    const r = runCli(['prune', 'nb201', '--latency', 'model:cortex-m7', '--ratio', '0.5', '--seed', '3']);
    expectUserError(
      r,
      /^hwnas: --seed only applies to the random metric, not 'params\/latency' \(drop --seed .* or use --metric random\)$/,
    );
  });
  it('accepted with --metric random; the default seed 0 equals an explicit --seed 0', () => {
    const base = ['prune', 'nb201', '--ratio', '0.5', '--metric', 'random', '--json'];
    const implicit = runCli(base);
    const explicit = runCli([...base, '--seed', '0']);
    expect(implicit.code, implicit.stderr).toBe(0);
    expect(explicit.stdout).toBe(implicit.stdout);
    expect(JSON.parse(implicit.stdout).seed).toBe(0);
    expect(runCli([...base, '--seed', '7']).stdout).not.toBe(implicit.stdout);
  });
  it('without --seed a deterministic metric still runs', () => {
    const r = runCli(['prune', 'nb201', '--latency', 'model:cortex-m7', '--ratio', '0.5', '--metric', 'params']);
    expect(r.code, r.stderr).toBe(0);
  });
});

describe('hwnas prune', () => {
  let lat = '';
  let acc = '';
  beforeAll(() => {
    ({ acc, lat } = writeSyntheticNb201(mkdtempSync(join(tmpdir(), 'hwnas-prune-'))));
  });

  it('reports scored blocks, the pruned size, R^2 and front recall', () => {
    const r = runCli(['prune', 'nb201', '--latency', lat, '--ratio', '0.7', '--report', '--accuracy', acc]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // 5 ops at 70 %: floor(3.5) = 3 removed, 2 kept per edge -> 2^6 = 64 architectures
    expect(r.stdout).toMatch(/pruned space: 64 of 15625 architectures/);
    expect(r.stdout).toMatch(/R\^2 = 1\.0000/);
    expect(r.stdout).toMatch(
      /front recall: [\d.]+ % of the \d+ true-front architectures survive; best reachable in the pruned space: GD [\d.e-]+, IGD\+ [\d.e-]+/,
    );
    // conv3x3 on one edge across the 15 cells: 5 x (9C^2 + 2C) for C = 16, 32, 64 = 243,040 params
    expect(r.stdout).toMatch(/nor_conv_3x3 +\S+ +243040 +\S+ +kept/);
    expect(r.stdout).toMatch(
      /IGD\+ of the pruned front is the floor any search in the pruned space can reach; its GD is not/,
    );
  });

  it('says which removed blocks the true front uses when it keeps little of it (text only, not --json)', () => {
    const base = [
      'prune',
      'nb201',
      '--latency',
      lat,
      '--ratio',
      '0.7',
      '--metric',
      'params/latency',
      '--accuracy',
      acc,
    ];
    const r = runCli(base);
    expect(r.code, r.stderr).toBe(0);
    // params/latency scores every parameter-free op 0: at 70 % it keeps only the two convolutions, while
    // the synthetic front's cheap end uses skip (0.2 ms, +1 accuracy) and none (0.01 ms)
    expect(Number(/front recall: ([\d.]+) %/.exec(r.stdout)![1])).toBeLessThan(50);
    expect(r.stdout).toMatch(
      /^why: the pruned space keeps \d+ of \d+ true-front architectures; it removed (skip_connect|none) on every decision \(used by \d+ front architectures?\)/m,
    );
    const j = JSON.parse(runCli([...base, '--json']).stdout);
    expect(Object.keys(j.audit).sort()).toEqual(
      ['accuracy', 'bestGd', 'bestIgdPlus', 'frontSize', 'prunedFrontSize', 'recall', 'rows'].sort(),
    );
  });

  it('refuses a metric that learns from evaluated accuracies: not pre-search pruning (one line, exit 2)', () => {
    const r = runCli(['prune', 'nb201', '--latency', lat, '--ratio', '0.5', '--metric', 'front-usage']);
    expectUserError(
      r,
      /^hwnas: pruning metric 'front-usage' learns from the accuracies of evaluated architectures: before a search none are evaluated, and using accuracies of architectures outside the evaluated set is not pre-search pruning \(use it only inside a search, .*pick a pre-search metric: params\/latency, .*tiers, macs-tiers, capacity-tiers\)$/,
    );
  });

  it('tiers keeps the fastest block of every edge', () => {
    const r = runCli(['prune', 'nb201', '--latency', lat, '--ratio', '0.7', '--metric', 'tiers', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    for (const d of j.decisions) {
      const fastest = Math.min(...d.blocks.map((b: { latency: number }) => b.latency));
      expect(d.blocks.some((b: { latency: number; kept: boolean }) => b.kept && b.latency === fastest)).toBe(true);
      expect(d.blocks.every((b: { tier: number }) => Number.isInteger(b.tier))).toBe(true);
    }
  });

  it('prints stable JSON and rejects bad input', () => {
    const args = ['prune', 'nb201', '--latency', lat, '--ratio', '0.5', '--metric', 'random', '--seed', '3', '--json'];
    const a = runCli(args);
    expect(a.code).toBe(0);
    const j = JSON.parse(a.stdout);
    expect(j.size).toBe(729);
    expect(j.decisions).toHaveLength(6);
    expect(j.decisions[0].removed).toHaveLength(2);
    for (const [extra, msg] of [
      [['--ratio', '1'], /ratio must be/],
      [['--ratio', '0.5', '--metric', 'flops'], /unknown pruning metric 'flops'/],
    ] as [string[], RegExp][]) {
      const r = runCli(['prune', 'nb201', '--latency', lat, ...extra]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(msg);
    }
  });
});
