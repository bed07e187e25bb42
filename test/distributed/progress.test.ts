/**
 * Progress lines of protocol hwnas-evaluator/1 (src/distributed/progress.ts) and how the evaluator
 * command reads them: reports heard while the program runs, bad lines failing the evaluation with the
 * reason, an early stop ending it (SIGTERM, SIGKILL after the grace period) with its last report.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CommandEvaluator } from '../../src/distributed/command.js';
import { CombinedEvaluator, modelLatencyEvaluator } from '../../src/distributed/evaluator.js';
import { LastLineBuffer } from '../../src/distributed/last-line.js';
import { EARLY_STOP, type Progress, parseProgressLine } from '../../src/distributed/progress.js';
import type { EvalJob } from '../../src/distributed/types.js';
import { getSpace } from '../../src/space/all.js';
import { toyAccuracy, toyLatency } from '../fixtures/evaluators/toy-table.mjs';
import { repoRoot } from '../helpers/cli.js';
import { curveAccuracy, curveLatency } from '../helpers/curves.mjs';
import { toyProgram } from '../helpers/toy-open.js';

const space = getSpace('nb201');
const curveProgram = join(repoRoot, 'test/helpers/curve-evaluator.mjs');
const job = (arch: number, budget: unknown = 4): EvalJob => ({
  study: 's',
  evaluation: 0,
  space: 'nb201',
  arch,
  seed: 1,
  budget,
});
const curve = (...args: string[]) =>
  new CommandEvaluator({ argv: ['node', curveProgram, ...args], space, onnx: false, killGraceMs: 300 });

describe('parseProgressLine', () => {
  it('reads a report; log lines and the reply are not progress lines', () => {
    expect(parseProgressLine('{"progress": {"fidelity": 2, "objectives": {"accuracy": 61.5}}}')).toEqual({
      kind: 'ok',
      progress: { fidelity: 2, objectives: { accuracy: 61.5 } },
    });
    expect(parseProgressLine('epoch 2/6 "progress" 40%')).toEqual({ kind: 'none' });
    expect(parseProgressLine('{"objectives": {"accuracy": 1}}')).toEqual({ kind: 'none' });
    expect(parseProgressLine('{"note": "progress"}')).toEqual({ kind: 'none' });
  });

  it('bad lines: one reason each', () => {
    const bad = (line: string, previous?: number) => {
      const p = parseProgressLine(line, previous);
      return p.kind === 'bad' ? p.reason : p.kind;
    };
    expect(bad('{"progress": {"fidelity": 1, "objectives": {"a": 1}}}', 2)).toBe(
      'bad progress line: fidelity 1 after 2 (it must increase from one line to the next)',
    );
    expect(bad('{"progress": {"fidelity": 2, "objectives": {"a": 1}}}', 2)).toMatch(/fidelity 2 after 2/);
    expect(bad('{"progress": {"fidelity": "two", "objectives": {}}}')).toBe(
      'bad progress line: fidelity is not a finite number (got "two")',
    );
    expect(bad('{"progress": {"fidelity": 1e400, "objectives": {}}}')).toMatch(/got Infinity/);
    expect(bad('{"progress": {"objectives": {}}}')).toMatch(/fidelity is not a finite number \(got null\)/);
    expect(bad('{"progress": {"fidelity": 3, "objectives": {"accuracy": "NaN"}}}')).toBe(
      `bad progress line at fidelity 3: objective 'accuracy' is not a finite number (got "NaN")`,
    );
    expect(bad('{"progress": {"fidelity": 3}}')).toMatch(/at fidelity 3: needs "objectives"/);
    expect(bad('{"progress": [1]}')).toMatch(/needs \{"progress": \{"fidelity"/);
  });
});

describe('LastLineBuffer with progress lines', () => {
  it('a consumed line is no reply, terminated or not', () => {
    const seen: string[] = [];
    const b = new LastLineBuffer(1000, (l) => {
      if (!l.startsWith('P')) return false;
      seen.push(l);
      return true;
    });
    b.push(Buffer.from('log\n{"objectives":{}}\nP1\nP2'));
    expect(b.result()).toEqual({ ok: true, line: '{"objectives":{}}' });
    expect(b.result()).toEqual({ ok: true, line: '{"objectives":{}}' });
    expect(seen).toEqual(['P1', 'P2']);
  });
});

describe('the evaluator command with progress lines', () => {
  it('every report is heard in order, and the reply is the last epoch', async () => {
    const heard: Progress[] = [];
    const r = await curve().evaluate(17, new AbortController().signal, job(17), (p) => heard.push(p));
    expect(heard.map((p) => p.fidelity)).toEqual([1, 2, 3, 4]);
    expect(heard[0]!.objectives).toEqual({ accuracy: curveAccuracy(17, 1), latency: curveLatency(17) });
    expect(r).toEqual({
      ok: true,
      objectives: { accuracy: curveAccuracy(17, 4), latency: curveLatency(17) },
      fidelity: 4,
    });
  });

  it('an evaluator without progress lines works as before (no fidelity)', async () => {
    const e = new CommandEvaluator({ argv: ['node', toyProgram], space, onnx: false });
    const heard: Progress[] = [];
    const r = await e.evaluate(3, new AbortController().signal, job(3), (p) => heard.push(p));
    expect(heard).toEqual([]);
    expect(r).toEqual({ ok: true, objectives: { accuracy: toyAccuracy(3), latency: toyLatency(3) } });
  });

  it.each([
    ['decreasing', 'bad progress line: fidelity 0.5 after 1 (it must increase from one line to the next)'],
    ['nan', `bad progress line at fidelity 2: objective 'accuracy' is not a finite number (got "NaN")`],
    ['fidelity', 'bad progress line: fidelity is not a finite number (got "two")'],
    ['shape', 'bad progress line: needs {"progress": {"fidelity": <number>, "objectives": {...}}}'],
  ])('a bad progress line (%s) fails the evaluation with the reason', async (mode, reason) => {
    const heard: number[] = [];
    const r = await curve('--bad', mode, '--epoch-ms', '30').evaluate(5, new AbortController().signal, job(5), (p) =>
      heard.push(p.fidelity),
    );
    expect(r).toEqual({ ok: false, reason });
    expect(heard).toEqual([1]);
  });

  it('an early stop ends it with its last report; one that ignores SIGTERM gets SIGKILL after the grace', async () => {
    for (const extra of [[], ['--ignore-term']]) {
      const ac = new AbortController();
      const heard: number[] = [];
      const r = await curve('--epoch-ms', '40', ...extra).evaluate(9, ac.signal, job(9, 50), (p) => {
        heard.push(p.fidelity);
        if (p.fidelity === 2) ac.abort(EARLY_STOP);
      });
      // --ignore-term: it goes on reporting during the grace period; those reports are not heard
      expect(heard).toEqual([1, 2]);
      expect(r).toEqual({
        ok: true,
        objectives: { accuracy: curveAccuracy(9, 2), latency: curveLatency(9) },
        fidelity: 2,
        stopped: true,
      });
    }
  });

  it('fidelity-free objectives (a device model) are taken once and merged into every report', async () => {
    const model = await modelLatencyEvaluator(space, 'cortex-m7');
    let calls = 0;
    const counted = {
      title: model.title,
      evaluate: (...a: Parameters<typeof model.evaluate>) => {
        calls++;
        return model.evaluate(...a);
      },
    };
    const both = new CombinedEvaluator([curve('--no-latency'), counted]);
    const heard: Progress[] = [];
    const r = await both.evaluate(21, new AbortController().signal, job(21, 3), (p) => heard.push(p));
    const lat = await model.evaluate(21, new AbortController().signal);
    expect(calls).toBe(1);
    expect(lat.ok).toBe(true);
    const latency = lat.ok ? lat.objectives.latency : Number.NaN;
    expect(heard.map((p) => p.objectives)).toEqual([1, 2, 3].map((e) => ({ accuracy: curveAccuracy(21, e), latency })));
    expect(r).toEqual({ ok: true, objectives: { accuracy: curveAccuracy(21, 3), latency }, fidelity: 3 });
  });
});
