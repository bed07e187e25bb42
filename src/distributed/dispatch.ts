/**
 * Where evaluations run: in this process (LocalDispatcher around an Evaluator) or on queue workers
 * (queue.ts). The asynchronous search only sees this interface.
 */
import { EARLY_STOP } from './progress.js';
import type { EvalJob, EvalResult, Evaluator, OnProgress } from './types.js';

/** Early stopping's hooks into one evaluation: its progress reports, and the signal that stops it early. */
export interface DispatchHooks {
  onProgress?: OnProgress;
  /** Aborted when the evaluation is to stop early (it then ends with its last progress). */
  stop?: AbortSignal;
}

export interface Dispatched {
  result: EvalResult;
  /** Who evaluated it (`host:pid` of a queue worker); absent in process. */
  worker?: string;
}

export interface Dispatcher {
  readonly title: string;
  /**
   * Run one evaluation. `resumed` marks a job asked before a restart of the coordinator: a queue may
   * already hold its result. Resolves (never rejects) unless the dispatcher itself breaks: an HwnasError
   * (e.g. Redis unreachable past its timeout) then ends the search, anything else fails the evaluation.
   */
  dispatch(job: EvalJob, signal: AbortSignal, resumed: boolean, hooks?: DispatchHooks): Promise<Dispatched>;
  close(): Promise<void>;
}

export class LocalDispatcher implements Dispatcher {
  readonly title: string;
  constructor(private readonly evaluator: Evaluator) {
    this.title = `in process, ${evaluator.title}`;
  }

  async dispatch(job: EvalJob, signal: AbortSignal, _resumed: boolean, hooks?: DispatchHooks): Promise<Dispatched> {
    if (hooks?.stop === undefined)
      return { result: await this.evaluator.evaluate(job.arch, signal, job, hooks?.onProgress) };
    // One signal for the evaluator: its reason says which it was (EARLY_STOP, or the search stopping).
    const ac = new AbortController();
    const onAbort = (): void => ac.abort(signal.reason);
    const onStop = (): void => ac.abort(EARLY_STOP);
    if (signal.aborted) onAbort();
    else if (hooks.stop.aborted) onStop();
    signal.addEventListener('abort', onAbort, { once: true });
    hooks.stop.addEventListener('abort', onStop, { once: true });
    try {
      return { result: await this.evaluator.evaluate(job.arch, ac.signal, job, hooks.onProgress) };
    } finally {
      signal.removeEventListener('abort', onAbort);
      hooks.stop.removeEventListener('abort', onStop);
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
