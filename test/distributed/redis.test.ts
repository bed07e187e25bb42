/**
 * Distributed evaluation through a real redis-server (started on a free 127.0.0.1 port, stopped after) and
 * real `hwnas worker` processes running the evaluator command. Skipped, visibly, without redis-server.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAsyncSearch } from '../../src/distributed/async-search.js';
import { readHistory, type TellRecord } from '../../src/distributed/history.js';
import { parseRedisUrl, QueueDispatcher } from '../../src/distributed/queue.js';
import { createStrategy, runClosed } from '../../src/search/index.js';
import { getSpace } from '../../src/space/all.js';
import { radices } from '../../src/space/types.js';
import { repoRoot } from '../helpers/cli.js';
import { redisAvailable, redisSkipReason, startRedis, type TestRedis } from '../helpers/redis.js';
import { frontOf, toyProgram, toySpecs, toyTable } from '../helpers/toy-open.js';
import { startWorkers, stopWorkers } from '../helpers/workers.js';

const space = getSpace('nb201');
const table = toyTable(space.size);
const strategyFor = (name: string, seed: number) => () =>
  createStrategy(name, { radix: radices(space), objectives: 2, seed, population: 20, sample: 5 });

/** `hwnas worker` processes running the toy evaluator program with these arguments. */
const startToyWorkers = (url: string, count: number, evaluatorArgs: string[], queueName: string) =>
  startWorkers(url, count, ['node', toyProgram, ...evaluatorArgs].join(' '), queueName);

/** The CLI in a child process without blocking this event loop. */
function runCliAsync(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'src/cli/run.ts'), ...args], {
      cwd: repoRoot,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      stderr += s;
    });
    child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe.skipIf(!redisAvailable)('distributed evaluation on Redis (BullMQ)', () => {
  let redis: TestRedis;
  const tmp = mkdtempSync(join(tmpdir(), 'hwnas-redis-'));
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('3 worker processes with the evaluator command give the in-process run (re at concurrency 1, random at 3)', async () => {
    const workers = await startToyWorkers(redis.url, 3, [], 'q-equal');
    try {
      for (const [name, concurrency, evals] of [
        ['re', 1, 40],
        ['random', 3, 45],
      ] as const) {
        const dispatcher = await QueueDispatcher.open(parseRedisUrl(redis.url), { queueName: 'q-equal' });
        const r = await runAsyncSearch({
          space,
          createStrategy: strategyFor(name, 11),
          objectives: toySpecs,
          evals,
          concurrency,
          seed: 11,
          dispatcher,
          historyPath: join(tmp, `equal-${name}.jsonl`),
          config: { strategy: name },
        }).finally(() => dispatcher.close());
        const sync = runClosed(strategyFor(name, 11)(), table, 2, evals);
        const archs = r.tells.map((t) => t.arch);
        if (concurrency === 1) expect(archs).toEqual(Array.from(sync.archs));
        expect([...archs].sort((a, b) => a - b)).toEqual(Array.from(sync.archs).sort((a, b) => a - b));
        expect(frontOf(archs, table)).toEqual(frontOf(sync.archs, table));
        expect(r.failed).toBe(0);
        // the objectives came through the command path (the toy program) on the workers
        expect(new Set(r.tells.map((t) => t.worker)).size).toBeGreaterThan(concurrency === 1 ? 0 : 1);
        for (const t of r.tells)
          expect(t.objectives).toEqual({ accuracy: -table[2 * t.arch]!, latency: table[2 * t.arch + 1]! });
      }
    } finally {
      await stopWorkers(workers);
    }
  }, 120_000);

  it('CLI: hwnas open-search --queue with hwnas worker processes', async () => {
    const workers = await startToyWorkers(redis.url, 2, [], 'q-cli');
    try {
      const out = join(tmp, 'cli');
      const r = await runCliAsync([
        'open-search',
        '--space',
        'nb201',
        '--queue',
        redis.url,
        '--queue-name',
        'q-cli',
        '--strategy',
        'random',
        '--evals',
        '12',
        '--concurrency',
        '4',
        '--seed',
        '3',
        '--out',
        out,
        '--json',
      ]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const j = JSON.parse(r.stdout);
      expect([j.told, j.failed]).toEqual([12, 0]);
      const sync = runClosed(createStrategy('random', { radix: radices(space), objectives: 2, seed: 3 }), table, 2, 12);
      expect(j.front.map((f: { index: number }) => f.index).sort((a: number, b: number) => a - b)).toEqual(
        frontOf(sync.archs, table),
      );
    } finally {
      await stopWorkers(workers);
    }
  }, 120_000);

  it('a worker killed with SIGKILL mid-job: its job runs elsewhere, nothing lost, nothing counted twice', async () => {
    const workers = await startToyWorkers(redis.url, 3, ['--sleep', '1500'], 'q-kill');
    const dispatcher = await QueueDispatcher.open(parseRedisUrl(redis.url), { queueName: 'q-kill' });
    const evals = 15;
    let killed: { pid: number; job: string } | undefined;
    try {
      const r = await runAsyncSearch({
        space,
        createStrategy: strategyFor('random', 4),
        objectives: toySpecs,
        evals,
        concurrency: 3,
        seed: 4,
        dispatcher,
        historyPath: join(tmp, 'kill.jsonl'),
        config: { strategy: 'random' },
        onTell: (_rec, p) => {
          if (killed || p.told < 3) return;
          // a worker that started its job well within the evaluator's 1.5 s: it surely holds it
          const victim = workers.find((w) => w.holding && Date.now() - w.holding.at < 700);
          if (!victim) return;
          killed = { pid: victim.child.pid!, job: victim.holding!.job };
          victim.child.kill('SIGKILL');
        },
      });
      expect(killed).toBeDefined();
      expect(r.tells.length).toBe(evals);
      expect(r.failed).toBe(0);
      const ns = r.tells.map((t) => t.n).sort((a, b) => a - b);
      expect(ns).toEqual([...Array(evals).keys()]);
      const h = readHistory(join(tmp, 'kill.jsonl'))!;
      const tells = h.records.filter((x) => x.type === 'tell') as TellRecord[];
      expect(tells.length).toBe(evals);
      // The killed worker's job was finished by another worker.
      const n = Number(killed!.job.split('.').pop());
      const t = tells.find((x) => x.n === n)!;
      expect(t.ok).toBe(true);
      expect(t.worker).not.toContain(`:${killed!.pid}`);
      const sync = runClosed(strategyFor('random', 4)(), table, 2, evals);
      expect(r.tells.map((x) => x.arch).sort((a, b) => a - b)).toEqual(Array.from(sync.archs).sort((a, b) => a - b));
    } finally {
      await dispatcher.close();
      await stopWorkers(workers);
    }
  }, 120_000);

  it('a coordinator stopped midway resumes from its history and collects results finished meanwhile', async () => {
    const workers = await startToyWorkers(redis.url, 2, ['--sleep', '150'], 'q-resume');
    try {
      const opts = {
        space,
        createStrategy: strategyFor('re', 6),
        objectives: toySpecs,
        evals: 30,
        concurrency: 4,
        seed: 6,
        historyPath: join(tmp, 'resume.jsonl'),
        config: { strategy: 're' },
      };
      const ac = new AbortController();
      const d1 = await QueueDispatcher.open(parseRedisUrl(redis.url), { queueName: 'q-resume' });
      const first = await runAsyncSearch({
        ...opts,
        dispatcher: d1,
        signal: ac.signal,
        onTell: (_r, p) => {
          if (p.told === 10) ac.abort();
        },
      }).finally(() => d1.close());
      expect(first.stopped).toBe(true);
      await new Promise((r) => setTimeout(r, 800)); // the jobs left in flight finish with no coordinator
      const d2 = await QueueDispatcher.open(parseRedisUrl(redis.url), { queueName: 'q-resume' });
      const second = await runAsyncSearch({ ...opts, dispatcher: d2 }).finally(() => d2.close());
      expect(second.study).toBe(first.study);
      expect(second.replayed).toBe(first.tells.length);
      expect(second.redispatched).toBeGreaterThan(0);
      expect(second.tells.map((t) => t.n).sort((a, b) => a - b)).toEqual([...Array(30).keys()]);
      expect(second.failed).toBe(0);
    } finally {
      await stopWorkers(workers);
    }
  }, 120_000);

  it('failing evaluators on workers are recorded with their reason; the error budget stops the search', async () => {
    const workers = await startToyWorkers(redis.url, 2, ['--mode', 'crash'], 'q-fail');
    const dispatcher = await QueueDispatcher.open(parseRedisUrl(redis.url), { queueName: 'q-fail' });
    try {
      const run = runAsyncSearch({
        space,
        createStrategy: strategyFor('re', 2),
        objectives: toySpecs,
        evals: 200,
        concurrency: 4,
        seed: 2,
        dispatcher,
        historyPath: join(tmp, 'fail.jsonl'),
        config: { strategy: 're' },
        errorBudget: { window: 10, maxFailShare: 0.5 },
      });
      await expect(run).rejects.toThrow(
        /^search stopped: 10 of the last 10 evaluations failed \(last: exit code 3: toy evaluator: simulated crash\)$/,
      );
    } finally {
      await dispatcher.close();
      await stopWorkers(workers);
    }
  }, 120_000);
});

if (!redisAvailable) {
  describe('distributed evaluation on Redis', () => {
    it.skip(`skipped: ${redisSkipReason}`, () => {});
  });
}
