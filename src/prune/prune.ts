/**
 * Pre-search pruning (the poster's contribution): score every block of every decision with a metric and
 * remove the worst share `ratio` of each decision's choices, keeping at least one.
 *
 * Count: removed = min(n - 1, floor(ratio * n)), so kept = max(1, ceil((1 - ratio) * n)): never more than
 * the requested share is removed, and 45 blocks at 50/70/90 % keep 23/14/5. (A tiny epsilon absorbs
 * binary floating point, so 0.29 * 100 removes 29, not 28.)
 * Order of removal: lower tier first, then lower score (NaN counts as lowest), then lower choice code.
 */
import { fail } from '../errors.js';
import type { ObjectiveColumn } from '../objectives/types.js';
import { AllowedSpace } from '../space/allowed.js';
import type { SearchSpace } from '../space/types.js';
import { BlockCosts } from './costs.js';
import { type EvaluatedSet, getPruneMetric, preSearchMetricNames } from './metrics.js';

export interface PruneOptions {
  space: SearchSpace;
  /** Latency source (block values or a per-architecture table); not needed by `params` and `random`. */
  latency?: ObjectiveColumn;
  metric: string;
  /** Share of each decision's choices to remove, in [0, 1). */
  ratio: number;
  /** Seed of the `random` metric (default 0). */
  seed?: number;
  /** Precomputed block parameter counts [decision][choice] (skips building the block networks). */
  params?: number[][];
  /** What a search has evaluated: only metrics with `needsEvaluations` read it (pruning inside a search). */
  evaluated?: EvaluatedSet;
}

export interface PruneResult {
  metric: string;
  ratio: number;
  /** Kept choice codes per decision, ascending. */
  allowed: number[][];
  /** Metric score per decision and choice (higher kept). */
  scores: number[][];
  /** Architectures in the pruned space. */
  size: number;
  /** R^2 of the additive latency fit, when block latencies were fitted from a per-architecture table. */
  r2?: number;
  /** Removed choice codes per decision, in removal order. */
  removed: number[][];
  /** Tier per block when the metric has tiers (0 removed first). */
  tiers?: number[][];
  /** The costs the metric used, when it used them: for reports. */
  blockParams?: number[][];
  blockLatency?: number[][];
}

/** Choices removed from a decision with n choices at this ratio. */
export function removalCount(n: number, ratio: number): number {
  checkRatio(ratio);
  return Math.min(n - 1, Math.floor(ratio * n + 1e-9));
}

export function checkRatio(ratio: number): void {
  if (!(Number.isFinite(ratio) && ratio >= 0 && ratio < 1)) {
    fail(`pruning ratio must be in [0, 1), got ${ratio}`, 'e.g. 0.7 removes 70 % of the blocks of each decision');
  }
}

/**
 * A ratio typed on the command line (`--prune`, `--ratio`): one message for every value outside [0, 1),
 * 1, 70, -0.1, NaN and words alike.
 */
export function parseRatioOption(flag: string, text: string): number {
  const ratio = Number(text);
  if (text.trim() === '' || !Number.isFinite(ratio) || ratio < 0 || ratio >= 1)
    fail(`${flag} must be in [0, 1), got '${text}'`, 'e.g. 0.7 removes 70 % of the blocks of each decision');
  return ratio;
}

export function pruneSpace(opts: PruneOptions): PruneResult {
  checkRatio(opts.ratio);
  const metric = getPruneMetric(opts.metric);
  if (metric.needsEvaluations && !(opts.evaluated && opts.evaluated.archs.length > 0)) {
    fail(
      `pruning metric '${opts.metric}' learns from the accuracies of evaluated architectures: before a search none are evaluated, and using accuracies of architectures outside the evaluated set is not pre-search pruning`,
      `use it only inside a search, where the evaluated set exists; before one, pick a pre-search metric: ${preSearchMetricNames().join(', ')}`,
    );
  }
  const costs = new BlockCosts(opts.space, opts.latency, opts.params);
  const { scores, tiers } = metric.score({
    costs,
    seed: opts.seed ?? 0,
    ...(opts.evaluated ? { evaluated: opts.evaluated } : {}),
  });
  const radix = costs.radix;
  if (scores.length !== radix.length || scores.some((row, d) => row.length !== radix[d])) {
    fail(`pruning metric '${opts.metric}' returned scores of the wrong shape`);
  }
  const allowed: number[][] = [];
  const removed: number[][] = [];
  radix.forEach((n, d) => {
    const key = (c: number) => {
      const s = scores[d]![c]!;
      return Number.isNaN(s) ? Number.NEGATIVE_INFINITY : s;
    };
    const tier = (c: number) => tiers?.[d]?.[c] ?? 0;
    const order = Array.from({ length: n }, (_, c) => c).sort(
      (a, b) => tier(a) - tier(b) || cmp(key(a), key(b)) || a - b,
    );
    const k = removalCount(n, opts.ratio);
    removed.push(order.slice(0, k));
    allowed.push(order.slice(k).sort((a, b) => a - b));
  });
  const result: PruneResult = {
    metric: opts.metric,
    ratio: opts.ratio,
    allowed,
    scores,
    size: new AllowedSpace(radix, allowed).size,
    removed,
  };
  const fit = costs.fit();
  if (fit) result.r2 = fit.r2;
  if (tiers) result.tiers = tiers;
  if (costs.hasParams()) result.blockParams = costs.params();
  if (costs.hasLatency()) result.blockLatency = costs.latency();
  return result;
}

function cmp(x: number, y: number): number {
  return x < y ? -1 : x > y ? 1 : 0;
}
