/**
 * Evaluation of one architecture of an open problem: the evaluator contract shared by the in-process
 * search loop, the BullMQ workers and user evaluator programs (docs/distributed.md).
 */
import type { Notations } from '../space/types.js';
import type { Progress } from './progress.js';

export type { Progress } from './progress.js';

/**
 * What an evaluator returns: named objectives in their own units and directions, or why it failed.
 * `stopped`: ended early by an early-stopping decision, `objectives` are those of its last progress
 * report, at `fidelity` (the fidelity of its last report, when it reported progress).
 */
export type EvalResult =
  | { ok: true; objectives: Record<string, number>; fidelity?: number; stopped?: boolean }
  | { ok: false; reason: string };

/** Called with each valid progress report of a running evaluation (merged with fidelity-free objectives). */
export type OnProgress = (p: Progress) => void;

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
   * those come back as `{ ok: false, reason }` so the search goes on. `signal` aborts the evaluation; an
   * abort whose reason is EARLY_STOP (progress.ts) ends it as stopped early, with its last progress.
   * `onProgress` hears the progress reports of evaluators that make them (the evaluator command).
   */
  evaluate(arch: number, signal: AbortSignal, job?: EvalJob, onProgress?: OnProgress): Promise<EvalResult>;
  /** True when the evaluator may report progress (its objectives change with the fidelity). */
  readonly progressive?: boolean;
}

/** An objective the search minimises: its name in the evaluator's reply and its direction. */
export type { ObjectiveSpec } from '../objectives/direction.js';
