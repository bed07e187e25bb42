/**
 * Early stopping on BullMQ workers (src/distributed/queue.ts): a real redis-server and 3 `hwnas worker`
 * processes running the formula learning-curve evaluator. Progress reaches the coordinator as job
 * progress events, stop decisions reach the workers; at concurrency 1 the decisions are the in-process
 * ones, and a worker SIGKILLed between rungs loses nothing. Skipped, visibly, without redis-server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RungRecord, readHistory, type TellRecord } from '../../src/distributed/history.js';
import { type OpenSearchOptions, runOpenSearch } from '../../src/distributed/open-search.js';
import { repoRoot } from '../helpers/cli.js';
import { redisAvailable, redisSkipReason, startRedis, type TestRedis } from '../helpers/redis.js';
import { startWorkers, stopWorkers } from '../helpers/workers.js';

const curveProgram = join(repoRoot, 'test/helpers/curve-evaluator.mjs');

function options(out: string, extra: Partial<OpenSearchOptions>): OpenSearchOptions {
  return {
    space: 'nb201',
    objectives: 'accuracy:max,latency:min',
    queueName: 'hwnas-eval',
    concurrency: '1',
    evals: '21',
    seed: '5',
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

function records(out: string) {
  const h = readHistory(join(out, 'history.jsonl'))!;
  return {
    rungs: h.records.filter((r): r is RungRecord => r.type === 'rung'),
    tells: h.records.filter((r): r is TellRecord => r.type === 'tell'),
  };
}

/** The decisions and tells without times and worker names. */
function decisions(out: string) {
  const { rungs, tells } = records(out);
  return {
    rungs: rungs.map(({ n, arch, rung, fidelity, objectives, decision }) => ({
      n,
      arch,
      rung,
      fidelity,
      objectives,
      decision,
    })),
    tells: tells.map(({ n, arch, ok, objectives, fidelity, stopped }) => ({
      n,
      arch,
      ok,
      objectives,
      fidelity,
      stopped,
    })),
  };
}

describe.skipIf(!redisAvailable)('open-search --early-stop asha on 3 BullMQ workers', () => {
  let redis: TestRedis;
  const tmp = mkdtempSync(join(tmpdir(), 'hwnas-asha-redis-'));
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('at concurrency 1 the stop decisions and tells are the in-process ones', async () => {
    const local = join(tmp, 'local');
    await runOpenSearch(
      options(local, { evaluator: `node ${curveProgram}`, onnx: false }),
      new AbortController().signal,
    );
    const workers = await startWorkers(redis.url, 3, `node ${curveProgram} --epoch-ms 10`, 'q-asha-equal');
    try {
      const queued = join(tmp, 'queued');
      await runOpenSearch(
        options(queued, { queue: redis.url, queueName: 'q-asha-equal' }),
        new AbortController().signal,
      );
      const d = decisions(queued);
      expect(d).toEqual(decisions(local));
      expect(d.rungs.filter((r) => r.decision === 'stop').length).toBeGreaterThan(10);
      expect(new Set(records(queued).tells.map((t) => t.worker)).size).toBeGreaterThan(1);
    } finally {
      await stopWorkers(workers);
    }
  }, 180_000);

  it('a worker SIGKILLed while its evaluation runs between rungs: nothing lost, no rung entered twice', async () => {
    const workers = await startWorkers(redis.url, 3, `node ${curveProgram} --epoch-ms 120`, 'q-asha-kill');
    const out = join(tmp, 'kill');
    let killed: { pid: number; n: number } | undefined;
    const ac = new AbortController();
    // Watch the history: once an evaluation was promoted at rung 0, SIGKILL the worker running it.
    const watch = setInterval(() => {
      if (killed) return;
      let rungs: RungRecord[];
      try {
        rungs = records(out).rungs;
      } catch {
        return;
      }
      for (const r of rungs.filter((x) => x.decision === 'continue' && x.rung === 0)) {
        const victim = workers.find((w) => w.holding?.job.endsWith(`.${r.n}`));
        if (!victim) continue;
        killed = { pid: victim.child.pid!, n: r.n };
        victim.child.kill('SIGKILL');
        return;
      }
    }, 30);
    try {
      const r = await runOpenSearch(
        options(out, { queue: redis.url, queueName: 'q-asha-kill', concurrency: '3', evals: '18' }),
        ac.signal,
      );
      expect(killed).toBeDefined();
      expect(r.json.told).toBe(18);
      expect(r.json.failed).toBe(0);
      const { rungs, tells } = records(out);
      expect(tells.map((t) => t.n).sort((a, b) => a - b)).toEqual([...Array(18).keys()]);
      const keys = rungs.map((x) => `${x.n}@${x.rung}`);
      expect(new Set(keys).size).toBe(keys.length);
      // the killed evaluation went on from its rung on another worker
      const t = tells.find((x) => x.n === killed!.n)!;
      expect(t.ok).toBe(true);
      expect(t.worker).not.toContain(`:${killed!.pid}`);
      expect(rungs.filter((x) => x.n === killed!.n).map((x) => x.rung)[0]).toBe(0);
      for (const s of (r.json.earlyStop as { rungs: { entries: number; promoted: number }[] }).rungs)
        expect(s.promoted).toBeLessThanOrEqual(Math.floor(s.entries / 3));
      // every stopped evaluation is told as the rung decided it
      for (const x of rungs.filter((y) => y.decision === 'stop')) {
        expect(tells.find((y) => y.n === x.n)).toMatchObject({
          stopped: true,
          fidelity: x.fidelity,
          objectives: x.objectives,
        });
      }
    } finally {
      clearInterval(watch);
      await stopWorkers(workers);
    }
  }, 180_000);
});

if (!redisAvailable) {
  describe('open-search --early-stop asha on BullMQ workers', () => {
    it.skip(`skipped: ${redisSkipReason}`, () => {});
  });
}
