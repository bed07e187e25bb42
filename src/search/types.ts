/**
 * Ask/tell search strategies. A strategy proposes architecture indices of a closed or open space and is
 * told their objective vectors (every objective minimised: callers negate accuracies). It never sees a
 * benchmark table, so the same code drives closed benchmarks and expensive open problems.
 */

import type { AllowedChoices } from '../space/allowed.js';

export type { AllowedChoices };

export interface StrategyConfig {
  /** Choice count per decision of the full space (mixed radix, first decision fastest). */
  radix: readonly number[];
  /** Choices the strategy may propose (default: all). */
  allowed?: AllowedChoices;
  /** Number of objectives told per architecture. */
  objectives: number;
  seed: number;
}

export interface Strategy {
  readonly name: string;
  /** Next architecture index to evaluate. */
  ask(): number;
  /** Result of an asked architecture; `objectives` are minimised. Order of tells may differ from asks. */
  tell(arch: number, objectives: ArrayLike<number>): void;
  /**
   * Same as `tell` with the objectives read from `values[offset .. offset + objectives)`: lets a closed
   * benchmark loop tell a table row without allocating a view per evaluation. Optional.
   */
  tellFrom?(arch: number, values: Float64Array, offset: number): void;
  /**
   * Adaptive pruning (search/adaptive.ts): the allowed choices grow to `allowed` (a superset of the
   * current ones); later asks may use them. Optional: a strategy without it cannot run adaptive pruning.
   */
  widen?(allowed: AllowedChoices): void;
  /** Soft pruning: later mutations reach the full space with probability `p` (AllowedSpace.setSoft). */
  setSoft?(p: number): void;
  /**
   * Adaptive pruning: `hook.told(values, offset)` after every tell (the told objectives), or no hook (null).
   * A hook, not a wrapper: once the schedule has nothing left to do it detaches, and the strategy runs at
   * the speed of a plain one.
   */
  setTellHook?(hook: TellHook | null): void;
}

export interface TellHook {
  told(values: ArrayLike<number>, offset: number): void;
}

/** Tuning knobs shared by the strategies; each strategy reads the ones it uses. */
export interface StrategyOptions {
  /** Population size (RE: aging population P; NSGA-II: mu = lambda). Defaults: search/options.ts. */
  population?: number;
  /** RE tournament sample size S, drawn with replacement. */
  sample?: number;
  /** Pareto local search: random architectures evaluated before the first neighbourhood (default 10). */
  init?: number;
  /** NSGA-II: probability of uniform crossover per offspring pair (default 0.9). */
  crossover?: number;
}
