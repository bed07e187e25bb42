/**
 * A whole search on a closed benchmark (`hwnas search`): build the closed problem, prune the space if
 * asked, run the strategy on the feasible architectures, and measure the convergence of what it found to
 * the true front at the checkpoints. The run's record (`searchRunJson`) is what `--json` and `--out` give.
 */
import type { FrontRow } from '../data/index.js';
import { fail } from '../errors.js';
import { minimisedName } from '../objectives/direction.js';
import { paretoFrontIndices } from '../pareto/index.js';
import { type ClosedProblem, type Convergence, convergence, pickRows } from '../problem/index.js';
import { type ClosedProblemSpec, loadClosedProblem } from '../problem/load.js';
import { type AdaptiveRule, formatAdaptiveRule, type PruneResult, pruneSpace } from '../prune/index.js';
import { AllowedSpace } from '../space/allowed.js';
import { radices } from '../space/types.js';
import { adaptiveScheduleOf } from './adaptive.js';
import { type ClosedRun, runClosed } from './closed.js';
import { createPrunedStrategy } from './index.js';

export interface ClosedSearchOptions extends ClosedProblemSpec {
  strategy: string;
  evals: number;
  seed: number;
  population?: number;
  sample?: number;
  /**
   * Prune the space first (ratio in [0, 1), metric, seed of the random metric); with `adaptive`, start
   * there and restore removed blocks as the rule says.
   */
  prune?: { ratio: number; metric: string; seed: number; adaptive?: AdaptiveRule };
  unique: boolean;
  /** Evaluation counts to measure at, ascending. */
  checkpoints: number[];
}

export interface ClosedSearch {
  options: ClosedSearchOptions;
  problem: ClosedProblem;
  pruned: PruneResult | undefined;
  searched: AllowedSpace;
  /** Feasible architectures in the searched (pruned) space. */
  feasibleSearched: number;
  /** Some architectures are left out (constraints, or a source misses some searched ones). */
  restricted: boolean;
  run: ClosedRun;
  /** Adaptive pruning: (evaluation, blocks restored in all) of every restore. */
  restores?: { evals: number; restored: number }[];
  convergence: Convergence;
  /** The non-dominated set of the distinct architectures evaluated. */
  found: FrontRow[];
}

export async function searchClosed(o: ClosedSearchOptions): Promise<ClosedSearch> {
  const problem = await loadClosedProblem(o, { coverageByCaller: true });
  const { space, objectives, m, covered, feasible, constraints } = problem;
  const radix = radices(space);
  const latency = problem.sources.latency;
  const adaptive = o.prune?.adaptive;
  const pruned =
    o.prune === undefined
      ? undefined
      : pruneSpace({ space, latency, ratio: o.prune.ratio, metric: o.prune.metric, seed: o.prune.seed });
  const allowed = pruned?.allowed;
  // Adaptive pruning may reach every architecture: the data checks cover the full space.
  const searched = new AllowedSpace(radix, adaptive ? undefined : allowed);
  const indices = searched.indices();
  let missing = 0;
  for (const i of indices) missing += 1 - covered[i]!;
  if (missing > 0 && o.allowMissing !== true) {
    fail(
      `${missing} of the ${indices.length} architectures searched have no finite accuracy or latency value`,
      'a closed-benchmark search needs both objectives for every architecture of the (pruned) space, or --allow-missing to search the covered ones',
    );
  }
  // Without constraints and with complete data no mask is used at all: the run is the unconstrained one,
  // byte for byte.
  let feasibleSearched = 0;
  for (const i of indices) feasibleSearched += feasible[i]!;
  const restricted = constraints.length > 0 || missing > 0;
  if (feasibleSearched === 0) {
    fail(
      `none of the ${indices.length} architectures searched is ${missing > 0 ? 'covered and ' : ''}within the constraints`,
      'relax --constraint, prune less, or cover more architectures',
    );
  }
  // With --unique every counted evaluation is a new architecture: a budget above their number cannot be
  // spent, and the checkpoints past what can be reached would silently vanish from the table.
  if (o.unique && o.evals > feasibleSearched)
    fail(
      `--unique --evals ${o.evals} is more than the ${feasibleSearched} architectures searched${pruned ? ` (pruned ${pruned.metric} ${pruned.ratio})` : ''}${restricted ? ' that are feasible' : ''}`,
      `lower --evals to at most ${feasibleSearched}, or drop --unique`,
    );

  const strategy = createPrunedStrategy(
    o.strategy,
    { radix, allowed, objectives: m, seed: o.seed, population: o.population, sample: o.sample },
    adaptive && pruned ? { rule: adaptive, removed: pruned.removed } : undefined,
  );
  const run = runClosed(strategy, objectives, m, o.evals, { unique: o.unique, ...(restricted ? { feasible } : {}) });
  const conv = convergence(problem, run.archs, o.checkpoints);
  const distinct = [...new Set(run.archs)];
  const found = problem.rowsOf(
    Array.from(paretoFrontIndices(pickRows(objectives, m, distinct), m), (k) => distinct[k]!),
  );
  const restores = adaptiveScheduleOf(strategy)?.events;
  return {
    options: o,
    problem,
    pruned,
    searched,
    feasibleSearched,
    restricted,
    run,
    ...(restores ? { restores } : {}),
    convergence: conv,
    found,
  };
}

/**
 * The run as JSON data: its config, the feasible counts, the pruning, the true front, the checkpoints,
 * the found front and every evaluated architecture. `strategyOptions` are the strategy's own settings as
 * they were used (population, sample), listed where the strategy takes them.
 */
export function searchRunJson(
  s: ClosedSearch,
  strategyOptions: Record<string, number>,
): Record<string, unknown> & { found: FrontRow[] } {
  const { options: o, problem, pruned, run, convergence: conv } = s;
  const { space, constraints } = problem;
  const { accuracy, latency } = problem.sources;
  const rows = problem.feasibleCount;
  return {
    space: space.id,
    accuracy: { source: accuracy.source, direction: accuracy.direction, unit: accuracy.unit },
    latency: { source: latency.source, direction: latency.direction, unit: latency.unit },
    objectives: [minimisedName('accuracy', accuracy.direction), minimisedName('latency', latency.direction)],
    strategy: o.strategy,
    seed: o.seed,
    evals: o.evals,
    unique: o.unique,
    asks: run.asks,
    ...(s.restricted
      ? {
          constraints: constraints.map((c) => c.text),
          allowMissing: o.allowMissing === true,
          feasible: { space: rows, searched: s.feasibleSearched, infeasibleAsks: run.infeasible ?? 0 },
        }
      : {}),
    ...strategyOptions,
    prune: pruned
      ? {
          metric: pruned.metric,
          ratio: pruned.ratio,
          seed: o.prune!.seed,
          ...(o.prune!.adaptive ? { adaptive: formatAdaptiveRule(o.prune!.adaptive), restores: s.restores ?? [] } : {}),
          size: pruned.size,
          ...(pruned.r2 !== undefined ? { r2: pruned.r2 } : {}),
          allowed: space.decisions.map((dec, d) => pruned.allowed[d]!.map((c) => dec.choices[c])),
        }
      : null,
    searchedSize: s.searched.size,
    trueFront: { size: problem.front.length, rows },
    normalisation: 'ideal and nadir of the true front; HV reference 1.1 per objective',
    hvFront: conv.hvFront,
    checkpoints: conv.checkpoints,
    found: s.found,
    archs: Array.from(run.archs),
  };
}

/** The run for people: what was searched, the feasible counts, the checkpoint table, and why a budget was not spent. */
export function searchRunText(s: ClosedSearch): string {
  const { options: o } = s;
  const { problem, pruned, searched, run, convergence: conv, feasibleSearched, restricted } = s;
  const { space, constraints } = problem;
  const rows = problem.feasibleCount;
  const front = problem.front;
  const cells = [
    ['evals', 'distinct', 'found', 'GD', 'mean GD', 'IGD+', 'HV/HV*'],
    ...conv.checkpoints.map((c) => [
      String(c.evals),
      String(c.distinct),
      String(c.found),
      c.gd.toFixed(4),
      c.gdMean.toFixed(4),
      c.igdPlus.toFixed(4),
      (c.hv / conv.hvFront).toFixed(4),
    ]),
  ];
  const w = cells[0]!.map((_, j) => Math.max(...cells.map((r) => r[j]!.length)));
  const table = cells.map((r) => r.map((c, j) => c.padStart(w[j]!)).join('  ')).join('\n');
  const head =
    `${o.strategy} on ${space.id} (${searched.size} of ${space.size} architectures${pruned ? prunedText(s) : ''}), ` +
    `seed ${o.seed}, ${run.archs.length} evaluations${o.unique ? ' (unique)' : ''}; true front: ${front.length} architectures`;
  const feas = restricted
    ? `feasible (covered${constraints.length > 0 ? ` and ${constraints.map((c) => c.text).join(' ')}` : ''}): ${rows} of ${space.size} architectures, ${feasibleSearched} of ${searched.size} searched; ${run.infeasible ?? 0} infeasible asks cost no evaluation; the true front is over the feasible ones\n`
    : '';
  // runClosed gives up after a long run of repeats (docs/search.md): say why the budget was not spent.
  const lost = o.checkpoints.filter((k) => k > run.archs.length);
  const stopped =
    run.archs.length < o.evals
      ? `stopped after ${run.archs.length} of ${o.evals} evaluations: the strategy kept asking for architectures it had evaluated${lost.length > 0 ? ` (checkpoint${lost.length === 1 ? '' : 's'} ${lost.join(', ')} left out)` : ''}\n`
      : '';
  return `${head}\n${feas}${table}\n${stopped}`;
}

/** `, pruned latency 0.7`, or for adaptive pruning where it started and when blocks came back. */
function prunedText(s: ClosedSearch): string {
  const { pruned, options: o } = s;
  if (!pruned) return '';
  const rule = o.prune?.adaptive;
  if (!rule) return `, pruned ${pruned.metric} ${pruned.ratio}`;
  const r = s.restores ?? [];
  const when =
    r.length === 0 ? 'no block restored' : `blocks restored at evaluation ${r.map((e) => e.evals).join(', ')}`;
  return `, adaptive ${pruned.metric} ${pruned.ratio} ${formatAdaptiveRule(rule)}: started in ${pruned.size}, ${when}`;
}
