/**
 * A queue worker as one call (`hwnas worker`): checks its options and sources before it takes any job,
 * builds one evaluator per space the jobs name, takes jobs from the BullMQ queue until the signal (or a
 * Redis link that stays broken), then lets held jobs finish.
 */
import { fail } from '../errors.js';
import { getDevice } from '../hardware/index.js';
import { parseIntOption } from '../io/numbers.js';
import { knownSources } from '../objectives/all.js';
import { getSpace } from '../space/all.js';
import type { SearchSpace } from '../space/types.js';
import { type BuiltEvaluator, buildEvaluator, parseEvaluatorCommand, sourceCoverage } from './build.js';
import { parseRedisUrl, startWorker } from './queue.js';
import { DEFAULT_REDIS_TIMEOUT_S } from './redis-link.js';
import type { EvalJob } from './types.js';

/** The options of a worker, as given on the command line (checked here). */
export interface WorkerOptions {
  queue: string;
  queueName: string;
  password?: string;
  tls?: boolean;
  redisTimeout?: string;
  concurrency: string;
  evaluator?: string;
  objective?: string[];
  space?: string;
  timeout?: string;
  onnx?: boolean;
  torch?: boolean;
  lockMs: string;
  stalledMs: string;
  quiet?: boolean;
}

/**
 * Without --space, sources are resolved per job (the job names the space); a typo in the source kind or
 * the device would otherwise fail every job the worker takes. Check what needs no space now.
 */
function checkSourceWithoutSpace(spec: string): void {
  const colon = spec.indexOf(':');
  const prefix = colon < 0 ? spec : spec.slice(0, colon);
  const known = knownSources().map((s) => s.prefix);
  if (!known.includes(prefix)) fail(`unknown source '${spec}'`, `use one of: ${known.join(', ')}`);
  if (prefix === 'model') getDevice(spec.slice(colon + 1));
}

/** The evaluator, once its sources are known to cover the whole space (else one error naming the source). */
function coveringEvaluator(space: SearchSpace, built: BuiltEvaluator): BuiltEvaluator {
  sourceCoverage(space, built.columns, { worker: true });
  return built;
}

export async function runWorker(f: WorkerOptions, signal: AbortSignal): Promise<void> {
  const target = parseRedisUrl(f.queue, { password: f.password, tls: f.tls });
  const concurrency = parseIntOption('--concurrency', f.concurrency, 1, 10_000);
  const lockDuration = parseIntOption('--lock-ms', f.lockMs, 100, 86_400_000);
  const stalledInterval = parseIntOption('--stalled-ms', f.stalledMs, 100, 86_400_000);
  const redisTimeoutS = parseIntOption(
    '--redis-timeout',
    f.redisTimeout ?? String(DEFAULT_REDIS_TIMEOUT_S),
    1,
    86_400 * 365,
  );
  if (f.evaluator === undefined && (f.objective ?? []).length === 0) {
    fail('no evaluator', 'give --evaluator "program args" (see docs/distributed.md) and/or --objective <source>');
  }
  if (f.evaluator !== undefined) parseEvaluatorCommand(f.evaluator); // the program must exist before jobs are taken
  const ownSpace: SearchSpace | undefined = f.space === undefined ? undefined : getSpace(f.space);
  // Bad or partial sources fail now, not per job (a coordinator may ask for any architecture).
  if (ownSpace) coveringEvaluator(ownSpace, await buildEvaluator(ownSpace, f));
  else for (const spec of f.objective ?? []) checkSourceWithoutSpace(spec);
  // One evaluator per space (jobs of several studies may use different spaces).
  const bySpace = new Map<string, Promise<BuiltEvaluator>>();
  const evaluatorFor = async (job: EvalJob) => {
    let built = bySpace.get(job.space);
    if (!built) {
      const space = ownSpace && ownSpace.id === job.space ? ownSpace : getSpace(job.space);
      built = buildEvaluator(space, f).then((b) => coveringEvaluator(space, b));
      bySpace.set(job.space, built);
    }
    return (await built).evaluator;
  };
  const log = (line: string): void => {
    if (!f.quiet) process.stderr.write(`${line}\n`);
  };
  const worker = await startWorker(target, {
    queueName: f.queueName,
    concurrency,
    evaluatorFor,
    lockDuration,
    stalledInterval,
    redisTimeoutMs: redisTimeoutS * 1000,
    // Connection faults are shown even with --quiet: they are why a worker stops taking jobs.
    log: (line) => process.stderr.write(`hwnas: ${line}\n`),
    onJob: (event, job, result) => {
      const id = `${job.study}.${job.evaluation} arch ${job.arch}`;
      if (event === 'start') log(`start ${id}`);
      else log(`done ${id}: ${result?.ok ? JSON.stringify(result.objectives) : `failed: ${result?.reason}`}`);
    },
  });
  log(
    `worker ${worker.id} on ${target.host}:${target.port}/${target.db} queue ${f.queueName}, concurrency ${concurrency}`,
  );
  // Ready marker on stdout, for scripts and tests that start workers.
  process.stdout.write(`ready ${worker.id}\n`);
  const broken = await Promise.race([
    worker.broken,
    new Promise<undefined>((resolve) => {
      if (signal.aborted) resolve(undefined);
      else signal.addEventListener('abort', () => resolve(undefined), { once: true });
    }),
  ]);
  if (!broken) log(`worker ${worker.id}: finishing held jobs (Ctrl-C again to stop at once)`);
  await worker.close();
  if (broken) throw broken;
}
