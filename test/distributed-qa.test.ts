/**
 * Regression tests from a QA pass of open-search: a table source that covers part of the space is refused
 * at start (nothing written) unless --allow-missing, which then searches the covered architectures only
 * (asks outside cost no evaluation, as in the closed run); an error-budget stop caused by an objective
 * source names the source, not the evaluator command; the `ort` limit hint suggests fit:.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAsyncSearch } from '../src/distributed/async-search.js';
import { buildEvaluator, sourceCoverage } from '../src/distributed/build.js';
import { LocalDispatcher } from '../src/distributed/dispatch.js';
import { ColumnsEvaluator, GraphLatencyEvaluator } from '../src/distributed/evaluator.js';
import { readHistory, type TellRecord } from '../src/distributed/history.js';
import { HwnasError } from '../src/errors.js';
import { createStrategy, runClosed } from '../src/search/index.js';
import { getSpace } from '../src/space/all.js';
import { radices } from '../src/space/types.js';
import { runCli } from './helpers/cli.js';
import { expectUserError } from './helpers/errors.js';
import { toyColumns, toyProgram, toySpecs, toyTable } from './helpers/toy-open.js';

const space = getSpace('nb201');
const n = space.size;
let dir = '';
const file = (name: string) => join(dir, name);
/** The 30 architectures part.csv covers: every 500th index. */
const partIndices = Array.from({ length: 30 }, (_, k) => 500 * k);
const partMs = (i: number) => 1 + (i % 97) / 4;
let part = '';
let partAcc = '';
let full = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hwnas-dist-qa-'));
  part = file('part.csv');
  writeFileSync(part, `index,ms\n${partIndices.map((i) => `${i},${partMs(i)}`).join('\n')}\n`);
  partAcc = file('part-acc.csv');
  writeFileSync(partAcc, `index,top1\n${partIndices.map((i) => `${i},${50 + (i % 13)}`).join('\n')}\n`);
  full = file('full.csv');
  writeFileSync(full, `index,ms\n${Array.from({ length: n }, (_, i) => `${i},${partMs(i)}`).join('\n')}\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const openSearch = (out: string, extra: string[]) =>
  runCli([
    'open-search',
    '--space',
    'nb201',
    '--population',
    '10',
    '--sample',
    '3',
    '--evals',
    '20',
    '--no-report',
    '--quiet',
    '--out',
    out,
    ...extra,
  ]);

describe('open-search with a source that covers part of the space', () => {
  it('is refused at start naming the source and its coverage, with the fit: hint; nothing written', () => {
    const out = file('refused');
    const r = openSearch(out, ['--objective', `table:${part}#ms`, '--objective', 'model:cortex-m7']);
    expectUserError(
      r,
      new RegExp(
        `^hwnas: objective source 'table:${esc(part)}#ms' covers 30 of the 15625 architectures of nb201 \\(` +
          `an open search may ask for any of them: measure the rest, use fit:${esc(part)}#ms \\(a latency predictor ` +
          'for every architecture\\), or pass --allow-missing to search only the covered ones \\(the others cost no evaluation\\)\\)$',
      ),
    );
    expect(existsSync(out)).toBe(false);
  });

  it('is refused next to an evaluator command too, and an accuracy table gets no fit: hint', () => {
    const out = file('refused-cmd');
    const cmd = openSearch(out, ['--evaluator', `node ${toyProgram}`, '--no-onnx', '--objective', `table:${part}#ms`]);
    expectUserError(cmd, /^hwnas: objective source 'table:.*part\.csv#ms' covers 30 of the 15625 .*--allow-missing/);
    expect(existsSync(out)).toBe(false);
    const acc = openSearch(out, ['--objective', `table:${partAcc}#top1`, '--objective', 'model:cortex-m7']);
    expectUserError(acc, /^hwnas: objective source 'table:.*part-acc\.csv#top1' covers 30 of the 15625 /);
    expect(acc.stderr).not.toContain('fit:');
    expect(acc.stderr).toContain('measure the rest, or pass --allow-missing');
    expect(existsSync(out)).toBe(false);
  });

  it('--allow-missing searches only covered architectures: no failure, same bytes on a rerun, resumable', () => {
    const args = ['--objective', `table:${part}#ms`, '--objective', 'model:cortex-m7', '--allow-missing'];
    const one = openSearch(file('am1'), [...args, '--study', 'qa', '--json']);
    expect(one.stderr).toBe('');
    expect(one.code).toBe(0);
    const j = JSON.parse(one.stdout);
    expect(j.told).toBe(20);
    expect(j.failed).toBe(0);
    expect(j.uncovered).toBeGreaterThan(0);
    expect(j.objectives).toEqual([
      { name: 'ms', direction: 'min' },
      { name: 'latency', direction: 'min' },
    ]);
    const tells = readHistory(join(file('am1'), 'history.jsonl'))!.records.filter(
      (x) => x.type === 'tell',
    ) as TellRecord[];
    expect(tells).toHaveLength(20);
    for (const t of tells) {
      expect(partIndices).toContain(t.arch);
      expect(t.objectives!.ms).toBe(partMs(t.arch));
    }
    // Same command, other folder: the same bytes (the asks outside are skipped deterministically).
    expect(openSearch(file('am2'), [...args, '--study', 'qa', '--json']).stdout).toBe(one.stdout);
    // A longer budget resumes the first folder and ends where a fresh run of 40 ends.
    const resumed = JSON.parse(openSearch(file('am1'), [...args, '--evals', '40', '--json']).stdout);
    const fresh = JSON.parse(openSearch(file('am3'), [...args, '--study', 'qa', '--evals', '40', '--json']).stdout);
    expect(resumed.replayed).toBe(20);
    expect({ ...resumed, replayed: 0 }).toEqual(fresh);
    // The search depends on the flag: the same folder without it is refused by the coverage check.
    expectUserError(openSearch(file('am1'), args.slice(0, -1)), /covers 30 of the 15625/);
  }, 120_000);

  it('--allow-missing with sources that cover everything changes nothing (same JSON, no "uncovered")', () => {
    const args = ['--objective', `table:${full}#ms`, '--objective', 'model:cortex-m7', '--study', 'qa', '--json'];
    const plain = openSearch(file('full1'), args);
    expect(plain.code, plain.stderr).toBe(0);
    expect(JSON.parse(plain.stdout).uncovered).toBeUndefined();
    expect(openSearch(file('full2'), [...args, '--allow-missing']).stdout).toBe(plain.stdout);
  }, 60_000);

  it('hwnas worker --space with a partial table is refused at start, before it connects', () => {
    const r = runCli([
      'worker',
      '--queue',
      'redis://127.0.0.1:1/0',
      '--space',
      'nb201',
      '--objective',
      `table:${part}#ms`,
    ]);
    expectUserError(
      r,
      /^hwnas: objective source 'table:.*part\.csv#ms' covers \d+ of the 15625 architectures of nb201 \(the coordinator may ask for any of them: measure the rest, use fit:/,
    );
  });

  it('--allow-missing with --queue is refused (the workers evaluate)', () => {
    const out = file('queue');
    const r = runCli([
      'open-search',
      '--space',
      'nb201',
      '--queue',
      'redis://127.0.0.1:1/0',
      '--allow-missing',
      '--out',
      out,
    ]);
    expectUserError(r, /^hwnas: --allow-missing applies to in-process --objective sources \(with --queue/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('sourceCoverage', () => {
  const col = (name: string, covered: (i: number) => boolean, direction: 'min' | 'max' = 'min') => ({
    name,
    source: `table:${name}.csv#${name}`,
    direction,
    unit: '',
    values: Float64Array.from({ length: n }, (_, i) => (covered(i) ? 1 : Number.NaN)),
  });
  it('is undefined for complete columns and the intersection of partial ones with allowMissing', () => {
    expect(sourceCoverage(space, [col('a', () => true)])).toBeUndefined();
    const mask = sourceCoverage(space, [col('a', (i) => i % 2 === 0), col('b', (i) => i % 3 === 0)], {
      allowMissing: true,
    })!;
    for (let i = 0; i < n; i++) expect(mask[i]).toBe(i % 6 === 0 ? 1 : 0);
  });
  it('refuses partial columns without allowMissing, and columns with nothing in common even with it', () => {
    expect(() => sourceCoverage(space, [col('a', (i) => i < 7)])).toThrow(
      "objective source 'table:a.csv#a' covers 7 of the 15625 architectures of nb201",
    );
    expect(() =>
      sourceCoverage(space, [col('a', (i) => i % 2 === 0), col('b', (i) => i % 2 === 1)], { allowMissing: true }),
    ).toThrow('have no architecture of nb201 in common');
  });
});

describe('async search with a coverage mask', () => {
  it('at concurrency 1 asks exactly what the closed run with allowMissing evaluates', async () => {
    const covered = Uint8Array.from({ length: n }, (_, i) => (i % 7 === 3 ? 1 : 0));
    const strategy = () =>
      createStrategy('re', { radix: radices(space), objectives: 2, seed: 4, population: 20, sample: 5 });
    const table = toyTable(n);
    const masked = table.slice();
    for (let i = 0; i < n; i++) if (!covered[i]) masked[2 * i] = masked[2 * i + 1] = Number.NaN;
    const closed = runClosed(strategy(), masked, 2, 150, { allowMissing: true });
    const r = await runAsyncSearch({
      space,
      createStrategy: strategy,
      objectives: toySpecs,
      evals: 150,
      concurrency: 1,
      seed: 4,
      dispatcher: new LocalDispatcher(new ColumnsEvaluator(toyColumns(n))),
      historyPath: file('mask.jsonl'),
      config: { strategy: 're' },
      covered,
    });
    expect(r.tells.map((t) => t.arch)).toEqual(Array.from(closed.archs));
    expect(r.uncovered).toBe(closed.infeasible);
    expect(r.failed).toBe(0);
  });
});

describe('error-budget stop caused by an objective source', () => {
  const stop = async (flags: Parameters<typeof buildEvaluator>[1], name: string) => {
    const built = await buildEvaluator(space, flags);
    const specs = flags.evaluator ? toySpecs : built.sourceSpecs;
    try {
      await runAsyncSearch({
        space,
        createStrategy: () => createStrategy('random', { radix: radices(space), objectives: specs.length, seed: 1 }),
        objectives: specs,
        evals: 100,
        concurrency: 2,
        seed: 1,
        dispatcher: new LocalDispatcher(built.evaluator),
        historyPath: file(`${name}.jsonl`),
        config: { strategy: 'random' },
        errorBudget: { window: 4, maxFailShare: 0.5 },
        stopHint: built.stopHint,
      });
    } catch (e) {
      if (e instanceof HwnasError) return e;
      throw e;
    }
    throw new Error('the search did not stop');
  };

  it('names the table source, not the evaluator command (sources only)', async () => {
    // buildEvaluator alone does not check coverage (open-search and worker call sourceCoverage): misses fail.
    const e = await stop({ objective: [`table:${part}#ms`, 'model:cortex-m7'] }, 'src');
    expect(e.message).toMatch(
      /^search stopped: \d of the last 4 evaluations failed \(last: 'table:.*#ms' has no value/,
    );
    expect(e.hint).toBe(
      `the failures come from the objective source 'table:${part}#ms', not an evaluator command: fix or replace that source (the reason says why it failed), then rerun the same command to resume`,
    );
  });

  it('names the source next to a working evaluator command; a crashing command keeps the evaluator hint', async () => {
    const table = await stop(
      { evaluator: `node ${toyProgram}`, onnx: false, objective: [`table:${part}#ms`] },
      'cmd-src',
    );
    expect(table.hint).toMatch(/^the failures come from the objective source 'table:.*part\.csv#ms'/);
    const crash = await stop(
      { evaluator: `node ${toyProgram} --mode crash`, onnx: false, objective: [`table:${full}#ms`] },
      'cmd-crash',
    );
    expect(crash.message).toMatch(/\(last: exit code 3: toy evaluator: simulated crash\)$/);
    expect(crash.hint).toMatch(/^fix the evaluator \(run it by hand/);
  }, 60_000);

  it('per-architecture latency sources own their failure reasons', async () => {
    const ev = new GraphLatencyEvaluator('ort', space, 'latency', () => Promise.reject(new Error('bad graph')));
    const r = await ev.evaluate(3, new AbortController().signal);
    expect(r).toEqual({ ok: false, reason: 'ort failed: bad graph' });
    expect(ev.failedSource('ort failed: bad graph')).toBe('ort');
    expect(ev.failedSource('exit code 3: ort failed')).toBeUndefined();
  });
});

describe('the ort source limit', () => {
  it('suggests fit: (a predictor of the whole space) for a measured sample, not a partial table:', () => {
    const r = runCli(['latency', 'nb201', '--latency', 'ort', '--arch', '0']);
    expectUserError(
      r,
      /^hwnas: source ort would measure all 15625 architectures of nb201 \(limit 200\) \(measure a sample with 'hwnas measure nb201 --sample 200 -o ort\.csv' and use 'fit:ort\.csv#median_ms' \(a few-shot predictor of the whole space\), or raise the limit with ort:max=15625\)$/,
    );
    expect(r.stderr).not.toContain('table:');
  });
});
