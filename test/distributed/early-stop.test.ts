/**
 * `open-search --early-stop asha` in process, with the formula learning-curve evaluator
 * (test/helpers/curve-evaluator.mjs): the option's checks, real runs, what stopped evaluations are told,
 * and a resume after the coordinator stopped at any point (or was SIGKILLed) deciding as an
 * uninterrupted run.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseEarlyStop } from '../../src/distributed/early-stop.js';
import { type RungRecord, readHistory, type TellRecord } from '../../src/distributed/history.js';
import { type OpenSearchOptions, runOpenSearch } from '../../src/distributed/open-search.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { curveAccuracy, curveLatency } from '../helpers/curves.mjs';
import { errorOf, expectUserError } from '../helpers/errors.js';

const curveProgram = join(repoRoot, 'test/helpers/curve-evaluator.mjs');
const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'hwnas-asha-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function options(out: string, extra: Partial<OpenSearchOptions> = {}): OpenSearchOptions {
  return {
    space: 'nb201',
    evaluator: `node ${curveProgram}`,
    onnx: false,
    objectives: 'accuracy:max,latency:min',
    queueName: 'hwnas-eval',
    concurrency: '1',
    evals: '24',
    seed: '3',
    strategy: 're',
    population: '8',
    sample: '3',
    budget: '9',
    earlyStop: 'asha',
    maxFail: '0.5',
    failWindow: '20',
    quiet: true,
    out,
    ...extra,
  };
}

/** What must not depend on timing: the rung decisions and the tells, in order. */
function decisions(out: string) {
  const h = readHistory(join(out, 'history.jsonl'))!;
  const rungs = h.records
    .filter((r): r is RungRecord => r.type === 'rung')
    .map(({ n, arch, rung, level, fidelity, objectives, decision }) => ({
      n,
      arch,
      rung,
      level,
      fidelity,
      objectives,
      decision,
    }));
  const tells = h.records
    .filter((r): r is TellRecord => r.type === 'tell')
    .map(({ n, arch, ok, objectives, fidelity, stopped }) => ({ n, arch, ok, objectives, fidelity, stopped }));
  return { rungs, tells, asks: h.records.filter((r) => r.type === 'ask').length };
}

describe('--early-stop option', () => {
  it('parses asha with defaults, settings, and max from --budget', () => {
    expect(parseEarlyStop('asha', 9)).toEqual({ kind: 'asha', eta: 3, min: 1, max: 9 });
    expect(parseEarlyStop('asha', { epochs: 12, lr: 0.1 })).toEqual({ kind: 'asha', eta: 3, min: 1, max: 12 });
    expect(parseEarlyStop('asha:eta=2,min=0.5,max=4', undefined)).toEqual({ kind: 'asha', eta: 2, min: 0.5, max: 4 });
  });

  it.each([
    ['asha:eta=1', 9, /eta must be a number >= 2, got 1/],
    ['asha:min=5,max=4', undefined, /max \(4\) must be a number >= min \(5\)/],
    ['asha:min=0', 9, /min must be a positive number/],
    ['asha', undefined, /needs the fidelity of a full evaluation/],
    ['asha', { lr: 0.1, batch: 8 }, /needs the fidelity of a full evaluation/],
    ['hyperband', 9, /unknown method 'hyperband'/],
    ['asha:rate=3', 9, /unknown setting 'rate'/],
    ['asha:eta=three', 9, /eta must be a number, got 'three'/],
    ['asha:eta=3,eta=4', 9, /eta is given twice/],
  ])('%s is refused', (text, budget, pattern) => {
    expect(errorOf(() => parseEarlyStop(text, budget)).message).toMatch(pattern);
  });

  it('CLI: eta < 2 and min > max end in one line, exit 2, nothing written', () => {
    for (const [spec, pattern] of [
      ['asha:eta=1.5', /eta must be a number >= 2, got 1.5/],
      ['asha:min=10,max=9', /max \(9\) must be a number >= min \(10\)/],
    ] as const) {
      const out = join(tmp(), 'o');
      const r = runCli([
        'open-search',
        '--space',
        'nb201',
        '--evaluator',
        `node ${curveProgram}`,
        '--budget',
        '9',
        '--early-stop',
        spec,
        '--out',
        out,
      ]);
      expectUserError(r, pattern);
      expect(existsSync(out)).toBe(false);
    }
  });
});

describe('open-search --early-stop asha, in process', () => {
  const ref = tmp();
  let refRun: Awaited<ReturnType<typeof runOpenSearch>>;

  it('stops evaluations at the rungs and tells them with the report that stopped them', async () => {
    refRun = await runOpenSearch(options(ref), new AbortController().signal);
    const { rungs, tells } = decisions(ref);
    expect(tells).toHaveLength(24);
    // rungs at 1 and 3 epochs (eta 3, max 9); the first two entries of a rung are always stopped
    expect(new Set(rungs.map((r) => r.level))).toEqual(new Set([1, 3]));
    expect(rungs.slice(0, 2).map((r) => r.decision)).toEqual(['stop', 'stop']);
    for (const t of tells) {
      const rs = rungs.filter((r) => r.n === t.n);
      const last = rs[rs.length - 1]!;
      expect(rs.map((r) => r.rung)).toEqual(rs.map((_, k) => k)); // rung 0, 1, ... in turn
      if (last.decision === 'stop') {
        // told with the objectives and fidelity of the report that stopped it (formula values)
        expect(t).toMatchObject({ ok: true, stopped: true, fidelity: last.fidelity });
        expect(t.objectives).toEqual({ accuracy: curveAccuracy(t.arch, last.fidelity), latency: curveLatency(t.arch) });
      } else {
        expect(t).toMatchObject({ ok: true, fidelity: 9 });
        expect(t.stopped).toBeUndefined();
        expect(t.objectives!.accuracy).toBe(curveAccuracy(t.arch, 9));
      }
    }
    const summary = (refRun.json.earlyStop as { rungs: { entries: number; promoted: number }[] }).rungs;
    for (const s of summary) expect(s.promoted).toBeLessThanOrEqual(Math.floor(s.entries / 3));
    expect(summary[0]!.entries).toBe(24);
    expect(refRun.json.earlyStop).toMatchObject({ kind: 'asha', eta: 3, min: 1, max: 9 });
    expect((refRun.json.earlyStop as { stopped: number }).stopped).toBe(tells.filter((t) => t.stopped).length);
  });

  it('a resume from a history cut after any record decides as the uninterrupted run', async () => {
    const lines = readFileSync(join(ref, 'history.jsonl'), 'utf8').trimEnd().split('\n');
    const kinds = lines.map((l) => JSON.parse(l) as { type: string; decision?: string });
    // cuts: after a stop decision before its tell, after a continue decision (in flight), mid-run
    const afterStop = kinds.findIndex((k, i) => i > 20 && k.decision === 'stop') + 1;
    const afterContinue = kinds.findIndex((k) => k.decision === 'continue') + 1;
    for (const cut of [afterStop, afterContinue, Math.floor(lines.length / 2)]) {
      const out = tmp();
      writeFileSync(join(out, 'history.jsonl'), `${lines.slice(0, cut).join('\n')}\n`);
      const r = await runOpenSearch(options(out), new AbortController().signal);
      expect(r.json.replayed).toBeGreaterThan(0);
      expect(decisions(out)).toEqual(decisions(ref));
    }
  });

  it('the coordinator SIGKILLed mid-run and rerun with the same command: the same decisions', async () => {
    const out = join(tmp(), 'killed');
    const args = [
      'open-search',
      '--space',
      'nb201',
      '--evaluator',
      `node ${curveProgram} --epoch-ms 25`,
      '--no-onnx',
      '--objectives',
      'accuracy:max,latency:min',
      '--evals',
      '24',
      '--seed',
      '3',
      '--population',
      '8',
      '--sample',
      '3',
      '--budget',
      '9',
      '--early-stop',
      'asha',
      '--no-report',
      '--quiet',
      '--out',
      out,
    ];
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'src/cli/run.ts'), ...args], {
      cwd: repoRoot,
      stdio: 'ignore',
    });
    const history = join(out, 'history.jsonl');
    const rungCount = () => (existsSync(history) ? readFileSync(history, 'utf8').split('"type":"rung"').length - 1 : 0);
    while (rungCount() < 8 && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(rungCount()).toBeGreaterThanOrEqual(8);
    expect(existsSync(join(out, 'search.json'))).toBe(false);
    const r = runCli(args);
    expect(r.code, r.stderr).toBe(0);
    expect(decisions(out)).toEqual(decisions(ref));
  }, 60_000);

  it('at concurrency 3 no rung promotes more than 1/eta, and every evaluation is told once', async () => {
    const out = tmp();
    const r = await runOpenSearch(
      options(out, { concurrency: '3', evaluator: `node ${curveProgram} --epoch-ms 5` }),
      new AbortController().signal,
    );
    const { rungs, tells } = decisions(out);
    expect(new Set(tells.map((t) => t.n)).size).toBe(24);
    for (const s of (r.json.earlyStop as { rungs: { entries: number; promoted: number }[] }).rungs)
      expect(s.promoted).toBeLessThanOrEqual(Math.floor(s.entries / 3));
    const stopped = new Set(rungs.filter((x) => x.decision === 'stop').map((x) => x.n));
    for (const n of stopped) expect(rungs.filter((x) => x.n === n).at(-1)!.decision).toBe('stop');
  });

  it('a progress report without a declared objective fails the evaluation with the reason', async () => {
    const out = tmp();
    const r = await runOpenSearch(
      options(out, {
        evaluator: `node ${curveProgram} --no-latency`,
        evals: '3',
        maxFail: '1',
      }),
      new AbortController().signal,
    ).catch((e: Error) => e);
    expect(r).toBeInstanceOf(Error);
    expect((r as Error).message).toMatch(
      /all 3 evaluations failed \(last: progress at fidelity 1: reply has no objective 'latency'\)/,
    );
  });
});
