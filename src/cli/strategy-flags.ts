/**
 * The strategy flags of `hwnas search` and `hwnas open-search`, made from the registry
 * (search/options.ts): names, defaults and help come from there, so both commands list the same.
 */
import { Option } from 'commander';
import { DEFAULT_STRATEGY, type StrategyOptionKey, strategyNames, strategyOptionHelp } from '../search/index.js';

/** `--strategy <name>`, default re. */
export function strategyFlag(): Option {
  return new Option('--strategy <name>', `search strategy: ${strategyNames.join(', ')}`).default(DEFAULT_STRATEGY);
}

/**
 * `--population <n>`, `--sample <n>`: no commander default, so a value absent stays absent (the
 * registry refuses an option the strategy does not read, and run records keep only what was given).
 */
export function strategyOptionFlag(key: StrategyOptionKey): Option {
  return new Option(`--${key} <n>`, strategyOptionHelp(key));
}
