/**
 * Search strategies (ask/tell) and the closed-benchmark driver. Objectives are minimised (negate
 * accuracies). See docs/search.md.
 */
import { ParetoLocalSearch } from './ls.js';
import { Nsga2 } from './nsga2.js';
import { type StrategyName, strategyRow } from './options.js';
import { RandomSearch } from './random.js';
import { RegularizedEvolution } from './re.js';
import type { Strategy, StrategyConfig, StrategyOptions } from './types.js';

export { AllowedSpace } from '../space/allowed.js';
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
export type { AllowedChoices, Strategy, StrategyConfig, StrategyOptions } from './types.js';

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
