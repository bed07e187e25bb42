/**
 * The strategies and their tuning options, declared once: one registry row per strategy says which
 * options it reads, and one declaration per option gives its flag, default, bounds and help. `hwnas
 * search`, `hwnas open-search` and the study config (`hwnas reproduce`) take their flags, help texts and
 * checks from here, so a strategy or option is added in one place. Loads no search code (the study config
 * and the CLI's help read it cheaply).
 */

import { fail } from '../errors.js';
import { parseIntOption } from '../io/numbers.js';

/** Default population of the population-based strategies (RE: aging population P; NSGA-II: N). */
export const DEFAULT_POPULATION = 100;
/** Default RE tournament sample size S. */
export const DEFAULT_SAMPLE = 25;
/** The poster's checkpoints (evaluations): the default of `hwnas search` and of a study. */
export const posterCheckpoints: readonly number[] = [10, 100, 250, 500, 1000, 2000, 3000];

export type StrategyOptionKey = 'population' | 'sample';

export interface StrategyOptionSpec {
  key: StrategyOptionKey;
  /** The command-line flag (and, without dashes, the study config key). */
  flag: `--${string}`;
  default: number;
  min: number;
  max: number;
  /** What it is, for --help. */
  help: string;
  /** What it does, for the hint of a refusal ("it <role> of re: drop it, ..."). */
  role: string;
}

export const strategyOptionSpecs: Record<StrategyOptionKey, StrategyOptionSpec> = {
  population: {
    key: 'population',
    flag: '--population',
    default: DEFAULT_POPULATION,
    min: 1,
    max: 10_000_000,
    help: 'population size',
    role: 'sizes the population',
  },
  sample: {
    key: 'sample',
    flag: '--sample',
    default: DEFAULT_SAMPLE,
    min: 1,
    max: 10_000_000,
    help: 'tournament sample size, drawn with replacement from the population',
    role: 'is the tournament size',
  },
};

export interface StrategyRow {
  name: string;
  title: string;
  /** The options it reads; any other is refused where it would be silently ignored. */
  options: readonly StrategyOptionKey[];
  /** Smallest population it runs with (strategies that read `population`). */
  minPopulation?: number;
}

/** One row per strategy, in the order help texts list them. */
export const strategyRegistry = [
  {
    name: 're',
    title: 'multi-objective regularized (aging) evolution, Real et al. 2019 (the poster)',
    options: ['population', 'sample'],
    minPopulation: 1,
  },
  { name: 'random', title: 'random search', options: [] },
  { name: 'nsga2', title: 'NSGA-II, Deb et al. 2002', options: ['population'], minPopulation: 2 },
  { name: 'ls', title: 'Pareto local search', options: [] },
] as const satisfies readonly StrategyRow[];

export type StrategyName = (typeof strategyRegistry)[number]['name'];

export const strategyNames: readonly StrategyName[] = strategyRegistry.map((r) => r.name);

export const strategyTitles = Object.fromEntries(strategyRegistry.map((r) => [r.name, r.title])) as Record<
  StrategyName,
  string
>;

/** The strategy a single-strategy command runs without --strategy. */
export const DEFAULT_STRATEGY: StrategyName = 're';

/** The registry row of `name`, or one line naming the known strategies. */
export function strategyRow(name: string): StrategyRow {
  const row = (strategyRegistry as readonly StrategyRow[]).find((r) => r.name === name);
  if (!row) return fail(`unknown strategy '${name}'`, `use one of: ${strategyNames.join(', ')}`);
  return row;
}

/** The strategies that read option `key`. */
export function strategiesUsing(key: StrategyOptionKey): StrategyName[] {
  return strategyRegistry.filter((r) => (r.options as readonly string[]).includes(key)).map((r) => r.name);
}

/**
 * Help text of an option: what it is, which strategies read it, its default, in the `(default: ...)`
 * style of every command's help.
 */
export function strategyOptionHelp(key: StrategyOptionKey): string {
  const o = strategyOptionSpecs[key];
  return `${o.help}, read by ${strategiesUsing(key).join(' and ')} (default: ${o.default})`;
}

/** Options as a command line hands them over (strings, absent when not given). */
export type StrategyOptionFlags = Partial<Record<StrategyOptionKey, string>>;

/** Values of the options given (absent when not given: histories and run records keep them so). */
export type StrategyOptionValues = Partial<Record<StrategyOptionKey, number>>;

/**
 * Refuse an unknown strategy, and an option the strategy does not read (random and ls read neither,
 * nsga2 no tournament sample), as `hwnas prune --seed` is refused with a deterministic metric.
 */
export function checkStrategyOptions(strategy: string, flags: StrategyOptionFlags): StrategyRow {
  const row = strategyRow(strategy);
  for (const key of refusalOrder) {
    if (flags[key] !== undefined && !row.options.includes(key)) refuseUnused(key, `--strategy ${strategy}`);
  }
  return row;
}

/**
 * The study's form: an option given (flag or config file) that none of the study's strategies reads is
 * refused as well; the defaults stay in the config (and its hash) whatever the strategies.
 */
export function checkStudyStrategyOptions(strategies: readonly string[], given: StrategyOptionValues): void {
  const rows = strategies.map(strategyRow);
  for (const key of refusalOrder) {
    if (given[key] !== undefined && !rows.some((r) => r.options.includes(key)))
      refuseUnused(key, `--strategies ${strategies.join(',')}`);
  }
}

/** --sample before --population: the order the search commands have always refused them in. */
const refusalOrder = ['sample', 'population'] as const;

function refuseUnused(key: StrategyOptionKey, by: string): never {
  const users = strategiesUsing(key);
  const o = strategyOptionSpecs[key];
  const instead = by.startsWith('--strategies')
    ? `add ${users.join(' or ')} to --strategies`
    : `use ${users.length === 1 ? `--strategy ${users[0]}` : 'one of those'}`;
  return fail(`${o.flag} is not used by ${by}`, `it ${o.role} of ${users.join(' and ')}: drop it, or ${instead}`);
}

/** The tournament sample is drawn from the population: shared by the study and the search commands. */
export function checkSample(sample: number, population: number): void {
  if (sample < 1 || sample > population)
    fail(
      `--sample (${sample}) must be between 1 and the population (${population})`,
      `the tournament is drawn from the population: lower --sample (default ${DEFAULT_SAMPLE}) or raise --population`,
    );
}

/** The population must fit in the budget: its random initial members alone use that many evaluations. */
export function checkBudget(evals: number, population: number): void {
  if (evals < population)
    fail(
      `--evals ${evals} is smaller than the population (${population})`,
      'the random initial population alone uses that many evaluations: raise --evals or lower --population',
    );
}

export interface ParsedStrategyOptions {
  row: StrategyRow;
  /** The options given (absent when not given). */
  given: StrategyOptionValues;
  /** The options the strategy reads, defaults filled in. */
  effective: StrategyOptionValues;
}

/**
 * Check and parse one strategy's options from a command line: unknown strategy, options it does not
 * read, bounds, its smallest population, the tournament sample within the population and, with `evals`,
 * the population within the budget.
 */
export function parseStrategyOptions(
  strategy: string,
  flags: StrategyOptionFlags,
  opts: { evals?: number } = {},
): ParsedStrategyOptions {
  const row = checkStrategyOptions(strategy, flags);
  const given: StrategyOptionValues = {};
  for (const key of ['population', 'sample'] as const) {
    const o = strategyOptionSpecs[key];
    const text = flags[key];
    if (text !== undefined) given[key] = parseIntOption(o.flag, text, o.min, o.max);
  }
  const effective: StrategyOptionValues = {};
  for (const key of row.options) effective[key] = given[key] ?? strategyOptionSpecs[key].default;
  const p = effective.population;
  if (p !== undefined) {
    if (opts.evals !== undefined) checkBudget(opts.evals, p);
    if (row.minPopulation !== undefined && p < row.minPopulation)
      fail(`--population must be at least ${row.minPopulation} for ${row.name}`);
  }
  if (effective.sample !== undefined) checkSample(effective.sample, p ?? DEFAULT_POPULATION);
  return { row, given, effective };
}

/**
 * A study's population is one setting for whichever strategies it lists, so it meets the strictest row
 * (NSGA-II's 2), whatever the strategies of this study.
 */
export const studyMinPopulation = Math.max(
  ...(strategyRegistry as readonly StrategyRow[]).map((r) => r.minPopulation ?? 1),
);
