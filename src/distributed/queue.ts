/**
 * Distributed evaluation on BullMQ (Redis): the coordinator enqueues one job per evaluation, workers on
 * any machine take them. Job id = `<study>.<evaluation>`, so re-enqueueing an evaluation after a restart
 * is a no-op and its result is stored exactly once. A worker that dies mid-job stops renewing its lock;
 * BullMQ's stalled-job check moves the job back to the wait list and another worker runs it.
 * Jobs carry the study id: any number of searches share one queue and its workers.
 */
import { hostname } from 'node:os';
import { type Job, Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { fail, type HwnasError } from '../errors.js';
import type { Dispatched, Dispatcher, DispatchHooks } from './dispatch.js';
import { EARLY_STOP, type Progress } from './progress.js';
import { DEFAULT_REDIS_TIMEOUT_S, RedisLink, type RedisTarget, redisOptions } from './redis-link.js';
import type { EvalJob, EvalResult, Evaluator, OnProgress } from './types.js';

export const DEFAULT_QUEUE_NAME = 'hwnas-eval';
export type { RedisTarget } from './redis-link.js';

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

/**
 * Early stopping's stop decisions reach the workers twice over: a message on this channel (the job id)
 * stops a running job at once, and a key per stopped job, looked at when a job starts and at each of its
 * progress reports, covers a worker that missed the message (reconnecting) or a rerun of the job on
 * another worker after its first one died.
 */
function stopChannel(queueName: string): string {
  return `hwnas:stop:${queueName}`;
}
function stopKey(queueName: string, jobId: string): string {
  return `hwnas:stop:${queueName}:${jobId}`;
}

/** A job's progress data as sent by a worker (job.updateProgress), or undefined when it is not one. */
function asProgress(data: unknown): Progress | undefined {
  if (data === null || typeof data !== 'object') return undefined;
  const p = data as Partial<Progress>;
  if (typeof p.fidelity !== 'number' || !Number.isFinite(p.fidelity)) return undefined;
  if (p.objectives === null || typeof p.objectives !== 'object') return undefined;
  return { fidelity: p.fidelity, objectives: p.objectives };
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
   * stream, so a coordinator that falls far behind could miss some; this finds their results anyway,
   * and enqueues again the jobs Redis no longer has (restarted empty, flushed).
   */
  sweepMs?: number;
  /** Give up once Redis has been unreachable this long (default 600 s): dispatches reject with the error. */
  redisTimeoutMs?: number;
  /** One line per lost / restored connection and per batch of jobs enqueued again. */
  log?: (line: string) => void;
}

/** A job the coordinator waits for. */
interface Waiting {
  job: EvalJob;
  /** When it was (last) enqueued, ms: the sweep looks at old ones only. */
  since: number;
  resolve: (d: Dispatched) => void;
  reject: (e: unknown) => void;
  onProgress?: OnProgress;
}

export class QueueDispatcher implements Dispatcher {
  readonly title: string;
  private readonly waiting = new Map<string, Waiting>();
  private readonly sweepTimer: NodeJS.Timeout;
  private checking = false;
  private recheckAll = false;

  private constructor(
    private readonly queue: Queue,
    private readonly events: QueueEvents,
    private readonly link: RedisLink,
    private readonly opts: Required<Omit<QueueDispatcherOptions, 'log'>> & Pick<QueueDispatcherOptions, 'log'>,
    /** Plain connection for the stop decisions of early stopping. */
    private readonly control: Redis,
  ) {
    this.title = `queue ${opts.queueName} on ${link.label}`;
    events.on('progress', ({ jobId, data }) => {
      const p = asProgress(data);
      if (p) this.waiting.get(jobId)?.onProgress?.(p);
    });
    events.on('completed', ({ jobId, returnvalue }) => this.settle(jobId, toDispatched(returnvalue)));
    events.on('failed', ({ jobId, failedReason }) =>
      this.settle(jobId, { result: { ok: false, reason: `job failed: ${failedReason}` } }),
    );
    // Connection errors are the link's to report (one line), not BullMQ's (a stack trace each).
    queue.on('error', () => {});
    events.on('error', () => {});
    // Back after a loss: Redis may have restarted empty, so every job waited for is checked now.
    link.onBack(() => {
      this.recheckAll = true;
      void this.check();
    });
    link.onBroken((e) => {
      for (const [id, w] of [...this.waiting]) {
        this.waiting.delete(id);
        w.reject(e);
      }
    });
    this.sweepTimer = setInterval(() => void this.check(), opts.sweepMs);
    this.sweepTimer.unref();
  }

  static async open(target: RedisTarget, o: QueueDispatcherOptions = {}): Promise<QueueDispatcher> {
    await probeRedis(target);
    const opts = {
      queueName: DEFAULT_QUEUE_NAME,
      attempts: 2,
      keepSeconds: 7 * 24 * 3600,
      sweepMs: 5000,
      redisTimeoutMs: DEFAULT_REDIS_TIMEOUT_S * 1000,
      ...o,
    };
    const link = new RedisLink(target, {
      timeoutMs: opts.redisTimeoutMs,
      ...(opts.log ? { log: opts.log } : {}),
      hint: 'start redis-server again (or raise --redis-timeout), then rerun the same command to resume',
    });
    const qc = link.connection();
    const ec = link.connection();
    const queue = new Queue(opts.queueName, { connection: qc });
    // Read events from the stream's current end, fixed NOW: '$' would mean "when the first read happens",
    // and jobs finishing before that would never be heard of.
    const last = (await qc.xrevrange(`bull:${opts.queueName}:events`, '+', '-', 'COUNT', 1)) as [string, string[]][];
    const events = new QueueEvents(opts.queueName, { connection: ec, lastEventId: last[0]?.[0] ?? '0-0' });
    await queue.waitUntilReady();
    await events.waitUntilReady();
    const control = link.connection();
    control.on('error', () => {});
    return new QueueDispatcher(queue, events, link, opts, control);
  }

  private settle(jobId: string, d: Dispatched): void {
    const w = this.waiting.get(jobId);
    if (!w) return; // another study's job, or already settled (a late second reply is never told)
    this.waiting.delete(jobId);
    w.resolve(d);
  }

  private enqueue(id: string, job: EvalJob): Promise<unknown> {
    return this.queue.add('evaluate', job, {
      jobId: id,
      attempts: this.opts.attempts,
      removeOnComplete: { age: this.opts.keepSeconds },
      removeOnFail: { age: this.opts.keepSeconds },
    });
  }

  /**
   * Settle `id` from the job's stored state if it has finished; enqueue it again if Redis no longer has
   * it (true then). Enqueueing is idempotent (same job id), and settle tells a job at most once.
   */
  private async lookup(id: string): Promise<boolean> {
    const state = await this.queue.getJobState(id);
    if (state === 'unknown') {
      const w = this.waiting.get(id);
      if (!w) return false;
      w.since = Date.now();
      await this.enqueue(id, w.job);
      return true;
    }
    if (state !== 'completed' && state !== 'failed') return false;
    const j: Job | undefined = await this.queue.getJob(id);
    if (!j) return false;
    if (state === 'completed') this.settle(id, toDispatched(j.returnvalue));
    else this.settle(id, { result: { ok: false, reason: `job failed: ${j.failedReason}` } });
    return false;
  }

  /** Look up the jobs waited for: all of them after a reconnect, else those unanswered for sweepMs. */
  private async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    let requeued = 0;
    try {
      while (true) {
        const all = this.recheckAll;
        this.recheckAll = false;
        const old = Date.now() - this.opts.sweepMs;
        for (const [id, w] of [...this.waiting]) if ((all || w.since < old) && (await this.lookup(id))) requeued++;
        if (!this.recheckAll) break;
      }
    } catch {
      // Redis unreachable again: the next reconnect or sweep retries.
    } finally {
      this.checking = false;
      if (requeued > 0)
        this.opts.log?.(`Redis no longer had ${requeued} job(s) in flight (restarted empty?): enqueued them again`);
    }
  }

  /** Tell the workers to stop job `id` early (its result still comes back, as for any job). */
  private stopJob(id: string): void {
    void this.control
      .multi()
      .set(stopKey(this.opts.queueName, id), '1', 'EX', this.opts.keepSeconds)
      .publish(stopChannel(this.opts.queueName), id)
      .exec()
      .catch(() => {
        // Redis unreachable: the job runs to its end, and is still told as the rung decided.
      });
  }

  dispatch(job: EvalJob, signal: AbortSignal, resumed: boolean, hooks?: DispatchHooks): Promise<Dispatched> {
    const id = jobIdOf(job.study, job.evaluation);
    const stop = hooks?.stop;
    if (stop) {
      if (stop.aborted) this.stopJob(id);
      else stop.addEventListener('abort', () => this.stopJob(id), { once: true });
    }
    return new Promise<Dispatched>((resolve, reject) => {
      if (this.link.broken) {
        reject(this.link.broken);
        return;
      }
      // Stopping the coordinator leaves the job queued: a resume picks up its result.
      const onAbort = (): void => this.settle(id, { result: { ok: false, reason: 'aborted' } });
      signal.addEventListener('abort', onAbort, { once: true });
      const done = (): void => signal.removeEventListener('abort', onAbort);
      this.waiting.set(id, {
        job,
        since: Date.now(),
        ...(hooks?.onProgress ? { onProgress: hooks.onProgress } : {}),
        resolve: (d) => {
          done();
          resolve(d);
        },
        reject: (e) => {
          done();
          reject(e);
        },
      });
      this.enqueue(id, job)
        .then(async () => {
          // A resumed job may have finished while no coordinator listened.
          if (resumed) await this.lookup(id);
        })
        .catch((e: unknown) => {
          const w = this.waiting.get(id);
          if (!w) return; // settled meanwhile (the link broke, or a stop)
          this.waiting.delete(id);
          w.reject(e);
        });
    });
  }

  async close(): Promise<void> {
    clearInterval(this.sweepTimer);
    const closing = Promise.all([this.events.close(), this.queue.close()]);
    // Closing through BullMQ waits on Redis: with the link broken, it is started (it ends BullMQ's
    // loops) but not waited for.
    if (!this.link.broken) await closing;
    else void closing.catch(() => {});
    this.link.close();
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
  /** Give up once Redis has been unreachable this long (default 600 s): `broken` resolves. */
  redisTimeoutMs?: number;
  /** One line per lost / restored connection. */
  log?: (line: string) => void;
}

export interface RunningWorker {
  readonly id: string;
  /** Resolves with the error when Redis stayed unreachable longer than redisTimeoutMs. */
  readonly broken: Promise<HwnasError>;
  close(): Promise<void>;
}

export async function startWorker(target: RedisTarget, o: WorkerOptions): Promise<RunningWorker> {
  await probeRedis(target);
  const id = `${hostname()}:${process.pid}`;
  const link = new RedisLink(target, {
    timeoutMs: o.redisTimeoutMs ?? DEFAULT_REDIS_TIMEOUT_S * 1000,
    ...(o.log ? { log: o.log } : {}),
    hint: 'start redis-server again (or raise --redis-timeout), then start the worker again',
  });
  const connection = link.connection();
  const queueName = o.queueName ?? DEFAULT_QUEUE_NAME;
  // Early stopping: the coordinator's stop decisions (see stopChannel), for the jobs running here.
  const running = new Map<string, AbortController>();
  const control = link.connection();
  const subscriber = link.connection();
  control.on('error', () => {});
  subscriber.on('error', () => {});
  subscriber.on('message', (_channel: string, jobId: string) => running.get(jobId)?.abort(EARLY_STOP));
  await subscriber.subscribe(stopChannel(queueName));
  const checkStop = (jobId: string, stop: AbortController): Promise<void> =>
    control.exists(stopKey(queueName, jobId)).then(
      (n) => {
        if (n > 0) stop.abort(EARLY_STOP);
      },
      () => {},
    );
  const worker = new Worker<EvalJob, JobReturn>(
    queueName,
    async (job, _token, signal) => {
      const data = job.data;
      const jobId = job.id ?? jobIdOf(data.study, data.evaluation);
      o.onJob?.('start', data);
      const stop = new AbortController();
      running.set(jobId, stop);
      try {
        await checkStop(jobId, stop);
        if (stop.signal.aborted) {
          const result: EvalResult = { ok: false, reason: 'stopped early before it started' };
          o.onJob?.('done', data, result);
          return { result, worker: id };
        }
        const evaluator = await o.evaluatorFor(data);
        const both = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
        const result = await evaluator.evaluate(data.arch, both, data, (p) => {
          void job.updateProgress(p).catch(() => {});
          void checkStop(jobId, stop);
        });
        o.onJob?.('done', data, result);
        return { result, worker: id };
      } finally {
        running.delete(jobId);
      }
    },
    {
      connection,
      concurrency: o.concurrency ?? 1,
      lockDuration: o.lockDuration ?? 30_000,
      stalledInterval: o.stalledInterval ?? 30_000,
      maxStalledCount: o.maxStalledCount ?? 3,
    },
  );
  // Connection errors are the link's to report (one line). A job whose result Redis refuses (it was lost
  // in a Redis restart) is enqueued again by its coordinator.
  worker.on('error', () => {});
  await worker.waitUntilReady();
  const broken = new Promise<HwnasError>((resolve) => link.onBroken(resolve));
  return {
    id,
    broken,
    async close() {
      if (!link.broken) await worker.close();
      else void worker.close(true).catch(() => {});
      link.close(); // and the control and subscriber connections with it
    },
  };
}
