/**
 * One run of a study: search the (pruned) space of one device with one strategy and seed, then replay the
 * evaluation history to record the found front's quality at every checkpoint. Pure: the same task gives
 * the same result in any thread.
 */
import { gd, hypervolume, igdPlus } from '../pareto/index.js';
import { createStrategy, runClosed, type StrategyName } from '../search/index.js';
import { FrontArchive } from './archive.js';
import { type CheckpointMetrics, HV_REF, M, type RunResult, type RunTask, type StudyPlan } from './plan.js';

export function executeRun(plan: StudyPlan, task: RunTask): RunResult {
  const { spec, prune } = task;
  const device = plan.devices[spec.device]!;
  const strategy = createStrategy(plan.strategies[spec.strategy] as StrategyName, {
    radix: plan.radix,
    ...(prune.allowed ? { allowed: prune.allowed } : {}),
    objectives: M,
    seed: spec.runSeed,
    population: plan.population,
    sample: plan.sample,
  });
  const { archs } = runClosed(
    strategy,
    device.objectives,
    M,
    plan.evals,
    device.feasible ? { feasible: device.feasible } : {},
  );
  return replay(plan, spec.device, spec.index, spec.key, archs);
}

/** Indicators of the found front along an evaluation history. */
export function replay(plan: StudyPlan, deviceIndex: number, index: number, key: string, archs: Int32Array): RunResult {
  const device = plan.devices[deviceIndex]!;
  const archive = new FrontArchive(device.objectives, M, device.distToFront, Math.min(archs.length, plan.size));
  const trace: number[] = [];
  const checkpoints: CheckpointMetrics[] = [];
  const fronts: RunResult['fronts'] = [];
  let nextCheckpoint = 0;
  let nextFront = 0;
  for (let e = 1; e <= archs.length; e++) {
    if (archive.add(archs[e - 1]!)) trace.push(e, archive.gd());
    while (nextCheckpoint < plan.checkpoints.length && plan.checkpoints[nextCheckpoint] === e) {
      checkpoints.push(measure(device.normalized, device.frontNormalized, archive.sortedMembers(), e));
      nextCheckpoint++;
    }
    while (nextFront < plan.frontsAt.length && plan.frontsAt[nextFront] === e) {
      fronts.push({ evals: e, archs: archive.sortedMembers() });
      nextFront++;
    }
  }
  return { index, key, archs, trace: Float64Array.from(trace), checkpoints, fronts };
}

function measure(normalized: Float64Array, front: Float64Array, members: Int32Array, evals: number): CheckpointMetrics {
  const a = new Float64Array(members.length * M);
  let inside = 0;
  const boxed = new Float64Array(members.length * M);
  for (let i = 0; i < members.length; i++) {
    const x = normalized[members[i]! * M]!;
    const y = normalized[members[i]! * M + 1]!;
    a[i * M] = x;
    a[i * M + 1] = y;
    // Points that do not strictly dominate the reference point add no volume.
    if (x < HV_REF[0] && y < HV_REF[1]) {
      boxed[inside * M] = x;
      boxed[inside * M + 1] = y;
      inside++;
    }
  }
  return {
    evals,
    gd: gd(a, front, M, 'original'),
    gdMean: gd(a, front, M, 'mean'),
    igdPlus: igdPlus(a, front, M),
    hv: inside === 0 ? 0 : hypervolume(boxed.subarray(0, inside * M), M, HV_REF),
    frontSize: members.length,
  };
}
