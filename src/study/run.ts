/**
 * One run of a study: search the (pruned) space of one device with one strategy and seed, then replay the
 * evaluation history to record the found front's quality at every checkpoint. Pure: the same task gives
 * the same result in any thread.
 */
import { replay } from '../problem/index.js';
import { createPrunedStrategy, runClosed } from '../search/index.js';
import { M, type RunResult, type RunTask, type StudyPlan } from './plan.js';

export function executeRun(plan: StudyPlan, task: RunTask): RunResult {
  const { spec, prune } = task;
  const device = plan.devices[spec.device]!;
  const strategy = createPrunedStrategy(
    plan.strategies[spec.strategy]!,
    {
      radix: plan.radix,
      ...(prune.allowed ? { allowed: prune.allowed } : {}),
      objectives: M,
      seed: spec.runSeed,
      population: plan.population,
      sample: plan.sample,
    },
    prune.adaptive,
  );
  const { archs } = runClosed(
    strategy,
    device.objectives,
    M,
    plan.evals,
    device.feasible ? { feasible: device.feasible } : {},
  );
  const r = replay({ ...device, m: M }, archs, plan);
  return { index: spec.index, key: spec.key, archs, ...r };
}
