/**
 * The BLOX study end to end, as a user runs it: a complete synthetic 91,125-row BLOX release in the
 * official `.blox` format (test/fixtures/blox.ts: the blox space's real arch vectors and model hashes,
 * params and ptflops from the space; test_top1 = 45 % + 25 % x (params - min) / (max - min) + a uniform
 * term in [-5, 5) from mixSeed(0, index), rounded to 0.01 %: a mechanics fixture, not data), then
 * `hwnas reproduce --space blox --blox-data DIR` in a child process, then the same command again.
 *
 * Checked against values computed here, independently of the study code: the imported accuracy (the
 * formula, per index), the true fronts (a sweep over the stored accuracy and latency), the pruned sizes
 * (45 blocks per stage, floor removal: keep 23, 14, 5 -> 23^3, 14^3, 5^3) and the front recall (the front
 * members whose three stages all survive in the stored pruned space).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StudyStore } from '../../src/study/store.js';
import { type SyntheticBloxRelease, writeSyntheticBloxRelease } from '../fixtures/blox.js';
import { runCli } from '../helpers/cli.js';

const DEVICES = ['model:cortex-m7', 'model:adreno-640'];
const PRUNING = ['none', 'params/latency@0.5', 'params/latency@0.7', 'params/latency@0.9', 'random@0.7'];
const EXPORTS = ['results/runs.csv', 'results/checkpoints.csv', 'results/results.json', 'tables/gd.csv'];

let dir: string;
let release: SyntheticBloxRelease;
let out: string;
let args: string[];
const previousCache = process.env.HWNAS_CACHE;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hwnas-study-blox-'));
  // The model-hash table is built once in this cache (~4-5 s) and loaded by the child processes.
  process.env.HWNAS_CACHE = join(dir, 'cache');
  const data = join(dir, 'release');
  mkdirSync(data);
  release = writeSyntheticBloxRelease(data, { encoding: 'blox' });
  out = join(dir, 'study');
  args = [
    'reproduce',
    '--space',
    'blox',
    '--blox-data',
    data,
    '--devices',
    DEVICES.join(','),
    // the poster's five settings (the default study's adaptive row is tested on NB201)
    '--pruning',
    PRUNING.join(','),
    '--seeds',
    '2',
    '--evals',
    '500',
    '--out',
    out,
  ];
}, 60_000);

afterAll(() => {
  if (previousCache === undefined) delete process.env.HWNAS_CACHE;
  else process.env.HWNAS_CACHE = previousCache;
  rmSync(dir, { recursive: true, force: true });
});

/** Indices of the exact Pareto front of (max accuracy, min latency), ties kept once per point. */
function sweepFront(acc: Float64Array, lat: Float64Array): number[] {
  const order = Array.from(acc, (_, i) => i).sort((a, b) => lat[a]! - lat[b]! || acc[b]! - acc[a]! || a - b);
  const front: number[] = [];
  let best = Number.NEGATIVE_INFINITY;
  let last = -1;
  for (const i of order) {
    if (acc[i]! > best) {
      front.push(i);
      best = acc[i]!;
      last = i;
    } else if (last >= 0 && acc[i] === acc[last] && lat[i] === lat[last]) front.push(i); // duplicate point
  }
  return front.sort((a, b) => a - b);
}

describe('hwnas reproduce --space blox on a full 91,125-row release', () => {
  let first: ReturnType<typeof runCli>;
  let exported: string[];
  let elapsed: number[];
  /** Each run's stored run time: a run executed again would be committed with a new one. */
  const runTimes = () => {
    const db = new Database(join(out, 'study.sqlite'), { readonly: true });
    const t = db.prepare('SELECT elapsed_ms FROM runs ORDER BY idx').all() as { elapsed_ms: number }[];
    db.close();
    return t.map((r) => r.elapsed_ms);
  };

  it('runs the study: imported accuracy, fronts, pruned sizes and recall match values computed here', () => {
    first = runCli([...args, '--json'], { env: { HWNAS_CACHE: process.env.HWNAS_CACHE }, timeoutMs: 120_000 });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const j = JSON.parse(first.stdout);
    expect(j.runs).toEqual({ total: 20, ran: 20, resumed: 0 });

    const store = StudyStore.open(out);
    const data = store.loadData();
    store.close();
    expect(data.spaceId).toBe('blox');
    expect(data.accuracy.source).toBe('blox:test_top1');
    // Every row reached its index: the stored accuracy is the fixture formula, architecture by architecture.
    expect(data.accuracy.values).toEqual(release.testTop1);
    data.devices.forEach((d, k) => {
      expect(d.source).toBe(DEVICES[k]);
      expect(d.latency.every((v) => Number.isFinite(v) && v > 0)).toBe(true);
      expect(Array.from(d.front).sort((a, b) => a - b)).toEqual(sweepFront(data.accuracy.values, d.latency));
    });

    // Pruning audit: 45 blocks per stage, floor(ratio x 45) removed.
    const sizes: Record<string, number> = {
      none: 45 ** 3,
      'params/latency@0.5': 23 ** 3,
      'params/latency@0.7': 14 ** 3,
      'params/latency@0.9': 5 ** 3,
      'random@0.7': 14 ** 3,
    };
    const audit = j.summary.audit as {
      device: string;
      pruning: string;
      size: number;
      recall: number;
      bestGd: number;
      r2: number | null;
    }[];
    expect(audit.map((a) => `${a.device} ${a.pruning}`)).toEqual(
      DEVICES.flatMap((d) => PRUNING.map((p) => `${d} ${p}`)),
    );
    for (const a of audit) {
      expect(a.size, `${a.device} ${a.pruning}`).toBe(sizes[a.pruning]);
      // model: sources give per-block latencies, so no additive fit and no R².
      expect(a.r2).toBeNull();
    }

    // Front recall by hand: the share of the true front whose three stage choices are all kept.
    const db = new Database(join(out, 'study.sqlite'), { readonly: true });
    const rows = db.prepare('SELECT device, pruning, seed, allowed, recall FROM runs ORDER BY idx').all() as {
      device: string;
      pruning: string;
      seed: number;
      allowed: string | null;
      recall: number;
    }[];
    db.close();
    expect(rows).toHaveLength(20);
    for (const r of rows) {
      const front = data.devices[DEVICES.indexOf(r.device)]!.front;
      if (r.allowed === null) {
        expect(r.pruning).toBe('none');
        expect(r.recall).toBe(1);
        continue;
      }
      const allowed = (JSON.parse(r.allowed) as number[][]).map((codes) => new Set(codes));
      expect(allowed.map((s) => s.size)).toEqual(Array(3).fill(Math.round(Math.cbrt(sizes[r.pruning]!))));
      let kept = 0;
      for (const a of front)
        if ([a % 45, Math.floor(a / 45) % 45, Math.floor(a / 2025)].every((u, s) => allowed[s]!.has(u))) kept++;
      expect(r.recall, `${r.device} ${r.pruning} seed ${r.seed}`).toBeCloseTo(kept / front.length, 12);
      const summary = audit.find((a) => a.device === r.device && a.pruning === r.pruning)!;
      if (r.pruning !== 'random@0.7') expect(summary.recall).toBeCloseTo(kept / front.length, 12);
    }
  }, 120_000);

  it('writes the tables (front recall and R² columns), plots and report', () => {
    const audit = readFileSync(join(out, 'tables/pruning-audit.csv'), 'utf8').trim().split('\n');
    expect(audit[0]).toBe('device,pruning,space_size,front_recall,best_igd_plus,best_gd,r2');
    expect(audit).toHaveLength(1 + DEVICES.length * PRUNING.length);
    for (const line of audit.slice(1)) expect(line).toMatch(/,$/); // empty R²: per-block latencies
    const md = readFileSync(join(out, 'tables/pruning-audit.md'), 'utf8');
    expect(md).toMatch(/\| Front recall \| Best IGD\+ \| Best GD \| Additivity R² \|/);
    expect(md).toMatch(/\| model:cortex-m7 \| params\/latency 90% \| 125 \| [\d.]+% \| [\d.]+ \| [\d.]+ \| - \|/);
    const gd = readFileSync(join(out, 'tables/gd.csv'), 'utf8').trim().split('\n');
    expect(gd[0]).toMatch(/^device,pruning,strategy,runs,space_size,front_recall,mean_10,/);
    expect(gd[0]).toMatch(/mean_500,ci95_500,n_500$/);
    expect(gd).toHaveLength(1 + DEVICES.length * PRUNING.length);
    for (const t of ['gd', 'gd-mean', 'igd-plus', 'hv', 'time-to-quality', 'pruning-audit'])
      for (const ext of ['csv', 'md'])
        expect(readFileSync(join(out, `tables/${t}.${ext}`), 'utf8').length).toBeGreaterThan(0);
    const plots = readdirSync(join(out, 'plots')).sort();
    const stems = DEVICES.flatMap((d) => ['gd', 'fronts', 'discovered'].map((p) => `${p}-${d.replace(':', '-')}`));
    expect(plots).toEqual(stems.flatMap((s) => [`${s}.png`, `${s}.svg`]).sort());
    for (const p of plots.filter((f) => f.endsWith('.svg')))
      expect(readFileSync(join(out, 'plots', p), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>$/);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toMatch(/model:adreno-640/);
    expect((html.match(/<svg/g) ?? []).length).toBeGreaterThanOrEqual(stems.length);
    exported = EXPORTS.map((f) => readFileSync(join(out, f), 'utf8'));
    elapsed = runTimes();
  });

  it('resumes on rerun: no run executed again, identical exports', () => {
    const again = runCli([...args, '--json'], { env: { HWNAS_CACHE: process.env.HWNAS_CACHE }, timeoutMs: 120_000 });
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).runs).toEqual({ total: 20, ran: 0, resumed: 20 });
    expect(runTimes()).toEqual(elapsed);
    expect(EXPORTS.map((f) => readFileSync(join(out, f), 'utf8'))).toEqual(exported);
  }, 120_000);

  it('refuses to resume once the release folder holds other data (one line, exit 2, store untouched)', () => {
    // A second training seed: test_top1 becomes the mean of blox-base-0 and blox-base-1.
    writeSyntheticBloxRelease(join(dir, 'release'), { encoding: 'blox', seed: 1 });
    const r = runCli(args, { env: { HWNAS_CACHE: process.env.HWNAS_CACHE }, timeoutMs: 120_000 });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(
      /is not the one the study in .* started with \(its blox:test_top1 values differ\).*--force/,
    );
    expect(runTimes()).toEqual(elapsed);
    expect(EXPORTS.map((f) => readFileSync(join(out, f), 'utf8'))).toEqual(exported);
  }, 120_000);
});
