/**
 * `hwnas worker --queue redis://host:6379/0 [--concurrency K] [--evaluator "cmd args"] [--objective SRC]`:
 * take evaluation jobs from the BullMQ queue that `hwnas open-search --queue` fills, for any study, until
 * SIGINT/SIGTERM (finishes the jobs it holds, then exits). See docs/distributed.md.
 */
import type { Command } from 'commander';
import { type BuiltEvaluator, buildEvaluator, parseEvaluatorCommand, sourceCoverage } from '../distributed/build.js';
import { parseRedisUrl, startWorker } from '../distributed/queue.js';
import { DEFAULT_REDIS_TIMEOUT_S } from '../distributed/redis-link.js';
import type { EvalJob } from '../distributed/types.js';
import { fail } from '../errors.js';
import { getDevice } from '../hardware/index.js';
import { parseIntOption } from '../io/numbers.js';
import { knownSources } from '../objectives/all.js';
import { getSpace } from '../space/all.js';
import type { SearchSpace } from '../space/types.js';

interface WorkerFlags {
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
  lockMs: string;
  stalledMs: string;
  quiet?: boolean;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
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

export async function runWorker(f: WorkerFlags, signal: AbortSignal): Promise<void> {
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

export function register(program: Command): void {
  program
    .command('worker')
    .description('take evaluation jobs from a BullMQ queue on Redis (filled by hwnas open-search --queue)')
    .requiredOption('--queue <url>', 'Redis URL, e.g. redis://host:6379/0 (rediss:// for TLS)')
    .option('--queue-name <name>', 'BullMQ queue name shared with the coordinators', 'hwnas-eval')
    .option('--password <password>', 'Redis password (overrides the URL)')
    .option('--tls', 'connect to Redis over TLS')
    .option(
      '--redis-timeout <seconds>',
      'exit (code 2) when Redis stays unreachable this long',
      String(DEFAULT_REDIS_TIMEOUT_S),
    )
    .option('--concurrency <k>', 'jobs this worker runs at once', '1')
    .option('--evaluator <command>', 'program run per job, JSON on stdin/stdout (docs/distributed.md)')
    .option(
      '--objective <source>',
      'objective source evaluated here (repeatable): nb201:cifar100, model:<device>, ort, table:f.csv#col',
      collect,
    )
    .option('--space <space>', 'space file for jobs of a user-defined space (matched by its name)')
    .option('--timeout <seconds>', 'kill an evaluator program after this long', '3600')
    .option('--no-onnx', 'do not export each network as ONNX for the evaluator program')
    .option('--lock-ms <ms>', "job lock, renewed while the worker lives; a dead worker's jobs return after it", '30000')
    .option('--stalled-ms <ms>', 'how often to look for jobs of dead workers', '30000')
    .option('--quiet', 'no job log lines on stderr (lost and restored Redis connections are still shown)')
    .action(async (f: WorkerFlags) => {
      const ac = new AbortController();
      // The first signal lets held jobs finish; closing can wait forever when Redis is gone, so a second
      // one stops at once (the jobs' locks expire and other workers take them).
      const onSignal = (): void => {
        if (!ac.signal.aborted) {
          ac.abort();
          return;
        }
        process.stderr.write(
          `hwnas: worker stopped without waiting for its jobs (they return to the queue once their lock expires, --lock-ms ${f.lockMs})\n`,
        );
        process.exit(130);
      };
      // Left installed until the process ends: after the first signal the queue connections may close
      // while something (a reconnect timer) still holds the process, and a second Ctrl-C must still
      // print its line and exit 130 rather than kill the process silently.
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      await runWorker(f, ac.signal);
    });
}
