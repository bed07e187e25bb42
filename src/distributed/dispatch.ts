/**
 * Where evaluations run: in this process (LocalDispatcher around an Evaluator) or on queue workers
 * (queue.ts). The asynchronous search only sees this interface.
 */
import type { EvalJob, EvalResult, Evaluator } from './types.js';

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
  dispatch(job: EvalJob, signal: AbortSignal, resumed: boolean): Promise<Dispatched>;
  close(): Promise<void>;
}

export class LocalDispatcher implements Dispatcher {
  readonly title: string;
  constructor(private readonly evaluator: Evaluator) {
    this.title = `in process, ${evaluator.title}`;
  }

  async dispatch(job: EvalJob, signal: AbortSignal): Promise<Dispatched> {
    return { result: await this.evaluator.evaluate(job.arch, signal, job) };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
