/**
 * Block efficiency metrics. A metric scores every block of every decision: higher scores are kept. An
 * optional tier comes first: blocks of a lower tier are removed before any block of a higher tier, whatever
 * their scores. Register custom metrics with `registerPruneMetric`.
 */
import { fail } from '../errors.js';
import { Rng } from '../rng.js';
import type { BlockCosts } from './costs.js';

export interface MetricInput {
  costs: BlockCosts;
  seed: number;
}

export interface MetricScores {
  scores: number[][];
  tiers?: number[][];
}

export interface PruneMetric {
  help: string;
  score(input: MetricInput): MetricScores;
}

const metrics = new Map<string, PruneMetric>();

export function registerPruneMetric(name: string, metric: PruneMetric): void {
  metrics.set(name, metric);
}

export function pruneMetricNames(): string[] {
  return [...metrics.keys()];
}

export function getPruneMetric(name: string): PruneMetric {
  const m = metrics.get(name);
  if (!m) return fail(`unknown pruning metric '${name}'`, `use one of: ${pruneMetricNames().join(', ')}`);
  return m;
}

/**
 * x / latency with the edge cases made explicit: a block with no latency (or a non-positive fitted one)
 * is free: +Infinity when it has x > 0, 0 when it has nothing to offer either.
 */
export function perLatency(x: number, latency: number): number {
  if (latency > 0) return x / latency;
  return x > 0 ? Number.POSITIVE_INFINITY : 0;
}

function ratio(xs: number[][], lat: number[][]): number[][] {
  return xs.map((row, d) => row.map((x, c) => perLatency(x, lat[d]![c]!)));
}

registerPruneMetric('params/latency', {
  help: "the poster's: block parameters / block latency on the device (higher kept)",
  score: ({ costs }) => ({ scores: ratio(costs.params(), costs.latency()) }),
});

registerPruneMetric('macs/latency', {
  help: 'block MACs / block latency: compute throughput on the device (higher kept)',
  score: ({ costs }) => ({ scores: ratio(costs.macs(), costs.latency()) }),
});

registerPruneMetric('params', {
  help: 'block parameters (more kept); hardware-agnostic',
  score: ({ costs }) => ({ scores: costs.params().map((row) => [...row]) }),
});

registerPruneMetric('latency', {
  help: 'block latency on the device (fastest kept)',
  score: ({ costs }) => ({ scores: costs.latency().map((row) => row.map((v) => -v)) }),
});

registerPruneMetric('pareto', {
  help: 'first remove blocks another block of the same decision beats on both params (more) and latency (less), then by params/latency',
  score: ({ costs }) => {
    const params = costs.params();
    const lat = costs.latency();
    const tiers = params.map((row, d) =>
      row.map((p, c) => {
        const l = lat[d]![c]!;
        const beaten = row.some((q, e) => e !== c && q >= p && lat[d]![e]! <= l && (q > p || lat[d]![e]! < l));
        return beaten ? 0 : 1;
      }),
    );
    return { scores: ratio(params, lat), tiers };
  },
});

registerPruneMetric('random', {
  help: "the poster's control: the same number of blocks removed, chosen uniformly at random (seeded)",
  score: ({ costs, seed }) => {
    const rng = new Rng(seed);
    return {
      scores: costs.radix.map((r) => {
        const perm = rng.shuffle(Array.from({ length: r }, (_, c) => c));
        const score = new Array<number>(r);
        perm.forEach((c, rank) => {
          score[c] = rank;
        });
        return score;
      }),
    };
  },
});
