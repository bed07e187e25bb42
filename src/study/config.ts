/**
 * A study: one closed benchmark (space + accuracy source), target devices (latency sources), pruning
 * settings, strategies, seeds, a budget and checkpoints. Defaults are the poster's study on NAS-Bench-201.
 * The config is validated here (one-line errors) and hashed so a results folder can tell whether a rerun
 * continues the same study.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fail } from '../errors.js';
import { jsonText } from '../io/json-text.js';
import { parseIntOption } from '../io/numbers.js';
import { parseConstraints } from '../problem/index.js';
import { DEFAULT_ADAPTIVE_SETTING, formatAdaptiveRule, type PruningSpec, parsePruningSpec } from '../prune/index.js';
import {
  checkBudget,
  checkSample,
  checkStudyStrategyOptions,
  DEFAULT_POPULATION,
  DEFAULT_SAMPLE,
  DEFAULT_STRATEGY,
  posterCheckpoints,
  strategyNames as registeredStrategies,
  SOFT_STRATEGIES,
  strategyOptionSpecs,
  studyMinPopulation,
} from '../search/index.js';

export interface StudyConfig {
  /** Registered space name (`nb201`, `blox`) or a user space `.json`. */
  space: string;
  /** BLOX release folder to import (only with space `blox`). */
  bloxData?: string;
  /** Accuracy source spec (maximised), e.g. `nb201:cifar100`, `blox:test_top1`. */
  accuracy: string;
  /** Latency source specs (minimised), one per target device. */
  devices: string[];
  /** Canonical pruning settings: `none`, `<metric>@<ratio>` or `adaptive:<metric>@<ratio>:<rule>`. */
  pruning: string[];
  strategies: string[];
  seeds: number[];
  /** Evaluation budget per run (every evaluated child counts). */
  evals: number;
  /** Evaluation counts at which indicators are recorded (ascending, all <= evals). */
  checkpoints: number[];
  /** Evaluation counts at which the found front is stored for plots (poster: 200 pruned vs 2000 unpruned). */
  frontsAt: number[];
  population: number;
  sample: number;
  /**
   * Hard constraints (canonical `--constraint` texts, docs/constraints.md): only feasible architectures
   * are searched, counted, on the true front and in the audit. Absent = none.
   */
  constraints?: string[];
  /** Let sources that miss architectures through: the study runs on the covered subset. */
  allowMissing?: boolean;
}

/** A pruning setting of a study: none, fixed or adaptive (prune/adaptive.ts). */
export type PruningSetting = PruningSpec;

export const DEFAULT_CHECKPOINTS: readonly number[] = posterCheckpoints;

/** The poster's pruning settings: the default study's rows. */
export const POSTER_PRUNING: readonly string[] = [
  'none',
  'params/latency@0.5',
  'params/latency@0.7',
  'params/latency@0.9',
  'random@0.7',
];

export function defaultConfig(): StudyConfig {
  return {
    space: 'nb201',
    accuracy: 'nb201:cifar100',
    devices: ['model:cortex-m7', 'model:cortex-a76', 'model:adreno-640'],
    pruning: [...POSTER_PRUNING, DEFAULT_ADAPTIVE_SETTING],
    strategies: [DEFAULT_STRATEGY],
    seeds: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    evals: 3000,
    checkpoints: [...DEFAULT_CHECKPOINTS],
    frontsAt: [200, 2000],
    population: DEFAULT_POPULATION,
    sample: DEFAULT_SAMPLE,
  };
}

/** `none`, `metric@0.7`, `metric@70%` or `adaptive:metric@0.7[:rule]` -> canonical setting. */
export function parsePruning(text: string): PruningSetting {
  return parsePruningSpec(text);
}

/**
 * `--pruning` items: comma-separated, where a `key=value` item continues the adaptive rule before it, so
 * `none,adaptive:latency@0.7:every=200,step=1` is two settings.
 */
export function parsePruningList(text: string): string[] {
  const out: string[] = [];
  for (const item of parseList(text)) {
    if (/^[a-z]+=/.test(item) && out.length > 0 && out[out.length - 1]!.startsWith('adaptive:'))
      out[out.length - 1] += `,${item}`;
    else out.push(item);
  }
  return out;
}

/** Short label for tables: `0%`, `params/latency 70%`, `random 70%`. */
export function pruningLabel(spec: string): string {
  const p = parsePruning(spec);
  if (p.metric === null) return '0%';
  if (p.adaptive)
    return `adaptive ${p.metric} ${Number((p.ratio * 100).toFixed(4))}% ${formatAdaptiveRule(p.adaptive)}`;
  return `${p.metric} ${Number((p.ratio * 100).toFixed(4))}%`;
}

/** `10` -> seeds 0..9; `3-7` -> 3..7; `1,5,9` -> those. */
export function parseSeeds(text: string): number[] {
  const t = text.trim();
  const bad = (): never =>
    fail(`bad --seeds '${text}'`, 'use a count (10 = seeds 0..9), a range (3-7) or a list (1,5,9)');
  if (/^\d+$/.test(t)) {
    const n = Number(t);
    if (n < 1 || n > 100_000) bad();
    return Array.from({ length: n }, (_, i) => i);
  }
  const range = /^(\d+)-(\d+)$/.exec(t);
  if (range) {
    const a = Number(range[1]);
    const b = Number(range[2]);
    if (b < a || b - a >= 100_000) bad();
    return Array.from({ length: b - a + 1 }, (_, i) => a + i);
  }
  if (/^\d+(,\d+)+$/.test(t)) return t.split(',').map(Number);
  return bad();
}

function parseList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function parseIntList(name: string, text: string): number[] {
  const items = parseList(text);
  const out = items.map((s) => (/^\d+$/.test(s) ? Number(s) : Number.NaN));
  if (out.length === 0 || out.some((v) => !Number.isSafeInteger(v) || v < 1)) {
    fail(`bad ${name} '${text}'`, 'use a comma-separated list of positive integers, e.g. 10,100,1000');
  }
  return out;
}

/** Options as commander hands them over (all strings), plus the config file. */
export interface StudyOptions {
  config?: string;
  space?: string;
  bloxData?: string;
  accuracy?: string;
  devices?: string;
  pruning?: string;
  strategies?: string;
  seeds?: string;
  evals?: string;
  checkpoints?: string;
  population?: string;
  sample?: string;
  /** Repeatable `--constraint` (commander collects them). */
  constraint?: string[];
  allowMissing?: boolean;
}

const FILE_KEYS = new Set<keyof StudyConfig>([
  'space',
  'bloxData',
  'accuracy',
  'devices',
  'pruning',
  'strategies',
  'seeds',
  'evals',
  'checkpoints',
  'frontsAt',
  'population',
  'sample',
  'constraints',
  'allowMissing',
]);

/** Read a `study.json`: any subset of StudyConfig's keys; unknown keys or wrong types are errors. */
/** A valid value of each numeric config-file key, for error hints. */
const CONFIG_EXAMPLES: Record<string, string> = {
  seeds: '[0, 1, 2]',
  checkpoints: '[10, 100, 1000]',
  frontsAt: '[10, 100, 1000]',
  evals: '3000',
  population: String(DEFAULT_POPULATION),
  sample: String(DEFAULT_SAMPLE),
};

export function readConfigFile(path: string): Partial<StudyConfig> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    fail(
      `cannot read study config '${path}': ${why}`,
      'pass a JSON file with keys like space, devices, pruning, seeds, evals',
    );
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    fail(`study config '${path}' must be a JSON object`);
  const obj = raw as Record<string, unknown>;
  for (const k of Object.keys(obj)) {
    if (!FILE_KEYS.has(k as keyof StudyConfig)) {
      fail(`unknown key '${k}' in study config '${path}'`, `known keys: ${[...FILE_KEYS].join(', ')}`);
    }
  }
  const str = (k: string): string | undefined => {
    const v = obj[k];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v === '') fail(`'${k}' in study config '${path}' must be a non-empty string`);
    return v;
  };
  const strs = (k: string): string[] | undefined => {
    const v = obj[k];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'string'))
      fail(`'${k}' in study config '${path}' must be a list of strings`);
    return v as string[];
  };
  const ints = (k: string): number[] | undefined => {
    const v = obj[k];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.some((s) => !Number.isSafeInteger(s) || (s as number) < 0)) {
      fail(
        `'${k}' in study config '${path}' must be a list of non-negative integers, got ${jsonText(v)}`,
        `e.g. "${k}": ${CONFIG_EXAMPLES[k]}`,
      );
    }
    return v as number[];
  };
  const int = (k: string): number | undefined => {
    const v = obj[k];
    if (v === undefined) return undefined;
    if (!Number.isSafeInteger(v) || (v as number) < 1)
      fail(
        `'${k}' in study config '${path}' must be a positive integer, got ${jsonText(v)}`,
        `write a whole number >= 1 without quotes, e.g. "${k}": ${CONFIG_EXAMPLES[k]}`,
      );
    return v as number;
  };
  const out: Partial<StudyConfig> = {};
  const assign = <K extends keyof StudyConfig>(k: K, v: StudyConfig[K] | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  assign('space', str('space'));
  assign('bloxData', str('bloxData'));
  assign('accuracy', str('accuracy'));
  assign('devices', strs('devices'));
  assign('pruning', strs('pruning'));
  assign('strategies', strs('strategies'));
  assign('seeds', ints('seeds'));
  assign('evals', int('evals'));
  assign('checkpoints', ints('checkpoints'));
  assign('frontsAt', ints('frontsAt'));
  assign('population', int('population'));
  assign('sample', int('sample'));
  assign('constraints', strs('constraints'));
  const allowMissing = obj.allowMissing;
  if (allowMissing !== undefined && typeof allowMissing !== 'boolean')
    fail(`'allowMissing' in study config '${path}' must be true or false`);
  assign('allowMissing', allowMissing);
  return out;
}

/**
 * Defaults <- config file <- command-line flags, then validated. The strategies and their options come
 * from the registry (search/options.ts, which loads no search code); `strategyNames` narrows the ones
 * allowed.
 */
export function buildConfig(opts: StudyOptions, strategyNames: readonly string[] = registeredStrategies): StudyConfig {
  const base = defaultConfig();
  const fromFile = opts.config ? readConfigFile(opts.config) : {};
  const c: StudyConfig = { ...base, ...fromFile };
  const explicitCheckpoints = fromFile.checkpoints !== undefined || opts.checkpoints !== undefined;
  if (opts.space !== undefined) c.space = opts.space;
  if (opts.bloxData !== undefined) c.bloxData = opts.bloxData;
  // BLOX's accuracy lives in the imported release; the NB201 default does not apply to it.
  if (c.space === 'blox' && fromFile.accuracy === undefined && opts.accuracy === undefined)
    c.accuracy = 'blox:test_top1';
  if (opts.accuracy !== undefined) c.accuracy = opts.accuracy;
  if (opts.devices !== undefined) c.devices = parseList(opts.devices);
  if (opts.pruning !== undefined) c.pruning = parsePruningList(opts.pruning);
  if (opts.strategies !== undefined) c.strategies = parseList(opts.strategies);
  if (opts.seeds !== undefined) c.seeds = parseSeeds(opts.seeds);
  // The bounds of `hwnas search`; the population of a study needs two members (validateConfig).
  if (opts.evals !== undefined) c.evals = parseIntOption('--evals', opts.evals, 1, 100_000_000);
  if (opts.checkpoints !== undefined) c.checkpoints = parseIntList('--checkpoints', opts.checkpoints);
  const { population, sample } = strategyOptionSpecs;
  if (opts.population !== undefined)
    c.population = parseIntOption(population.flag, opts.population, studyMinPopulation, population.max);
  if (opts.sample !== undefined) c.sample = parseIntOption(sample.flag, opts.sample, sample.min, sample.max);
  if (opts.constraint !== undefined && opts.constraint.length > 0) c.constraints = [...opts.constraint];
  if (opts.allowMissing) c.allowMissing = true;
  const out = validateConfig(c, strategyNames, explicitCheckpoints);
  // Only what was given explicitly: the defaults stay in every config (and its hash).
  checkStudyStrategyOptions(out.strategies, {
    ...(opts.population !== undefined || fromFile.population !== undefined ? { population: out.population } : {}),
    ...(opts.sample !== undefined || fromFile.sample !== undefined ? { sample: out.sample } : {}),
  });
  return out;
}

/** Check and canonicalise a config (pruning specs, sorted unique checkpoints). */
export function validateConfig(
  c: StudyConfig,
  strategyNames: readonly string[],
  explicitCheckpoints = true,
): StudyConfig {
  if (c.space === 'blox' && !c.bloxData && c.accuracy.startsWith('blox:')) {
    fail('the BLOX study needs the BLOX release', 'pass --blox-data DIR (the folder of the BLOX release files)');
  }
  if (c.bloxData && c.space !== 'blox') fail('--blox-data only applies to --space blox');
  if (c.devices.length === 0)
    fail('no devices given', 'pass --devices with at least one latency source, e.g. model:cortex-m7');
  if (c.pruning.length === 0) fail('no pruning settings given', 'pass --pruning, e.g. none,params/latency@0.7');
  if (c.strategies.length === 0)
    fail('no strategies given', `pass --strategies with some of: ${strategyNames.join(', ')}`);
  if (c.seeds.length === 0) fail('no seeds given');
  for (const s of c.strategies) {
    if (!strategyNames.includes(s)) fail(`unknown strategy '${s}'`, `use one of: ${strategyNames.join(', ')}`);
  }
  for (const d of c.devices) {
    if (!d.includes(':') && d !== 'ort')
      fail(
        `bad latency source '${d}'`,
        'a source looks like prefix:rest, e.g. model:cortex-m7, help:pixel3, table:m7.csv#ms',
      );
  }
  if (!c.accuracy.includes(':'))
    fail(`bad accuracy source '${c.accuracy}'`, 'a source looks like prefix:rest, e.g. nb201:cifar100');
  const settings = c.pruning.map((p) => parsePruning(p));
  const pruning = settings.map((p) => p.spec);
  const soft = settings.find((p) => p.adaptive?.soft);
  const notMutating = c.strategies.filter((s) => !SOFT_STRATEGIES.includes(s));
  if (soft && notMutating.length > 0)
    fail(
      `soft pruning (${soft.spec}) acts through mutation, which ${notMutating.join(' and ')} does not use`,
      `drop ${notMutating.join(', ')} from --strategies, or use a restore rule (after, every, stall)`,
    );
  dupCheck('--devices', c.devices);
  dupCheck('--pruning', pruning);
  dupCheck('--strategies', c.strategies);
  dupCheck('--seeds', c.seeds.map(String));
  if (c.population < studyMinPopulation) fail(`--population must be at least ${studyMinPopulation}`);
  checkSample(c.sample, c.population);
  checkBudget(c.evals, c.population);
  let checkpoints = [...new Set(c.checkpoints)].sort((a, b) => a - b);
  if (explicitCheckpoints) {
    const over = checkpoints.filter((x) => x > c.evals);
    if (over.length > 0)
      fail(
        `checkpoint ${over[0]} is beyond the budget of ${c.evals} evaluations`,
        'raise --evals or drop that checkpoint',
      );
  } else {
    // Default checkpoints follow a smaller budget: keep those inside it and end at the budget.
    checkpoints = checkpoints.filter((x) => x < c.evals);
    checkpoints.push(c.evals);
  }
  if (checkpoints.length === 0 || checkpoints[0]! < 1) fail('checkpoints must be positive evaluation counts');
  const frontsAt = [...new Set(c.frontsAt.map((x) => Math.min(x, c.evals)))].sort((a, b) => a - b);
  const out: StudyConfig = {
    space: c.space,
    accuracy: c.accuracy,
    devices: [...c.devices],
    pruning,
    strategies: [...c.strategies],
    seeds: [...c.seeds],
    evals: c.evals,
    checkpoints,
    frontsAt,
    population: c.population,
    sample: c.sample,
  };
  if (c.bloxData) out.bloxData = c.bloxData;
  const constraints = parseConstraints(c.constraints ?? []).map((x) => x.text);
  if (constraints.length > 0) out.constraints = constraints;
  if (c.allowMissing) out.allowMissing = true;
  return out;
}

function dupCheck(name: string, items: string[]): void {
  const seen = new Set<string>();
  for (const s of items) {
    if (seen.has(s)) fail(`${name} lists '${s}' twice`);
    seen.add(s);
  }
}

/** Canonical JSON (fixed key order) of what determines the results. */
export function canonicalConfig(c: StudyConfig): string {
  const ordered = {
    space: c.space,
    bloxData: c.bloxData ?? null,
    accuracy: c.accuracy,
    devices: c.devices,
    pruning: c.pruning,
    strategies: c.strategies,
    seeds: c.seeds,
    evals: c.evals,
    checkpoints: c.checkpoints,
    frontsAt: c.frontsAt,
    population: c.population,
    sample: c.sample,
    // only when set, so studies without them keep their hash (and resume)
    ...(c.constraints && c.constraints.length > 0 ? { constraints: c.constraints } : {}),
    ...(c.allowMissing ? { allowMissing: true } : {}),
  };
  return JSON.stringify(ordered);
}

/** Hash of the config alone (exports name the study by it). */
export function configHash(c: StudyConfig): string {
  return createHash('sha256').update(canonicalConfig(c)).digest('hex').slice(0, 16);
}

/** Canonical JSON of the user files a study reads: `[[file, sha256], ...]` in config order. */
export function canonicalInputs(inputs: readonly { file: string; sha256: string | null }[]): string {
  return JSON.stringify(inputs.map((i) => [i.file, i.sha256]));
}

/**
 * The hash a study folder is resumed by: the config and the contents of the files it names (paths as the
 * config writes them, contents by sha256; src/study/inputs.ts). A study that names no file hashes as its
 * config alone, as folders written before file contents counted did, so those still resume.
 */
export function studyHash(c: StudyConfig, inputs: readonly { file: string; sha256: string | null }[]): string {
  if (inputs.length === 0) return configHash(c);
  return createHash('sha256')
    .update(`${canonicalConfig(c)}\n${canonicalInputs(inputs)}`)
    .digest('hex')
    .slice(0, 16);
}
