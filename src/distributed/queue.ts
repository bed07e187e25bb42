/**
 * Distributed evaluation on BullMQ (Redis): the coordinator enqueues one job per evaluation, workers on
 * any machine take them. Job id = `<study>.<evaluation>`, so re-enqueueing an evaluation after a restart
 * is a no-op and its result is stored exactly once. A worker that dies mid-job stops renewing its lock;
 * BullMQ's stalled-job check moves the job back to the wait list and another worker runs it.
 * Jobs carry the study id: any number of searches share one queue and its workers.
 */
import { hostname } from 'node:os';
import { type Job, Queue, QueueEvents, Worker } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { fail } from '../errors.js';
import type { Dispatched, Dispatcher } from './dispatch.js';
import type { EvalJob, EvalResult, Evaluator } from './types.js';

export const DEFAULT_QUEUE_NAME = 'hwnas-eval';

export interface RedisTarget {
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls: boolean;
}

/** `redis://[user:password@]host[:port][/db]` or `rediss://...` (TLS); `password` / `tls` override. */
export function parseRedisUrl(url: string, opts: { password?: string; tls?: boolean } = {}): RedisTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    fail(`bad queue URL '${url}'`, 'use redis://host:6379/0 (or rediss:// for TLS)');
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    fail(`bad queue URL '${url}': scheme must be redis:// or rediss://`, 'e.g. redis://localhost:6379/0');
  }
  if (!u.hostname) fail(`bad queue URL '${url}': no host`, 'e.g. redis://localhost:6379/0');
  const port = u.port === '' ? 6379 : Number(u.port);
  const dbText = u.pathname.replace(/^\//, '');
  if (dbText !== '' && !/^\d+$/.test(dbText))
    fail(`bad queue URL '${url}': database must be a number, got '${dbText}'`);
  const db = dbText === '' ? 0 : Number(dbText);
  const password = opts.password ?? (u.password ? decodeURIComponent(u.password) : undefined);
  const username = u.username ? decodeURIComponent(u.username) : undefined;
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port,
    db,
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    tls: opts.tls === true || u.protocol === 'rediss:',
  };
}

function redisOptions(t: RedisTarget): RedisOptions {
  return {
    host: t.host,
    port: t.port,
    db: t.db,
    ...(t.username ? { username: t.username } : {}),
    ...(t.password ? { password: t.password } : {}),
    ...(t.tls ? { tls: { servername: t.host } } : {}),
    // BullMQ's blocking commands must not time out on a retry limit.
    maxRetriesPerRequest: null,
  };
}

/** A connection for BullMQ (reconnects forever, as long-running workers need). */
export function redisConnection(t: RedisTarget): Redis {
  return new Redis(redisOptions(t));
}

/** Connect once without retrying: a wrong host, port, password or TLS setting is one clear error. */
export async function probeRedis(t: RedisTarget, timeoutMs = 5000): Promise<void> {
  const probe = new Redis({
    ...redisOptions(t),
    lazyConnect: true,
    retryStrategy: () => null,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
  });
  probe.on('error', () => {});
  try {
    await probe.connect();
    await probe.ping();
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    fail(
      `cannot reach Redis at ${t.host}:${t.port}/${t.db}: ${msg}`,
      'check the URL, --password and --tls, and that redis-server runs',
    );
  } finally {
    probe.disconnect();
  }
}

export function jobIdOf(study: string, evaluation: number): string {
  return `${study}.${evaluation}`;
}

/** What a worker stores as the job's return value. */
interface JobReturn {
  result: EvalResult;
  worker: string;
}

export interface QueueDispatcherOptions {
  queueName?: string;
  /** Tries of a job whose worker threw (a broken worker, not a failed evaluation). Default 2. */
  attempts?: number;
  /** Keep finished jobs this long so a restarted coordinator finds their results (default 7 days). */
  keepSeconds?: number;
  /**
   * Look up jobs unanswered for this long directly (default 5 s): completion events are a capped Redis
   * stream, so a coordinator that falls far behind could miss some; this finds their results anyway.
   */
  sweepMs?: number;
}

export class QueueDispatcher implements Dispatcher {
  readonly title: string;
  private readonly waiters = new Map<string, (d: Dispatched) => void>();
  /** When each unanswered job was enqueued (ms), for the sweep. */
  private readonly since = new Map<string, number>();
  private readonly sweepTimer: NodeJS.Timeout;
  private sweeping = false;

  private constructor(
    private readonly queue: Queue,
    private readonly events: QueueEvents,
    private readonly connections: Redis[],
    private readonly opts: Required<QueueDispatcherOptions>,
    target: RedisTarget,
  ) {
    this.title = `queue ${opts.queueName} on ${target.tls ? 'rediss' : 'redis'}://${target.host}:${target.port}/${target.db}`;
    events.on('completed', ({ jobId, returnvalue }) => this.settle(jobId, toDispatched(returnvalue)));
    events.on('failed', ({ jobId, failedReason }) =>
      this.settle(jobId, { result: { ok: false, reason: `job failed: ${failedReason}` } }),
    );
    this.sweepTimer = setInterval(() => void this.sweep(), opts.sweepMs);
    this.sweepTimer.unref();
  }

  static async open(target: RedisTarget, o: QueueDispatcherOptions = {}): Promise<QueueDispatcher> {
    await probeRedis(target);
    const opts = { queueName: DEFAULT_QUEUE_NAME, attempts: 2, keepSeconds: 7 * 24 * 3600, sweepMs: 5000, ...o };
    const qc = redisConnection(target);
    const ec = redisConnection(target);
    const queue = new Queue(opts.queueName, { connection: qc });
    // Read events from the stream's current end, fixed NOW: '$' would mean "when the first read happens",
    // and jobs finishing before that would never be heard of.
    const last = (await qc.xrevrange(`bull:${opts.queueName}:events`, '+', '-', 'COUNT', 1)) as [string, string[]][];
    const events = new QueueEvents(opts.queueName, { connection: ec, lastEventId: last[0]?.[0] ?? '0-0' });
    await queue.waitUntilReady();
    await events.waitUntilReady();
    return new QueueDispatcher(queue, events, [qc, ec], opts, target);
  }

  private settle(jobId: string, d: Dispatched): void {
    const w = this.waiters.get(jobId);
    if (!w) return; // another study's job, or already settled
    this.waiters.delete(jobId);
    this.since.delete(jobId);
    w(d);
  }

  /** Settle `id` from the job's stored state if it has finished. */
  private async lookup(id: string): Promise<void> {
    const state = await this.queue.getJobState(id);
    if (state !== 'completed' && state !== 'failed') return;
    const j: Job | undefined = await this.queue.getJob(id);
    if (!j) return;
    if (state === 'completed') this.settle(id, toDispatched(j.returnvalue));
    else this.settle(id, { result: { ok: false, reason: `job failed: ${j.failedReason}` } });
  }

  private async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      const old = Date.now() - this.opts.sweepMs;
      for (const [id, t] of [...this.since]) if (t < old) await this.lookup(id);
    } catch {
      // Redis unreachable for a moment: the next sweep retries.
    } finally {
      this.sweeping = false;
    }
  }

  dispatch(job: EvalJob, signal: AbortSignal, resumed: boolean): Promise<Dispatched> {
    const id = jobIdOf(job.study, job.evaluation);
    return new Promise<Dispatched>((resolve, reject) => {
      // Stopping the coordinator leaves the job queued: a resume picks up its result.
      const onAbort = (): void => this.settle(id, { result: { ok: false, reason: 'aborted' } });
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.set(id, (d) => {
        signal.removeEventListener('abort', onAbort);
        resolve(d);
      });
      this.since.set(id, Date.now());
      this.queue
        .add('evaluate', job, {
          jobId: id,
          attempts: this.opts.attempts,
          removeOnComplete: { age: this.opts.keepSeconds },
          removeOnFail: { age: this.opts.keepSeconds },
        })
        .then(async () => {
          // A resumed job may have finished while no coordinator listened.
          if (resumed) await this.lookup(id);
        })
        .catch((e: unknown) => {
          this.waiters.delete(id);
          this.since.delete(id);
          signal.removeEventListener('abort', onAbort);
          reject(e);
        });
    });
  }

  async close(): Promise<void> {
    clearInterval(this.sweepTimer);
    await this.events.close();
    await this.queue.close();
    for (const c of this.connections) c.disconnect();
  }
}

function toDispatched(value: unknown): Dispatched {
  const v = (typeof value === 'string' ? safeParse(value) : value) as JobReturn | undefined;
  if (!v || typeof v !== 'object' || !v.result || typeof v.result.ok !== 'boolean') {
    return { result: { ok: false, reason: 'worker returned no result' } };
  }
  return { result: v.result, worker: v.worker };
}

function safeParse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

export interface WorkerOptions {
  queueName?: string;
  /** Jobs this worker runs at once (default 1). */
  concurrency?: number;
  /** The evaluator for a job (by its space; several studies may share the worker). */
  evaluatorFor: (job: EvalJob) => Evaluator | Promise<Evaluator>;
  /** Lock of an active job, renewed every lockDuration/2 while the worker lives (default 30 s). */
  lockDuration?: number;
  /** How often stalled jobs (dead workers) are looked for (default 30 s). */
  stalledInterval?: number;
  /** Times a job may stall before it fails (default 3). */
  maxStalledCount?: number;
  /** Called when a job starts and ends (logging). */
  onJob?: (event: 'start' | 'done', job: EvalJob, result?: EvalResult) => void;
}

export interface RunningWorker {
  readonly id: string;
  close(): Promise<void>;
}

export async function startWorker(target: RedisTarget, o: WorkerOptions): Promise<RunningWorker> {
  await probeRedis(target);
  const id = `${hostname()}:${process.pid}`;
  const connection = redisConnection(target);
  const worker = new Worker<EvalJob, JobReturn>(
    o.queueName ?? DEFAULT_QUEUE_NAME,
    async (job, _token, signal) => {
      const data = job.data;
      o.onJob?.('start', data);
      const evaluator = await o.evaluatorFor(data);
      const result = await evaluator.evaluate(data.arch, signal ?? new AbortController().signal, data);
      o.onJob?.('done', data, result);
      return { result, worker: id };
    },
    {
      connection,
      concurrency: o.concurrency ?? 1,
      lockDuration: o.lockDuration ?? 30_000,
      stalledInterval: o.stalledInterval ?? 30_000,
      maxStalledCount: o.maxStalledCount ?? 3,
    },
  );
  worker.on('error', () => {}); // connection hiccups: ioredis reconnects
  await worker.waitUntilReady();
  return {
    id,
    async close() {
      await worker.close();
      connection.disconnect();
    },
  };
}
