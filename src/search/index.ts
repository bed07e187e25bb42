/**
 * Search strategies (ask/tell) and the closed-benchmark driver. Objectives are minimised (negate
 * accuracies). See docs/search.md.
 */
import { type AdaptiveRule, AdaptiveSchedule } from '../prune/adaptive.js';
import { attachSchedule } from './adaptive.js';
import { ParetoLocalSearch } from './ls.js';
import { Nsga2 } from './nsga2.js';
import { type StrategyName, strategyRow } from './options.js';
import { RandomSearch } from './random.js';
import { RegularizedEvolution } from './re.js';
import type { Strategy, StrategyConfig, StrategyOptions } from './types.js';

export { AllowedSpace } from '../space/allowed.js';
export { adaptiveScheduleOf, SOFT_STRATEGIES } from './adaptive.js';
export { type ClosedRun, type RunClosedOptions, runClosed } from './closed.js';
export { ParetoLocalSearch } from './ls.js';
export { Nsga2 } from './nsga2.js';
export {
  checkBudget,
  checkSample,
  checkStrategyOptions,
  checkStudyStrategyOptions,
  DEFAULT_POPULATION,
  DEFAULT_SAMPLE,
  DEFAULT_STRATEGY,
  type ParsedStrategyOptions,
  parseStrategyOptions,
  posterCheckpoints,
  type StrategyName,
  type StrategyOptionFlags,
  type StrategyOptionKey,
  type StrategyOptionSpec,
  type StrategyOptionValues,
  type StrategyRow,
  strategiesUsing,
  strategyNames,
  strategyOptionHelp,
  strategyOptionSpecs,
  strategyRegistry,
  strategyRow,
  strategyTitles,
  studyMinPopulation,
} from './options.js';
export { RandomSearch } from './random.js';
export { chunkBits, drawSlots, RegularizedEvolution } from './re.js';
export { SelectScratch, selectParent2, selectParentM } from './select.js';
export type { AllowedChoices, Strategy, StrategyConfig, StrategyOptions, TellHook } from './types.js';

/** How each registry row is built: a Record, so a strategy added to the registry without one fails to compile. */
const constructors: Record<StrategyName, (cfg: StrategyConfig & StrategyOptions) => Strategy> = {
  re: (cfg) => new RegularizedEvolution(cfg, cfg),
  random: (cfg) => new RandomSearch(cfg),
  nsga2: (cfg) => new Nsga2(cfg, cfg),
  ls: (cfg) => new ParetoLocalSearch(cfg, cfg),
};

export function createStrategy(name: string, cfg: StrategyConfig & StrategyOptions): Strategy {
  return constructors[strategyRow(name).name as StrategyName](cfg);
}

/** What adaptive pruning adds to a strategy's config: the rule and each decision's removed codes in removal order. */
export interface AdaptiveConfig {
  rule: AdaptiveRule;
  removed: readonly (readonly number[])[];
}

/**
 * A strategy that starts in `cfg.allowed` (the pruned space) and, with `adaptive`, gets removed blocks back
 * as the rule says (search/adaptive.ts). Without `adaptive` it is `createStrategy`.
 */
export function createPrunedStrategy(
  name: string,
  cfg: StrategyConfig & StrategyOptions,
  adaptive: AdaptiveConfig | undefined,
): Strategy {
  const inner = createStrategy(name, cfg);
  if (!adaptive) return inner;
  const allowed = cfg.allowed ?? cfg.radix.map((r) => Array.from({ length: r }, (_, c) => c));
  const schedule = new AdaptiveSchedule(adaptive.rule, allowed, adaptive.removed, cfg.objectives);
  return attachSchedule(inner, schedule);
}
