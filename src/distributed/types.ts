/**
 * Evaluation of one architecture of an open problem: the evaluator contract shared by the in-process
 * search loop, the BullMQ workers and user evaluator programs (docs/distributed.md).
 */
import type { Notations } from '../space/types.js';

/** What an evaluator returns: named objectives in their own units and directions, or why it failed. */
export type EvalResult = { ok: true; objectives: Record<string, number> } | { ok: false; reason: string };

/** The job an evaluation belongs to: lets one worker serve several searches. */
export interface EvalJob {
  /** Study (search) id; several searches may share a queue and its workers. */
  study: string;
  /** Evaluation number within the study, 0-based, in ask order. */
  evaluation: number;
  /** Space id (`nb201`, `blox`, or a user space file path). */
  space: string;
  /** Architecture index in the space. */
  arch: number;
  /** Per-evaluation seed (derived from the search seed and the evaluation number). */
  seed: number;
  /** Every notation of the architecture (`space.notations(arch)`). */
  notations?: Notations;
  /** Opaque per-search budget passed to evaluator programs (epochs, minutes, ...). */
  budget?: unknown;
}

export interface Evaluator {
  /** Short description for logs (`command: python train.py`, `table: nb201:cifar100, model:cortex-m7`). */
  readonly title: string;
  /**
   * Evaluate one architecture. Never rejects for a failure of the evaluated program or a missing value:
   * those come back as `{ ok: false, reason }` so the search goes on. `signal` aborts the evaluation.
   */
  evaluate(arch: number, signal: AbortSignal, job?: EvalJob): Promise<EvalResult>;
}

/** An objective the search minimises: its name in the evaluator's reply and its direction. */
export type { ObjectiveSpec } from '../objectives/direction.js';
