/**
 * Turns a study config into a plan: resolves the space and the sources, builds each device's objective
 * matrix (-accuracy, latency), its true front and normalisation, and prunes the space for every
 * (device, pruning setting) — per seed for random pruning, so its spread shows in the intervals.
 */
import { fail } from '../errors.js';
import '../objectives/all.js';
import { resolveSource } from '../objectives/all.js';
import { type Constraint, countMask, coveredMask, feasibleMask, parseConstraints } from '../objectives/constraints.js';
import { checkAccuracySource, checkLatencySource } from '../objectives/roles.js';
import type { ObjectiveColumn } from '../objectives/types.js';
import { normalizationFromFront, normalize, paretoFrontIndices } from '../pareto/index.js';
import { frontRecall, prunedIndices, pruneSpace } from '../prune/index.js';
import { pickRows } from '../search/trace.js';
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
  checkColumn(accuracyColumn, space, config.accuracy, allowMissing);
  checkAccuracySource(accuracyColumn);
  const accuracySign = accuracyColumn.direction === 'max' ? -1 : 1;

  // Constraints that do not depend on the device: one mask for the space, shared by every device.
  const spaceWide = constraints.filter((c) => c.metric !== 'latency');
  const perDevice = constraints.filter((c) => c.metric === 'latency');
  const spaceMask = spaceWide.length > 0 ? feasibleMask(space, spaceWide) : null;
  const feasibility: Feasibility = {
    constraints: constraints.map((c) => c.text),
    allowMissing,
    size: space.size,
    perConstraint: spaceMask
      ? spaceMask.perConstraint.map(({ constraint, feasible }) => ({ constraint, feasible }))
      : [],
    devices: [],
  };

  const devices: DevicePlan[] = [];
  const columns: ObjectiveColumn[] = [];
  for (const spec of config.devices) {
    const latency = await resolveSource(spec, ctx);
    checkColumn(latency, space, spec, allowMissing);
    checkLatencySource(latency, '--devices');
    columns.push(latency);
    const mask = deviceMask(space, accuracyColumn.values, latency.values, spaceMask?.mask ?? null, perDevice);
    const covered = countMask(coveredMask(space.size, [accuracyColumn.values, latency.values]));
    const feasible = countMask(mask);
    if (feasible === 0) {
      fail(
        `no architecture of '${space.id}' is feasible for device '${spec}' (${covered} of ${space.size} covered, constraints: ${feasibility.constraints.join(' ') || 'none'})`,
        'relax --constraint, or cover more architectures',
      );
    }
    feasibility.devices.push({ source: spec, covered, feasible, pruned: [] });
    devices.push(
      devicePlan(spec, accuracyColumn.values, accuracySign, latency.values, feasible === space.size ? null : mask),
    );
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

/** Covered (finite accuracy and latency) AND the space-wide constraints AND this device's latency ones. */
function deviceMask(
  space: SearchSpace,
  accuracy: Float64Array,
  latency: Float64Array,
  spaceMask: Uint8Array | null,
  latencyConstraints: Constraint[],
): Uint8Array {
  const mask = coveredMask(space.size, [accuracy, latency]);
  if (spaceMask) for (let i = 0; i < mask.length; i++) mask[i]! &= spaceMask[i]!;
  if (latencyConstraints.length > 0) {
    const lat = feasibleMask(space, latencyConstraints, { latency }).mask;
    for (let i = 0; i < mask.length; i++) mask[i]! &= lat[i]!;
  }
  return mask;
}

function info(source: string, c: ObjectiveColumn): ColumnInfo {
  return { source, name: c.name, unit: c.unit, direction: c.direction, notes: c.notes ?? [] };
}

function checkColumn(c: ObjectiveColumn, space: SearchSpace, spec: string, allowMissing: boolean): void {
  if (c.values.length !== space.size) {
    fail(`source '${spec}' has ${c.values.length} values but space '${space.id}' has ${space.size} architectures`);
  }
  let missing = 0;
  for (let i = 0; i < c.values.length; i++) if (!Number.isFinite(c.values[i]!)) missing++;
  if (missing === space.size) fail(`source '${spec}' has no value for any architecture of '${space.id}'`);
  if (missing > 0 && !allowMissing) {
    fail(
      `source '${spec}' has no value for ${missing} of ${space.size} architectures`,
      'a closed-benchmark study needs every architecture: use a complete table, or --allow-missing to study the covered subset',
    );
  }
}

/**
 * Objective matrix, true front, normalisation and distances to the front for one device. With a
 * feasibility mask, the front, the normalisation and the distances range over the feasible rows only
 * (the others get NaN in `normalized` and `distToFront`).
 */
export function devicePlan(
  source: string,
  accuracy: Float64Array,
  accuracySign: number,
  latency: Float64Array,
  feasible: Uint8Array | null = null,
): DevicePlan {
  const n = accuracy.length;
  const objectives = new Float64Array(n * M);
  for (let i = 0; i < n; i++) {
    objectives[i * M] = accuracySign * accuracy[i]!;
    objectives[i * M + 1] = latency[i]!;
  }
  const rows: Int32Array | null = feasible ? maskIndices(feasible) : null;
  const points = rows ? pickRows(objectives, M, rows) : objectives;
  const local = paretoFrontIndices(points, M);
  const front = rows ? Int32Array.from(local, (k) => rows[k]!) : local;
  const frontPoints = new Float64Array(front.length * M);
  for (let j = 0; j < front.length; j++) {
    frontPoints[j * M] = objectives[front[j]! * M]!;
    frontPoints[j * M + 1] = objectives[front[j]! * M + 1]!;
  }
  const norm = normalizationFromFront(frontPoints, M);
  const normalizedPoints = normalize(points, M, norm);
  let normalized = normalizedPoints;
  if (rows) {
    normalized = new Float64Array(n * M).fill(Number.NaN);
    for (let k = 0; k < rows.length; k++) {
      normalized[rows[k]! * M] = normalizedPoints[k * M]!;
      normalized[rows[k]! * M + 1] = normalizedPoints[k * M + 1]!;
    }
  }
  const frontNormalized = normalize(frontPoints, M, norm);
  const distToFront = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (feasible && feasible[i] !== 1) {
      distToFront[i] = Number.NaN;
      continue;
    }
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
  // The per-architecture arrays go to every worker thread: shared, not copied (the front is small).
  return {
    source,
    objectives: shareArray(objectives),
    normalized: shareArray(normalized),
    front,
    frontNormalized,
    distToFront: shareArray(distToFront),
    ideal: Array.from(norm.ideal),
    nadir: Array.from(norm.nadir),
    feasible: feasible && shareArray(feasible),
  };
}

function maskIndices(mask: Uint8Array): Int32Array {
  let k = 0;
  for (let i = 0; i < mask.length; i++) k += mask[i]!;
  const out = new Int32Array(k);
  k = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] === 1) out[k++] = i;
  return out;
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
    return { allowed: null, size: space.size, recall: 1, bestGd: 0, r2: null, feasibleSize: feasibleAll };
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
    r2: r.r2 ?? null,
    feasibleSize,
  };
}
