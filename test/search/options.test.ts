/**
 * The strategy registry (src/search/options.ts): every row accepts the options it reads and refuses the
 * others with the message the search commands have always given; the rules of bounds, sample and budget
 * are the same for search, open-search and a study, and the study's flags keep their messages.
 */
import { describe, expect, it } from 'vitest';
import {
  checkStrategyOptions,
  createStrategy,
  DEFAULT_POPULATION,
  DEFAULT_SAMPLE,
  parseStrategyOptions,
  strategyNames,
  strategyOptionHelp,
  strategyRegistry,
  strategyTitles,
  studyMinPopulation,
} from '../../src/search/index.js';
import { buildConfig, defaultConfig } from '../../src/study/config.js';
import { errorOf } from '../helpers/errors.js';

/** The refusals as `hwnas search --strategy X --sample 5` printed them before the registry. */
const refusal = {
  sample: (s: string) => ({
    message: `--sample is not used by --strategy ${s}`,
    hint: 'it is the tournament size of re: drop it, or use --strategy re',
  }),
  population: (s: string) => ({
    message: `--population is not used by --strategy ${s}`,
    hint: 'it sizes the population of re and nsga2: drop it, or use one of those',
  }),
};

describe('strategy registry', () => {
  it('one row per strategy, in the order of strategyNames, each with a title and a constructor', () => {
    expect(strategyRegistry.map((r) => r.name)).toEqual(['re', 'random', 'nsga2', 'ls']);
    expect([...strategyNames]).toEqual(['re', 'random', 'nsga2', 'ls']);
    for (const name of strategyNames) {
      expect(strategyTitles[name].length).toBeGreaterThan(0);
      expect(
        createStrategy(name, { radix: [3, 3], objectives: 2, seed: 0, population: 4, sample: 2 }).ask(),
      ).toBeLessThan(9);
    }
  });

  it('which strategy reads which option', () => {
    const reads = Object.fromEntries(strategyRegistry.map((r) => [r.name, [...r.options]]));
    expect(reads).toEqual({ re: ['population', 'sample'], random: [], nsga2: ['population'], ls: [] });
  });

  it.each(strategyRegistry.map((r) => [r.name, r] as const))(
    '%s: the options it reads are accepted, the others refused with the existing message',
    (name, row) => {
      for (const key of ['population', 'sample'] as const) {
        const flags = { [key]: '30' };
        if ((row.options as readonly string[]).includes(key)) {
          // a sample of 30 needs a population of at least 30 (the default population is 100)
          const parsed = parseStrategyOptions(name, flags);
          expect(parsed.given[key]).toBe(30);
          expect(parsed.effective[key]).toBe(30);
        } else {
          const e = errorOf(() => checkStrategyOptions(name, flags));
          expect(e.message).toBe(refusal[key](name).message);
          expect((e as { hint?: string }).hint).toBe(refusal[key](name).hint);
        }
      }
    },
  );

  it('--sample is refused before --population, as before', () => {
    expect(errorOf(() => checkStrategyOptions('random', { population: '5', sample: '5' })).message).toBe(
      '--sample is not used by --strategy random',
    );
  });

  it('an unknown strategy: one line naming the known ones', () => {
    const e = errorOf(() => parseStrategyOptions('sa', {}));
    expect(e.message).toBe("unknown strategy 'sa'");
    expect((e as { hint?: string }).hint).toBe('use one of: re, random, nsga2, ls');
    expect(errorOf(() => createStrategy('sa', { radix: [2], objectives: 2, seed: 0 })).message).toBe(
      "unknown strategy 'sa'",
    );
  });

  it('defaults fill in only the options a strategy reads; what was given stays apart', () => {
    expect(parseStrategyOptions('re', {})).toMatchObject({
      given: {},
      effective: { population: DEFAULT_POPULATION, sample: DEFAULT_SAMPLE },
    });
    expect(parseStrategyOptions('nsga2', { population: '30' })).toMatchObject({
      given: { population: 30 },
      effective: { population: 30 },
    });
    expect(parseStrategyOptions('random', {}).effective).toEqual({});
    expect(parseStrategyOptions('ls', {}).effective).toEqual({});
  });

  it('bounds, the smallest population, the sample within the population, the budget', () => {
    expect(errorOf(() => parseStrategyOptions('re', { population: '0' })).message).toBe(
      "--population must be an integer in [1, 10000000], got '0'",
    );
    expect(errorOf(() => parseStrategyOptions('re', { sample: 'x' })).message).toBe(
      "--sample must be an integer in [1, 10000000], got 'x'",
    );
    expect(parseStrategyOptions('re', { population: '1', sample: '1' }).effective).toEqual({
      population: 1,
      sample: 1,
    });
    expect(errorOf(() => parseStrategyOptions('nsga2', { population: '1' })).message).toBe(
      '--population must be at least 2 for nsga2',
    );
    expect(errorOf(() => parseStrategyOptions('re', { population: '10', sample: '11' })).message).toBe(
      '--sample (11) must be between 1 and the population (10)',
    );
    // the default sample (25) against a smaller population
    expect(errorOf(() => parseStrategyOptions('re', { population: '10' })).message).toBe(
      '--sample (25) must be between 1 and the population (10)',
    );
    expect(errorOf(() => parseStrategyOptions('re', {}, { evals: 50 })).message).toBe(
      '--evals 50 is smaller than the population (100)',
    );
    expect(errorOf(() => parseStrategyOptions('nsga2', { population: '60' }, { evals: 59 })).message).toBe(
      '--evals 59 is smaller than the population (60)',
    );
    // strategies without a population have no budget floor
    expect(parseStrategyOptions('random', {}, { evals: 1 }).effective).toEqual({});
  });

  it('help texts name the strategies that read the option and its default', () => {
    expect(strategyOptionHelp('population')).toBe('population size, read by re and nsga2 (default: 100)');
    expect(strategyOptionHelp('sample')).toMatch(/, read by re \(default: 25\)$/);
  });
});

describe('the study config takes its strategy rules from the registry', () => {
  it('defaults are the registry values', () => {
    const c = defaultConfig();
    expect([c.population, c.sample, c.strategies]).toEqual([DEFAULT_POPULATION, DEFAULT_SAMPLE, ['re']]);
    expect(buildConfig({}).strategies).toEqual(['re']);
  });

  it("the population floor is the strictest row's, whatever the study's strategies", () => {
    expect(studyMinPopulation).toBe(2);
    expect(errorOf(() => buildConfig({ population: '1', sample: '1' })).message).toBe(
      "--population must be an integer in [2, 10000000], got '1'",
    );
  });

  it('the sample and budget rules of the search commands', () => {
    expect(errorOf(() => buildConfig({ population: '10', sample: '11', evals: '100' })).message).toBe(
      '--sample (11) must be between 1 and the population (10)',
    );
    expect(errorOf(() => buildConfig({ evals: '50' })).message).toBe('--evals 50 is smaller than the population (100)');
  });

  it('an option none of the listed strategies reads is refused; the defaults are not', () => {
    const e = errorOf(() => buildConfig({ strategies: 'random,ls', population: '50' }));
    expect(e.message).toBe('--population is not used by --strategies random,ls');
    expect((e as { hint?: string }).hint).toBe(
      'it sizes the population of re and nsga2: drop it, or add re or nsga2 to --strategies',
    );
    expect(errorOf(() => buildConfig({ strategies: 'nsga2', sample: '5' })).message).toBe(
      '--sample is not used by --strategies nsga2',
    );
    expect(buildConfig({ strategies: 'random,ls' })).toMatchObject({ population: 100, sample: 25 });
    expect(buildConfig({ strategies: 'nsga2,re', sample: '5' }).sample).toBe(5);
  });
});
