/** Building open-search evaluators: source coverage, error-budget stops named by their source, the ort limit. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAsyncSearch } from '../../src/distributed/async-search.js';
import { buildEvaluator, sourceCoverage } from '../../src/distributed/build.js';
import { LocalDispatcher } from '../../src/distributed/dispatch.js';
import { GraphLatencyEvaluator } from '../../src/distributed/evaluator.js';
import { HwnasError } from '../../src/errors.js';
import { createStrategy } from '../../src/search/index.js';
import { getSpace } from '../../src/space/all.js';
import { radices } from '../../src/space/types.js';
import { runCli } from '../helpers/cli.js';
import { expectUserError } from '../helpers/errors.js';
import { writePartialTables } from '../helpers/partial-tables.js';
import { toyProgram, toySpecs } from '../helpers/toy-open.js';

const space = getSpace('nb201');
const n = space.size;
let dir = '';
const file = (name: string) => join(dir, name);
let part = '';
let full = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hwnas-dist-build-'));
  ({ part, full } = writePartialTables(dir));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

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
