/**
 * Objectives: named per-architecture values aligned with a closed space's index (accuracy from a
 * benchmark, latency from a device model or a measured table), and the sources that produce them.
 */
import type { SearchSpace } from '../space/types.js';
import type { Direction } from './direction.js';

export type { Direction } from './direction.js';

export interface ObjectiveColumn {
  /** Short name used in tables and plots, e.g. `accuracy`, `latency`. */
  name: string;
  /** The source spec it came from, e.g. `nb201:cifar100`, `model:cortex-m7`, `table:m7.csv#ms`. */
  source: string;
  direction: Direction;
  /** Unit for display: `%`, `ms`, `bytes`, ... */
  unit: string;
  /** One value per architecture index of the space; NaN where the source has no value. */
  values: Float64Array;
  /**
   * Cost of one building block (decision, choice) where the source knows it directly (analytical device
   * models, per-block look-up tables). Absent for per-architecture tables: pruning then fits an additive
   * model over `values` and reports its R^2.
   */
  blockValue?: (decision: number, choice: number) => number;
  /** Free-form facts worth printing (device file, calibration error, rows covered, ...). */
  notes?: string[];
}

export interface SourceContext {
  space: SearchSpace;
  /** Let a table that misses architectures through (values NaN) instead of failing. */
  allowMissing?: boolean;
  /** Silence progress bars. */
  quiet?: boolean;
  /** List details a source otherwise summarises (the CLI's --verbose; see `setSourcesVerbose`). */
  verbose?: boolean;
}

/** Resolves a source spec (after its `prefix:`) to a column. */
export type SourceResolver = (rest: string, ctx: SourceContext) => Promise<ObjectiveColumn>;
