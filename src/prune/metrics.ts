/**
 * Block efficiency metrics. A metric scores every block of every decision: higher scores are kept. An
 * optional tier comes first: blocks of a lower tier are removed before any block of a higher tier, whatever
 * their scores. Register custom metrics with `registerPruneMetric`.
 *
 * Pre-search metrics use only what is known without training: block parameters, MACs and latency. A
 * metric that learns from accuracies (`front-usage`) may only see the architectures a search has already
 * evaluated: it declares `needsEvaluations`, and pruning without an evaluated set refuses it.
 */
import { fail } from '../errors.js';
import { nonDominatedRanks } from '../pareto/index.js';
import { Rng } from '../rng.js';
import { mixedRadixDecode } from '../space/types.js';
import type { BlockCosts } from './costs.js';

/** What a search has evaluated so far: distinct architectures and their (minimised) objectives. */
export interface EvaluatedSet {
  archs: ArrayLike<number>;
  /** archs.length x m, row-major, minimised (accuracy negated). */
  objectives: Float64Array;
  m: number;
}

export interface MetricInput {
  costs: BlockCosts;
  seed: number;
  /** Only for metrics with `needsEvaluations`: the evaluations the search has made. */
  evaluated?: EvaluatedSet;
}

export interface MetricScores {
  scores: number[][];
  tiers?: number[][];
}

export interface PruneMetric {
  help: string;
  /** Learns from evaluated architectures' accuracies: only usable inside a search, never before it. */
  needsEvaluations?: boolean;
  score(input: MetricInput): MetricScores;
}

const metrics = new Map<string, PruneMetric>();

export function registerPruneMetric(name: string, metric: PruneMetric): void {
  metrics.set(name, metric);
}

export function pruneMetricNames(): string[] {
  return [...metrics.keys()];
}

/** Metrics usable before a search (no evaluations needed). */
export function preSearchMetricNames(): string[] {
  return [...metrics].filter(([, m]) => !m.needsEvaluations).map(([name]) => name);
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

/**
 * Non-domination rank of each block within its decision, on capacities (each: more is better) and latency
 * (less is better); rank 0 is the decision's own Pareto set. Equal vectors share a rank.
 */
export function decisionRanks(capacity: number[][] | number[][][], lat: number[][]): number[][] {
  const kinds = (Array.isArray(capacity[0]?.[0]) ? capacity : [capacity]) as number[][][];
  const m = kinds.length + 1;
  return lat.map((row, d) => {
    const pts = new Float64Array(row.length * m);
    row.forEach((l, c) => {
      kinds.forEach((k, j) => {
        pts[m * c + j] = -k[d]![c]!;
      });
      pts[m * c + m - 1] = l;
    });
    return Array.from(nonDominatedRanks(pts, m));
  });
}

/** Tiers from ranks: the deepest rank is tier 0 (removed first), rank 0 the highest tier. */
function tiersFromRanks(ranks: number[][]): number[][] {
  return ranks.map((row) => {
    const deepest = Math.max(...row);
    return row.map((r) => deepest - r);
  });
}

/**
 * Pareto tiers per decision on (capacity, latency), fastest kept within a tier. Unlike params/latency,
 * a parameter-free op is not scored 0: the decision's fastest block is always in the top tier.
 */
function tierScores(capacity: number[][], lat: number[][]): MetricScores {
  return { scores: lat.map((row) => row.map((v) => -v)), tiers: tiersFromRanks(decisionRanks(capacity, lat)) };
}

registerPruneMetric('tiers', {
  help: 'non-dominated sorting of each decision on params (more) and latency (less): deepest tier removed first, then the slowest; keeps the fast end of the front',
  score: ({ costs }) => tierScores(costs.params(), costs.latency()),
});

registerPruneMetric('macs-tiers', {
  help: 'as tiers, with block MACs instead of parameters (compute, not weights)',
  score: ({ costs }) => tierScores(costs.macs(), costs.latency()),
});

registerPruneMetric('capacity-tiers', {
  help: 'as tiers, on params, signal (a block that outputs only zeros, like none, has none) and latency; within a tier zero blocks go first, then the slowest',
  score: ({ costs }) => {
    const lat = costs.latency();
    const signal = costs.signal();
    const tiers = tiersFromRanks(decisionRanks([costs.params(), signal], lat));
    // within a tier: a zero block below every passing one (offset by more than the latency range), then
    // the faster kept
    const scores = lat.map((row, d) => {
      const span = Math.max(...row) - Math.min(...row) + 1;
      return row.map((v, c) => -v - (signal[d]![c]! === 0 ? span : 0));
    });
    return { scores, tiers };
  },
});

/**
 * Block statistics learned from the evaluations a search has made: each evaluated architecture of
 * non-domination rank r (among the evaluated ones) adds 2^-r to every block it uses, up to rank 2. Blocks
 * no such architecture uses go first (tier 0; the slowest of them first when latency is known, else by
 * code), then the least used. Needs the evaluated set: before a search there is none, and scoring with
 * accuracies of architectures nobody evaluated would not be pre-search pruning.
 */
export function frontUsageScores(radix: readonly number[], evaluated: EvaluatedSet): number[][] {
  const { archs, objectives, m } = evaluated;
  if (objectives.length !== archs.length * m)
    fail(`front-usage: ${archs.length} evaluated architectures but ${objectives.length / m} objective rows`);
  const scores = radix.map((r) => new Array<number>(r).fill(0));
  if (archs.length === 0) return scores;
  const ranks = nonDominatedRanks(objectives, m);
  const codes: number[] = [];
  for (let i = 0; i < archs.length; i++) {
    const r = ranks[i]!;
    if (r > 2) continue;
    mixedRadixDecode(archs[i]!, radix, codes);
    const w = 2 ** -r;
    codes.forEach((c, d) => {
      scores[d]![c]! += w;
    });
  }
  return scores;
}

registerPruneMetric('front-usage', {
  help: 'learned inside a search: how often the blocks appear among the best evaluated architectures (needs the evaluations; refused before a search)',
  needsEvaluations: true,
  score: ({ costs, evaluated }) => {
    if (!evaluated) return fail('front-usage needs the evaluations a search has made');
    const usage = frontUsageScores(costs.radix, evaluated);
    // unused blocks (tier 0) go first, the slowest of them first when the latency source is at hand
    const lat = costs.latencySource ? costs.latency() : null;
    return {
      scores: usage.map((row, d) => row.map((u, c) => (u > 0 ? u : lat ? -lat[d]![c]! : 0))),
      tiers: usage.map((row) => row.map((u) => (u > 0 ? 1 : 0))),
    };
  },
});
