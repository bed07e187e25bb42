/**
 * Adaptive pruning in studies: `--pruning` lists with rules (commas inside a rule), the refusals, and
 * resume: runs deleted from the SQLite store and run again give byte-identical exports.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { HwnasError } from '../../src/errors.js';
import { writeReport } from '../../src/report/index.js';
import { strategyNames } from '../../src/search/index.js';
import { buildConfig, parsePruningList, pruningLabel } from '../../src/study/config.js';
import { runStudy } from '../../src/study/index.js';
import { errorOf } from '../helpers/errors.js';
import '../helpers/study-toy.js';

const dir = mkdtempSync(join(tmpdir(), 'hwnas-study-adaptive-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const flags = {
  accuracy: 'toy:acc',
  devices: 'toy:lat-a',
  pruning: 'none,latency@0.7,adaptive:latency@0.7:every=60,step=1,adaptive:params/latency@0.7:stall=30,soft=0.05',
  seeds: '3',
  evals: '300',
  population: '20',
  sample: '5',
};

describe('adaptive pruning in studies', () => {
  it('splits --pruning lists with rules and canonicalises each entry', () => {
    expect(parsePruningList('none,adaptive:latency@0.7:every=200,step=1,random@0.7')).toEqual([
      'none',
      'adaptive:latency@0.7:every=200,step=1',
      'random@0.7',
    ]);
    const c = buildConfig(flags, strategyNames);
    expect(c.pruning).toEqual([
      'none',
      'latency@0.7',
      'adaptive:latency@0.7:every=60,step=1',
      'adaptive:params/latency@0.7:stall=30,step=all,soft=0.05,grow=100',
    ]);
    expect(pruningLabel(c.pruning[2]!)).toBe('adaptive latency 70% every=60,step=1');
  });

  it('refuses bad rules, and soft pruning with strategies that do not mutate', () => {
    const line = (f: () => unknown) => (errorOf(f) as HwnasError).line();
    expect(line(() => buildConfig({ ...flags, pruning: 'adaptive:latency@0.7:wait=3' }, strategyNames))).toMatch(
      /unknown adaptive pruning rule 'wait=3'/,
    );
    expect(line(() => buildConfig({ ...flags, pruning: 'adaptive:latency@0.7:stall=1.5' }, strategyNames))).toMatch(
      /'stall' must be a positive integer/,
    );
    expect(line(() => buildConfig({ ...flags, pruning: 'adaptive:latency@1.2' }, strategyNames))).toMatch(
      /bad pruning ratio/,
    );
    expect(line(() => buildConfig({ ...flags, strategies: 're,ls' }, strategyNames))).toMatch(
      /soft pruning .* acts through mutation, which ls does not use/,
    );
  });

  it('resumes: runs deleted from the store and run again give the same exports, byte for byte', async () => {
    const config = buildConfig(flags, strategyNames);
    const whole = join(dir, 'whole');
    const resumed = join(dir, 'resumed');
    await runStudy(config, { out: whole, threads: 1, quiet: true });
    await runStudy(config, { out: resumed, threads: 1, quiet: true });
    const db = new Database(join(resumed, 'study.sqlite'));
    const keys = db.prepare("SELECT key FROM runs WHERE pruning LIKE 'adaptive:%' AND seed > 0").all() as {
      key: string;
    }[];
    expect(keys.length).toBe(4);
    for (const { key } of keys) {
      db.prepare('DELETE FROM checkpoints WHERE run_key = ?').run(key);
      db.prepare('DELETE FROM fronts WHERE run_key = ?').run(key);
      db.prepare('DELETE FROM runs WHERE key = ?').run(key);
    }
    db.close();
    const again = await runStudy(config, { out: resumed, threads: 1, quiet: true });
    expect(again.execution).toMatchObject({ ran: 4, skipped: 8 });
    await writeReport(whole, { plots: false });
    await writeReport(resumed, { plots: false });
    for (const f of ['results/runs.csv', 'results/checkpoints.csv', 'results/results.json', 'tables/gd.csv'])
      expect(readFileSync(join(resumed, f), 'utf8')).toBe(readFileSync(join(whole, f), 'utf8'));
  });
});
