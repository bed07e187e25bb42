import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isHwnasError } from '../../src/errors.js';
import { gd, igdPlus, paretoFrontIndices } from '../../src/pareto/index.js';
import { writeReport } from '../../src/report/index.js';
import { evalsToReach, traceAt } from '../../src/report/summary.js';
import { strategyNames } from '../../src/search/index.js';
import { buildConfig } from '../../src/study/config.js';
import { runStudy, StudyStore } from '../../src/study/index.js';
import { M, type StudyPlan, shareArray } from '../../src/study/plan.js';
import { prepareStudy } from '../../src/study/prepare.js';
import '../helpers/study-toy.js';

const flags = {
  accuracy: 'toy:acc',
  devices: 'toy:lat-a,toy:lat-b',
  pruning: 'none,params/latency@0.7,random@0.5',
  seeds: '3',
  evals: '400',
  population: '20',
  sample: '5',
};
const config = buildConfig(flags, strategyNames);
const exports = [
  'results/runs.csv',
  'results/checkpoints.csv',
  'results/results.json',
  'tables/gd.csv',
  'tables/gd.md',
];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hwnas-study-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function read(folder: string, files: string[]): string[] {
  return files.map((f) => readFileSync(join(folder, f), 'utf8'));
}

describe('study execution', () => {
  it('gives identical results on one thread and on worker threads', async () => {
    const one = await runStudy(config, { out: join(dir, 'one'), threads: 1, quiet: true });
    const two = await runStudy(config, { out: join(dir, 'two'), threads: 2, quiet: true });
    expect(one.execution).toMatchObject({ total: 18, ran: 18, skipped: 0, interrupted: false });
    expect(two.execution.ran).toBe(18);
    const report = await writeReport(join(dir, 'one'), { plots: false });
    await writeReport(join(dir, 'two'), { plots: false });
    expect(read(join(dir, 'two'), exports)).toEqual(read(join(dir, 'one'), exports));
    expect(report.summary.tables.gd).toHaveLength(6);
  });

  it('resumes: a rerun on the same folder skips every finished run', async () => {
    const again = await runStudy(config, { out: join(dir, 'one'), threads: 1, quiet: true });
    expect(again.execution).toMatchObject({ total: 18, ran: 0, skipped: 18 });
  });

  it('records indicators that agree with the Pareto core', async () => {
    const prepared = await prepareStudy(config, { quiet: true });
    const store = StudyStore.open(join(dir, 'one'));
    const runs = store.loadRuns();
    const archsOf = store.loadArchs(runs.slice(0, 6).map((r) => r.key));
    store.close();
    for (const run of runs.slice(0, 6)) {
      const archs = archsOf.get(run.key)!;
      expect(archs.length).toBe(run.evals);
      const d = prepared.plan.devices[config.devices.indexOf(run.device)]!;
      for (const c of run.checkpoints) {
        // The found front = rank 0 of the distinct architectures evaluated so far.
        const distinct = [...new Set(archs.subarray(0, c.evals))];
        const pts = new Float64Array(distinct.length * M);
        distinct.forEach((a, i) => {
          pts.set(d.objectives.subarray(a * M, a * M + M), i * M);
        });
        const front = Array.from(paretoFrontIndices(pts, M), (i) => distinct[i]!);
        expect(c.frontSize).toBe(front.length);
        const a = new Float64Array(front.length * M);
        front.forEach((x, i) => {
          a.set(d.normalized.subarray(x * M, x * M + M), i * M);
        });
        const expected = gd(a, d.frontNormalized, M, 'original');
        expect(c.gd).toBeCloseTo(expected, 12);
        expect(traceAt(run.trace, c.evals)).toBeCloseTo(expected, 12);
        // The IGD+ trace holds the checkpoint's IGD+ exactly (same arithmetic as igdPlus).
        expect(traceAt(run.igdTrace, c.evals)).toBe(c.igdPlus);
        expect(c.igdPlus).toBe(igdPlus(a, d.frontNormalized, M));
        expect(c.hv).toBeGreaterThanOrEqual(0);
        const prev = run.checkpoints[run.checkpoints.indexOf(c) - 1];
        if (prev) {
          // The found front only improves: HV never drops and IGD+ never rises (both Pareto-compliant).
          expect(c.hv).toBeGreaterThanOrEqual(prev.hv);
          expect(c.igdPlus).toBeLessThanOrEqual(prev.igdPlus);
        }
        expect(c.hv).toBeLessThanOrEqual(1.21);
      }
      if (run.prune.allowed) {
        for (const a of archs) {
          let rest = a;
          for (let k = 0; k < prepared.plan.radix.length; k++) {
            expect(run.prune.allowed[k]).toContain(rest % prepared.plan.radix[k]!);
            rest = Math.floor(rest / prepared.plan.radix[k]!);
          }
        }
      }
      const reach = evalsToReach(run.trace, run.checkpoints.at(-1)!.gd);
      expect(reach).toBeGreaterThanOrEqual(1);
      expect(reach).toBeLessThanOrEqual(config.evals);
    }
  });

  it('copies an array into shared memory: same type, same values, independent of the original', () => {
    for (const a of [Float64Array.of(1.5, Number.NaN, -0), Int32Array.of(7, -3), Uint8Array.of(1, 0, 1)]) {
      const shared = shareArray(a);
      expect(shared.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(shared.constructor).toBe(a.constructor);
      expect(Array.from(shared)).toEqual(Array.from(a));
      a[0] = 9;
      expect(shared[0]).not.toBe(9);
    }
  });

  it('hands workers the per-architecture arrays of the plan in shared memory, not copies', async () => {
    const constrained = buildConfig({ ...flags, constraint: ['latency<=12'] }, strategyNames);
    const { plan } = await prepareStudy(constrained, { quiet: true });
    const d = plan.devices[0]!;
    for (const a of [d.objectives, d.normalized, d.distToFront, d.feasible!]) {
      expect(a.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(a.length).toBeGreaterThanOrEqual(plan.size);
    }
    // Structured clone, as workerData and postMessage use it, shares the memory: a write shows on both sides.
    const { port1, port2 } = new MessageChannel();
    port1.postMessage(plan);
    const received = receiveMessageOnPort(port2)!.message as StudyPlan;
    port1.close();
    const before = d.objectives[0]!;
    received.devices[0]!.objectives[0] = 123.25;
    expect(d.objectives[0]).toBe(123.25);
    d.objectives[0] = before;
    expect(received.devices[0]!.objectives[0]).toBe(before);
  });

  it('refuses a folder holding a different study or other files, unless --force', async () => {
    const other = buildConfig({ ...flags, evals: '500' }, strategyNames);
    const err = await runStudy(other, { out: join(dir, 'one'), threads: 1, quiet: true }).catch((e) => e);
    expect(isHwnasError(err)).toBe(true);
    expect(err.line()).toMatch(
      /holds a different study \(its config differs in evals, checkpoints, frontsAt\).*--force/,
    );
    const foreign = join(dir, 'foreign');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'notes.txt'), 'mine');
    const err2 = await runStudy(config, { out: foreign, threads: 1, quiet: true }).catch((e) => e);
    expect(err2.line()).toMatch(/is not empty and holds no study/);
    const small = buildConfig({ ...flags, seeds: '1', devices: 'toy:lat-a', pruning: 'none' }, strategyNames);
    const forced = await runStudy(small, { out: join(dir, 'one'), threads: 1, quiet: true, force: true });
    expect(forced.execution).toMatchObject({ total: 1, ran: 1 });
  });

  it('names an unknown source and writes nothing', async () => {
    const bad = buildConfig({ ...flags, devices: 'nosuch:dev' }, strategyNames);
    const err = await runStudy(bad, { out: join(dir, 'bad'), threads: 1, quiet: true }).catch((e) => e);
    expect(err.line()).toMatch(/unknown source 'nosuch:dev'/);
    expect(() => readFileSync(join(dir, 'bad', 'study.sqlite'))).toThrow();
  });
});
