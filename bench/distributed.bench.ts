/**
 * Distributed evaluation speed (issue 7): evaluation jobs round-tripped through Redis (BullMQ) by 4 local
 * worker processes with a trivial in-process evaluator (a table look-up). Reports jobs/s (target >= 2,000)
 * and the coordinator's CPU time per evaluation (target < 1 ms), against a baseline measured in the same
 * run: the same asynchronous search with the evaluator in process (no queue). Starts and stops its own
 * redis-server on a free 127.0.0.1 port.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAsyncSearch } from '../src/distributed/async-search.js';
import { type Dispatcher, LocalDispatcher } from '../src/distributed/dispatch.js';
import { ColumnsEvaluator } from '../src/distributed/evaluator.js';
import { parseRedisUrl, QueueDispatcher, startWorker } from '../src/distributed/queue.js';
import { createStrategy } from '../src/search/index.js';
import { getSpace } from '../src/space/all.js';
import { radices } from '../src/space/types.js';
import { redisAvailable, startRedis } from '../test/helpers/redis.js';

const space = getSpace('nb201');
const WORKERS = 4;
const WORKER_CONCURRENCY = 32;

function toyEvaluator(): ColumnsEvaluator {
  const n = space.size;
  const acc = new Float64Array(n);
  const lat = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    acc[i] = 50 + ((Math.imul(i + 1, 2654435761) >>> 0) % 4000) / 100;
    lat[i] = 1 + ((Math.imul(i + 7, 40503) >>> 0) % 997) / 100;
  }
  return new ColumnsEvaluator([
    { name: 'accuracy', source: 'bench:acc', direction: 'max', unit: '%', values: acc },
    { name: 'latency', source: 'bench:lat', direction: 'min', unit: 'ms', values: lat },
  ]);
}

/** Worker process: `distributed.bench.ts --worker URL`. */
async function workerMain(url: string): Promise<void> {
  const ev = toyEvaluator();
  const w = await startWorker(parseRedisUrl(url), { concurrency: WORKER_CONCURRENCY, evaluatorFor: () => ev });
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => void w.close().then(() => process.exit(0)));
}

async function search(dispatcher: Dispatcher, evals: number, concurrency: number, dir: string) {
  const ev = toyEvaluator();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await runAsyncSearch({
    space,
    createStrategy: () => createStrategy('re', { radix: radices(space), objectives: 2, seed: 1 }),
    objectives: ev.specs(),
    evals,
    concurrency,
    seed: 1,
    dispatcher,
    historyPath: join(dir, `h-${Math.random().toString(36).slice(2)}.jsonl`),
    config: { strategy: 're' },
  });
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  if (r.tells.length !== evals || r.failed !== 0)
    throw new Error(`bench run told ${r.tells.length}, failed ${r.failed}`);
  return { ms, perSec: (evals / ms) * 1000, cpuMsPerEval: (cpu.user + cpu.system) / 1000 / evals };
}

async function main(): Promise<void> {
  if (!redisAvailable) {
    console.log('distributed: skipped (redis-server not installed)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'hwnas-bench-dist-'));
  const redis = await startRedis();
  const self = fileURLToPath(import.meta.url);
  const workers: ChildProcess[] = [];
  try {
    // Baseline: the same search loop with the evaluator in process.
    await search(new LocalDispatcher(toyEvaluator()), 2000, 1, dir); // warm-up
    const local = await search(new LocalDispatcher(toyEvaluator()), 20_000, 1, dir);
    console.log(
      `in process (baseline): ${local.perSec.toFixed(0)} evals/s, coordinator ${(local.cpuMsPerEval * 1000).toFixed(1)} us CPU per evaluation`,
    );

    for (let i = 0; i < WORKERS; i++) {
      const child = spawn(process.execPath, ['--import', 'tsx', self, '--worker', redis.url], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      workers.push(child);
      await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()));
    }
    const target = parseRedisUrl(redis.url);
    const inflight = WORKERS * WORKER_CONCURRENCY;
    const warm = await QueueDispatcher.open(target);
    await search(warm, 2000, inflight, dir);
    await warm.close();
    const runs = [];
    for (let k = 0; k < 3; k++) {
      const d = await QueueDispatcher.open(target);
      runs.push(await search(d, 20_000, inflight, dir));
      await d.close();
    }
    runs.sort((a, b) => a.perSec - b.perSec);
    const med = runs[1]!;
    console.log(
      `Redis round trip, ${WORKERS} worker processes x ${WORKER_CONCURRENCY}, ${inflight} in flight: ` +
        `${med.perSec.toFixed(0)} jobs/s (median of 3 x 20,000; target >= 2,000: ${med.perSec >= 2000 ? 'met' : 'NOT met'})`,
    );
    console.log(
      `coordinator CPU per evaluation: ${(med.cpuMsPerEval * 1000).toFixed(1)} us (target < 1000 us: ${med.cpuMsPerEval < 1 ? 'met' : 'NOT met'}); ` +
        `${(med.cpuMsPerEval / local.cpuMsPerEval).toFixed(1)}x the in-process loop`,
    );
  } finally {
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode !== null ? r(null) : w.once('exit', r)))));
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--worker')) await workerMain(process.argv[process.argv.indexOf('--worker') + 1]!);
else await main();
