/**
 * The report of an open search with `--early-stop asha` (src/report/open.ts, open-html.ts, open-plots.ts):
 * rungs, fidelity reached per evaluation, and HV against wall time against a `--baseline` search, checked
 * against the history and search.json; bad --baseline folders are one line, exit 2.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commonHvCurves } from '../../src/distributed/convergence.js';
import { type RungRecord, readHistory, type TellRecord } from '../../src/distributed/history.js';
import { type OpenSearchOptions, runOpenSearch } from '../../src/distributed/open-search.js';
import { loadOpenReport } from '../../src/report/open.js';
import { baselineTable, reachedTable, rungsTable } from '../../src/report/open-html.js';
import { writeOpenReport } from '../../src/report/open-report.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { expectUserError } from '../helpers/errors.js';
import { toySpecs } from '../helpers/toy-open.js';

const curveProgram = join(repoRoot, 'test/helpers/curve-evaluator.mjs');
const root = mkdtempSync(join(tmpdir(), 'hwnas-report-asha-'));
const asha = join(root, 'asha');
const full = join(root, 'full');
const other = join(root, 'other');
afterAll(() => rmSync(root, { recursive: true, force: true }));

const options = (out: string, extra: Partial<OpenSearchOptions>): OpenSearchOptions => ({
  space: 'nb201',
  evaluator: `node ${curveProgram}`,
  onnx: false,
  objectives: 'accuracy:max,latency:min',
  queueName: 'hwnas-eval',
  concurrency: '1',
  evals: '15',
  seed: '2',
  strategy: 'random',
  budget: '9',
  maxFail: '0.5',
  failWindow: '20',
  quiet: true,
  out,
  ...extra,
});

beforeAll(async () => {
  const never = new AbortController().signal;
  await runOpenSearch(options(asha, { earlyStop: 'asha' }), never);
  await runOpenSearch(options(full, { evals: '6' }), never);
  await runOpenSearch(
    options(other, { evals: '2', objectives: 'accuracy:max', evaluator: `node ${curveProgram} --no-latency` }),
    never,
  );
}, 120_000);

describe('report of an open search with early stopping', () => {
  it('rungs and fidelity reached, as the history has them', () => {
    const d = loadOpenReport(asha);
    const h = readHistory(join(asha, 'history.jsonl'))!;
    const rungs = h.records.filter((r): r is RungRecord => r.type === 'rung');
    const tells = h.records.filter((r): r is TellRecord => r.type === 'tell');
    expect(d.earlyStop!.rungs.map(({ level, entries, promoted }) => ({ level, entries, promoted }))).toEqual(
      (d.search as unknown as { earlyStop: { rungs: unknown[] } }).earlyStop.rungs,
    );
    for (const r of d.earlyStop!.rungs) {
      const at = rungs.filter((x) => x.rung === r.rung);
      expect([r.entries, r.stopped]).toEqual([at.length, at.filter((x) => x.decision === 'stop').length]);
    }
    expect(d.earlyStop!.reached).toEqual(
      tells.map((t) => ({ n: t.n, arch: t.arch, fidelity: t.fidelity, stopped: t.stopped === true })),
    );
    const t = rungsTable(d);
    expect(t.rows[0]).toEqual([
      '0',
      '1',
      '15',
      String(d.earlyStop!.rungs[0]!.promoted),
      String(d.earlyStop!.rungs[0]!.stopped),
    ]);
    const byFidelity = reachedTable(d).csvRows.map((r) => [r[0], r[1]]);
    expect(byFidelity.reduce((s, r) => s + Number(r[1]), 0)).toBe(15);
  });

  it('--baseline: both HV curves on one scale, the time this search reaches the baseline', async () => {
    const d = loadOpenReport(asha, { baseline: full });
    const tellsOf = (dir: string) =>
      readHistory(join(dir, 'history.jsonl'))!.records.filter((r): r is TellRecord => r.type === 'tell');
    const { curves } = commonHvCurves([tellsOf(asha), tellsOf(full)], toySpecs);
    expect(d.baseline!.curve).toEqual(curves[0]);
    expect(d.baseline!.baseline).toEqual(curves[1]);
    expect(d.baseline!.earlyStop).toBe(false);
    const table = baselineTable(d);
    expect(table.rows).toHaveLength(9);
    expect(table.notes[0]).toMatch(/normalised by the ideal and nadir of the successful evaluations of both searches/);
    const r = await writeOpenReport(asha, { plots: true, baseline: full });
    for (const f of ['fidelity.svg', 'hv-time-baseline.svg']) expect(existsSync(join(asha, 'plots', f)), f).toBe(true);
    expect(r.tables.map((x) => x.id)).toEqual(
      expect.arrayContaining(['open-rungs', 'open-fidelity', 'open-fidelity-list', 'open-baseline']),
    );
  }, 60_000);

  it('CLI: a --baseline that is no open search, or of other objectives, is one line, exit 2', () => {
    expectUserError(
      runCli(['report', asha, '--baseline', join(root, 'nothing'), '--no-plots']),
      /--baseline '.*nothing' holds no finished open search/,
    );
    expectUserError(
      runCli(['report', asha, '--baseline', other, '--no-plots']),
      /searched another problem \(space nb201, objectives accuracy:max\)/,
    );
  }, 60_000);
});
