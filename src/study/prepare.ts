/**
 * Turns a study config into a plan: resolves the space and the sources, builds each device's objective
 * matrix (-accuracy, latency), its true front and normalisation, and prunes the space for every
 * (device, pruning setting) — per seed for random pruning, so its spread shows in the intervals.
 */
import { fail } from '../errors.js';
import '../objectives/all.js';
import { resolveSource } from '../objectives/all.js';
import type { Direction } from '../objectives/direction.js';
import { checkAccuracySource, checkLatencySource } from '../objectives/roles.js';
import type { ObjectiveColumn } from '../objectives/types.js';
import { type ClosedProblem, checkCoverage, closedProblem, countMask, parseConstraints } from '../problem/index.js';
import { frontLoss, frontRecall, prunedIndices, pruneSpace } from '../prune/index.js';
import '../space/all.js';
import { getSpace } from '../space/all.js';
import { radices, type SearchSpace } from '../space/types.js';
import { enumerateRuns } from './cells.js';
import { parsePruning, type StudyConfig } from './config.js';
import { type DevicePlan, M, type PruneInfo, type RunTask, type StudyPlan, shareArray } from './plan.js';

export interface ColumnInfo {
  source: string;
  name: string;
  unit: string;
  direction: Direction;
  notes: string[];
}

export interface PreparedStudy {
  config: StudyConfig;
  space: SearchSpace;
  plan: StudyPlan;
  tasks: RunTask[];
  accuracy: ColumnInfo;
  devices: ColumnInfo[];
  /** Raw (unnegated) accuracy per architecture, for plots. */
  accuracyValues: Float64Array;
  /** Raw latency per architecture and device, for plots. */
  latencyValues: Float64Array[];
  /** How many architectures each device's study covers and may evaluate (constraints, --allow-missing). */
  feasibility: Feasibility;
}

export interface Feasibility {
  constraints: string[];
  allowMissing: boolean;
  size: number;
  /** Architectures satisfying each constraint alone (latency ones: per device, in `devices`). */
  perConstraint: { constraint: string; feasible: number }[];
  devices: DeviceFeasibility[];
}

export interface DeviceFeasibility {
  source: string;
  /** Architectures with a finite accuracy and latency. */
  covered: number;
  /** Covered and satisfying every constraint: what the true front, searches and audit range over. */
  feasible: number;
  /** Feasible architectures left in each pruned space (min and max over seeds for random pruning). */
  pruned: { pruning: string; size: number; feasibleMin: number; feasibleMax: number }[];
}

/** Hook for spaces whose data must be imported before sources resolve (BLOX releases). */
export type DataImporter = (config: StudyConfig, quiet: boolean) => Promise<void>;

export async function prepareStudy(
  config: StudyConfig,
  opts: { quiet?: boolean; importData?: DataImporter } = {},
): Promise<PreparedStudy> {
  const quiet = opts.quiet ?? false;
  if (opts.importData) await opts.importData(config, quiet);
  const space = getSpace(config.space);
  const radix = radices(space);
  const allowMissing = config.allowMissing === true;
  const constraints = parseConstraints(config.constraints ?? []);
  const ctx = { space, quiet, allowMissing };
  const accuracyColumn = await resolveSource(config.accuracy, ctx);
  checkCoverage(space, accuracyColumn, allowMissing, MISSING_HINT);
  checkAccuracySource(accuracyColumn);

  const feasibility: Feasibility = {
    constraints: constraints.map((c) => c.text),
    allowMissing,
    size: space.size,
    perConstraint: [],
    devices: [],
  };

  const devices: DevicePlan[] = [];
  const columns: ObjectiveColumn[] = [];
  for (const spec of config.devices) {
    const latency = await resolveSource(spec, ctx);
    checkCoverage(space, latency, allowMissing, MISSING_HINT);
    checkLatencySource(latency, '--devices');
    columns.push(latency);
    const problem = closedProblem(space, { accuracy: accuracyColumn, latency }, { constraints });
    // Constraints that do not depend on the device count the same for every device: reported once.
    if (devices.length === 0 && problem.constraintMask)
      feasibility.perConstraint = problem.constraintMask.perConstraint
        .filter((_, k) => constraints[k]!.metric !== 'latency')
        .map(({ constraint, feasible }) => ({ constraint, feasible }));
    const { coveredCount: covered, feasibleCount: feasible } = problem;
    if (feasible === 0) {
      fail(
        `no architecture of '${space.id}' is feasible for device '${spec}' (${covered} of ${space.size} covered, constraints: ${feasibility.constraints.join(' ') || 'none'})`,
        'relax --constraint, or cover more architectures',
      );
    }
    feasibility.devices.push({ source: spec, covered, feasible, pruned: [] });
    devices.push(devicePlan(spec, problem));
  }

  const plan: StudyPlan = {
    radix,
    size: space.size,
    strategies: config.strategies,
    evals: config.evals,
    checkpoints: config.checkpoints,
    frontsAt: config.frontsAt,
    population: config.population,
    sample: config.sample,
    devices,
  };

  const pruneCache = new Map<string, PruneInfo>();
  const prunedCounts = new Map<string, { pruning: string; size: number; feasibleMin: number; feasibleMax: number }>();
  const tasks: RunTask[] = enumerateRuns(config).map((spec) => {
    const setting = parsePruning(config.pruning[spec.pruning]!);
    const seedDependent = setting.metric === 'random';
    const cacheKey = `${spec.device}|${spec.pruning}|${seedDependent ? spec.seed : ''}`;
    let prune = pruneCache.get(cacheKey);
    if (!prune) {
      prune = pruneFor(
        space,
        columns[spec.device]!,
        devices[spec.device]!,
        setting,
        seedDependent ? spec.pruneSeed : 0,
      );
      pruneCache.set(cacheKey, prune);
      const key = `${spec.device}|${spec.pruning}`;
      const fc = prune.feasibleSize ?? prune.size;
      const seen = prunedCounts.get(key);
      if (!seen)
        prunedCounts.set(key, {
          pruning: config.pruning[spec.pruning]!,
          size: prune.size,
          feasibleMin: fc,
          feasibleMax: fc,
        });
      else {
        seen.feasibleMin = Math.min(seen.feasibleMin, fc);
        seen.feasibleMax = Math.max(seen.feasibleMax, fc);
      }
    }
    return { spec, prune };
  });
  feasibility.devices.forEach((d, i) => {
    for (let p = 0; p < config.pruning.length; p++) {
      const c = prunedCounts.get(`${i}|${p}`);
      if (c) d.pruned.push(c);
    }
  });

  return {
    config,
    space,
    plan,
    tasks,
    accuracy: info(config.accuracy, accuracyColumn),
    devices: config.devices.map((s, i) => info(s, columns[i]!)),
    accuracyValues: accuracyColumn.values,
    latencyValues: columns.map((c) => c.values),
    feasibility,
  };
}

function info(source: string, c: ObjectiveColumn): ColumnInfo {
  return { source, name: c.name, unit: c.unit, direction: c.direction, notes: c.notes ?? [] };
}

const MISSING_HINT =
  'a closed-benchmark study needs every architecture: use a complete table, or --allow-missing to study the covered subset';

/**
 * One device's closed problem as plain data for the worker threads. With some architectures infeasible,
 * the front, the normalisation and the distances range over the feasible rows only (the others get NaN in
 * `normalized` and `distToFront`).
 */
export function devicePlan(source: string, problem: ClosedProblem): DevicePlan {
  const { normalization, normalized, frontNormalized, distToFront } = problem.normalized();
  // The per-architecture arrays go to every worker thread: shared, not copied (the front is small).
  return {
    source,
    objectives: shareArray(problem.objectives),
    normalized: shareArray(normalized),
    front: problem.front,
    frontNormalized,
    distToFront: shareArray(distToFront),
    ideal: Array.from(normalization.ideal),
    nadir: Array.from(normalization.nadir),
    feasible: problem.restricted ? shareArray(problem.feasible) : null,
  };
}

function pruneFor(
  space: SearchSpace,
  latency: ObjectiveColumn,
  device: DevicePlan,
  setting: ReturnType<typeof parsePruning>,
  seed: number,
): PruneInfo {
  const radix = radices(space);
  const feasibleAll = device.feasible ? countMask(device.feasible) : space.size;
  if (setting.metric === null) {
    return {
      allowed: null,
      size: space.size,
      recall: 1,
      bestGd: 0,
      bestIgdPlus: 0,
      r2: null,
      frontLoss: null,
      feasibleSize: feasibleAll,
    };
  }
  const r = pruneSpace({ space, latency, metric: setting.metric, ratio: setting.ratio, seed });
  let feasibleSize = r.size;
  if (device.feasible) {
    feasibleSize = 0;
    for (const i of prunedIndices(r.allowed, radix)) feasibleSize += device.feasible[i]!;
    if (feasibleSize === 0) {
      fail(
        `pruning ${setting.metric}@${setting.ratio} leaves no feasible architecture for device '${device.source}' (${r.size} kept, none covered and within the constraints)`,
        'drop that pruning setting, prune less, or relax --constraint',
      );
    }
  }
  const audit = frontRecall({
    allowed: r.allowed,
    radix,
    objectives: device.objectives,
    m: M,
    front: device.front,
    ...(device.feasible ? { feasible: device.feasible } : {}),
  });
  return {
    allowed: r.allowed,
    size: r.size,
    recall: audit.recall,
    bestGd: audit.bestGd,
    bestIgdPlus: audit.bestIgdPlus,
    r2: r.r2 ?? null,
    frontLoss: frontLoss({
      allowed: r.allowed,
      choices: space.decisions.map((d) => d.choices),
      front: device.front,
      latencyOf: (a) => device.objectives[a * M + 1]!,
    }),
    feasibleSize,
    ...(setting.adaptive ? { adaptive: { rule: setting.adaptive, removed: r.removed } } : {}),
  };
}
