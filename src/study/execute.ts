/**
 * Runs the unfinished runs of a study, in this thread or across worker threads, committing each result to
 * the store as it arrives. Results do not depend on the thread count: every run is a pure function of its
 * task. Ctrl-C (SIGINT) stops handing out runs, lets the ones in flight finish and commit, and returns.
 */
import { availableParallelism } from 'node:os';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import type { RunResult, RunTask, StudyPlan } from './plan.js';
import { executeRun } from './run.js';
import type { StudyStore } from './store.js';

export interface ExecuteOptions {
  /** Worker threads; 1 runs in this thread. Default: the machine's parallelism. */
  threads?: number;
  /** Called after each committed run. */
  onRun?: (done: number, total: number, evals: number) => void;
}

export interface ExecuteSummary {
  total: number;
  /** Runs already in the store before this call. */
  skipped: number;
  /** Runs finished by this call. */
  ran: number;
  interrupted: boolean;
}

export function defaultThreads(): number {
  return Math.max(1, availableParallelism());
}

export async function executeStudy(
  plan: StudyPlan,
  tasks: RunTask[],
  store: StudyStore,
  opts: ExecuteOptions = {},
): Promise<ExecuteSummary> {
  const done = store.doneKeys();
  const pending = tasks.filter((t) => !done.has(t.spec.key));
  const summary: ExecuteSummary = {
    total: tasks.length,
    skipped: tasks.length - pending.length,
    ran: 0,
    interrupted: false,
  };
  let stopping = false;
  const onSigint = () => {
    if (stopping) process.exit(130); // a second Ctrl-C: the user does not want to wait
    stopping = true;
  };
  process.on('SIGINT', onSigint);
  const commit = (task: RunTask, result: RunResult, ms: number) => {
    store.commitRun(task, result, ms);
    summary.ran++;
    opts.onRun?.(summary.skipped + summary.ran, summary.total, plan.evals);
  };
  try {
    const threads = Math.min(opts.threads ?? defaultThreads(), pending.length);
    if (threads <= 1) {
      for (const task of pending) {
        // Let a pending SIGINT be delivered between runs.
        await yieldToEventLoop();
        if (stopping) break;
        const started = performance.now();
        const result = executeRun(plan, task);
        commit(task, result, performance.now() - started);
      }
    } else {
      await runPool(plan, pending, threads, commit, () => stopping);
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
  summary.interrupted = summary.skipped + summary.ran < summary.total;
  return summary;
}

/**
 * A worker running `worker.js` next to this module; from TypeScript sources (tsx, vitest) a small ESM
 * bootstrap registers tsx inside the worker first (`execArgv: ['--import', 'tsx']` does not reach worker
 * threads' module loader on Node 20).
 */
function startWorker(plan: StudyPlan): Worker {
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./worker.js', import.meta.url), { workerData: plan });
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true, workerData: plan });
}

function runPool(
  plan: StudyPlan,
  pending: RunTask[],
  threads: number,
  commit: (task: RunTask, result: RunResult, ms: number) => void,
  stopping: () => boolean,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let next = 0;
    let active = 0;
    let failed = false;
    const workers: Worker[] = [];
    const finish = (err?: unknown) => {
      if (failed) return;
      if (err !== undefined) failed = true;
      if (err === undefined && active > 0) return;
      for (const w of workers) void w.terminate();
      if (err !== undefined) reject(err);
      else resolve();
    };
    const feed = (w: Worker, inFlight: { task?: RunTask }) => {
      if (stopping() || next >= pending.length) {
        inFlight.task = undefined;
        finish();
        return;
      }
      const task = pending[next++]!;
      inFlight.task = task;
      active++;
      w.postMessage(task);
    };
    for (let i = 0; i < threads; i++) {
      const w = startWorker(plan);
      workers.push(w);
      const inFlight: { task?: RunTask } = {};
      w.on('message', (msg: { result: RunResult; elapsedMs: number }) => {
        active--;
        try {
          commit(inFlight.task!, msg.result, msg.elapsedMs);
        } catch (e) {
          finish(e);
          return;
        }
        feed(w, inFlight);
      });
      w.on('error', (e) => finish(e));
      w.on('exit', (code) => {
        if (!failed && inFlight.task !== undefined)
          finish(new Error(`study worker exited with code ${code} during a run`));
      });
      feed(w, inFlight);
    }
  });
}
