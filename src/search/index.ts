/**
 * Search strategies (ask/tell) and the closed-benchmark driver. Objectives are minimised (negate
 * accuracies). See docs/search.md.
 */
import { fail } from '../errors.js';
import { ParetoLocalSearch } from './ls.js';
import { Nsga2 } from './nsga2.js';
import { RandomSearch } from './random.js';
import { RegularizedEvolution } from './re.js';
import type { Strategy, StrategyConfig, StrategyOptions } from './types.js';

export { AllowedSpace } from './allowed.js';
export { type ClosedRun, type RunClosedOptions, runClosed } from './closed.js';
export { ParetoLocalSearch } from './ls.js';
export { Nsga2 } from './nsga2.js';
export { RandomSearch } from './random.js';
export { chunkBits, drawSlots, RegularizedEvolution } from './re.js';
export { SelectScratch, selectParent2, selectParentM } from './select.js';
export { posterCheckpoints } from './trace.js';
export type { AllowedChoices, Strategy, StrategyConfig, StrategyOptions } from './types.js';

export type StrategyName = 're' | 'random' | 'nsga2' | 'ls';

export const strategyNames: readonly StrategyName[] = ['re', 'random', 'nsga2', 'ls'];

export const strategyTitles: Record<StrategyName, string> = {
  re: 'multi-objective regularized (aging) evolution, Real et al. 2019 (the poster)',
  random: 'random search',
  nsga2: 'NSGA-II, Deb et al. 2002',
  ls: 'Pareto local search',
};

export function createStrategy(name: string, cfg: StrategyConfig & StrategyOptions): Strategy {
  switch (name) {
    case 're':
      return new RegularizedEvolution(cfg, cfg);
    case 'random':
      return new RandomSearch(cfg);
    case 'nsga2':
      return new Nsga2(cfg, cfg);
    case 'ls':
      return new ParetoLocalSearch(cfg, cfg);
    default:
      return fail(`unknown strategy '${name}'`, `use one of: ${strategyNames.join(', ')}`);
  }
}
