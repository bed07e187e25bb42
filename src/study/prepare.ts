/**
 * Turns a study config into a plan: resolves the space and the sources, builds each device's objective
 * matrix (-accuracy, latency), its true front and normalisation, and prunes the space for every
 * (device, pruning setting) — per seed for random pruning, so its spread shows in the intervals.
 */
import { fail } from '../errors.js';
import '../objectives/all.js';
import { resolveSource } from '../objectives/all.js';
import type { ObjectiveColumn } from '../objectives/types.js';
import { normalizationFromFront, normalize, paretoFrontIndices } from '../pareto/index.js';
import { frontRecall, pruneSpace } from '../prune/index.js';
import '../space/all.js';
import { getSpace } from '../space/all.js';
import { radices, type SearchSpace } from '../space/types.js';
import { enumerateRuns } from './cells.js';
import { parsePruning, type StudyConfig } from './config.js';
import { type DevicePlan, M, type PruneInfo, type RunTask, type StudyPlan } from './plan.js';

export interface ColumnInfo {
  source: string;
  name: string;
  unit: string;
  direction: 'min' | 'max';
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
  const ctx = { space, quiet };
  const accuracyColumn = await resolveSource(config.accuracy, ctx);
  checkColumn(accuracyColumn, space, config.accuracy);
  const accuracySign = accuracyColumn.direction === 'max' ? -1 : 1;

  const devices: DevicePlan[] = [];
  const columns: ObjectiveColumn[] = [];
  for (const spec of config.devices) {
    const latency = await resolveSource(spec, ctx);
    checkColumn(latency, space, spec);
    columns.push(latency);
    devices.push(devicePlan(spec, accuracyColumn.values, accuracySign, latency.values));
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
    }
    return { spec, prune };
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
  };
}

function info(source: string, c: ObjectiveColumn): ColumnInfo {
  return { source, name: c.name, unit: c.unit, direction: c.direction, notes: c.notes ?? [] };
}

function checkColumn(c: ObjectiveColumn, space: SearchSpace, spec: string): void {
  if (c.values.length !== space.size) {
    fail(`source '${spec}' has ${c.values.length} values but space '${space.id}' has ${space.size} architectures`);
  }
  let missing = 0;
  for (let i = 0; i < c.values.length; i++) if (!Number.isFinite(c.values[i]!)) missing++;
  if (missing > 0) {
    fail(
      `source '${spec}' has no value for ${missing} of ${space.size} architectures`,
      'a closed-benchmark study needs every architecture: use a complete table',
    );
  }
}

/** Objective matrix, true front, normalisation and distances to the front for one device. */
export function devicePlan(
  source: string,
  accuracy: Float64Array,
  accuracySign: number,
  latency: Float64Array,
): DevicePlan {
  const n = accuracy.length;
  const objectives = new Float64Array(n * M);
  for (let i = 0; i < n; i++) {
    objectives[i * M] = accuracySign * accuracy[i]!;
    objectives[i * M + 1] = latency[i]!;
  }
  const front = paretoFrontIndices(objectives, M);
  const frontPoints = new Float64Array(front.length * M);
  for (let j = 0; j < front.length; j++) {
    frontPoints[j * M] = objectives[front[j]! * M]!;
    frontPoints[j * M + 1] = objectives[front[j]! * M + 1]!;
  }
  const norm = normalizationFromFront(frontPoints, M);
  const normalized = normalize(objectives, M, norm);
  const frontNormalized = normalize(frontPoints, M, norm);
  const distToFront = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = normalized[i * M]!;
    const y = normalized[i * M + 1]!;
    let best = Number.POSITIVE_INFINITY;
    for (let j = 0; j < front.length; j++) {
      const dx = x - frontNormalized[j * M]!;
      const dy = y - frontNormalized[j * M + 1]!;
      const d = dx * dx + dy * dy;
      if (d < best) best = d;
    }
    distToFront[i] = Math.sqrt(best);
  }
  return {
    source,
    objectives,
    normalized,
    front,
    frontNormalized,
    distToFront,
    ideal: Array.from(norm.ideal),
    nadir: Array.from(norm.nadir),
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
  if (setting.metric === null) {
    return { allowed: null, size: space.size, recall: 1, bestGd: 0, r2: null };
  }
  const r = pruneSpace({ space, latency, metric: setting.metric, ratio: setting.ratio, seed });
  const audit = frontRecall({ allowed: r.allowed, radix, objectives: device.objectives, m: M, front: device.front });
  return { allowed: r.allowed, size: r.size, recall: audit.recall, bestGd: audit.bestGd, r2: r.r2 ?? null };
}
