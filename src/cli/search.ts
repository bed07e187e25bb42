/**
 * `hwnas search --space S --accuracy SRC --latency SRC --strategy re --evals 3000 --seed 0`: run a search
 * strategy on a closed benchmark (every architecture's objectives known), optionally in a pruned space,
 * and report the convergence (GD, mean GD, IGD+, HV) to the true front at the poster's checkpoints.
 */
import type { Command } from 'commander';
import { frontCsv } from '../data/index.js';
import { fail } from '../errors.js';
import { writeFilesAtomic } from '../io/atomic.js';
import { checkOutputFile } from '../io/folders.js';
import { toJson } from '../io/json.js';
import { parseIntOption } from '../io/numbers.js';
import { silenceProgress } from '../io/progress.js';
import {
  checkAdaptiveRatio,
  DEFAULT_ADAPTIVE_RULE,
  parseAdaptiveRule,
  parseRatioOption,
  pruneMetricNames,
} from '../prune/index.js';
import { searchClosed, searchRunJson, searchRunText } from '../search/closed-search.js';
import { checkStrategyOptions, parseStrategyOptions, posterCheckpoints } from '../search/index.js';
import { strategyFlag, strategyOptionFlag } from './strategy-flags.js';

interface SearchFlags {
  space: string;
  accuracy: string;
  latency: string;
  strategy: string;
  evals: string;
  seed: string;
  population?: string;
  sample?: string;
  prune?: string;
  metric?: string;
  pruneSeed?: string;
  adaptive?: string | boolean;
  unique?: boolean;
  checkpoints?: string;
  out?: string;
  found?: string;
  json?: boolean;
  quiet?: boolean;
  constraint?: string[];
  allowMissing?: boolean;
}

/** Sorted, without repeats, and inside the budget (a checkpoint past it would print an empty table). */
function explicitCheckpoints(text: string, evals: number): number[] {
  if (text.trim() === '') fail('--checkpoints is empty', 'give evaluation counts, e.g. --checkpoints 10,100,1000');
  const list = text.split(',').map((s) => parseIntOption('--checkpoints', s, 1, 100_000_000));
  const sorted = [...new Set(list)].sort((a, b) => a - b);
  const over = sorted.find((k) => k > evals);
  if (over !== undefined)
    fail(`checkpoint ${over} is beyond the budget of ${evals} evaluations`, 'raise --evals or drop that checkpoint');
  return sorted;
}

export async function runSearch(f: SearchFlags): Promise<{ json: ReturnType<typeof searchRunJson>; text: string }> {
  checkStrategyOptions(f.strategy, f);
  const evals = parseIntOption('--evals', f.evals, 1, 100_000_000);
  const seed = parseIntOption('--seed', f.seed, 0, 2 ** 32 - 1);
  // The rules of the registry (search/options.ts), as for open-search and a study.
  const strategyOptions = parseStrategyOptions(f.strategy, f, { evals });
  const { population, sample } = strategyOptions.given;
  const ratio = f.prune === undefined ? undefined : parseRatioOption('--prune', f.prune);
  // Pruning options without --prune would be ignored: say so rather than run an unpruned search.
  if (ratio === undefined && (f.metric !== undefined || f.pruneSeed !== undefined || f.adaptive !== undefined))
    fail(
      `${f.metric !== undefined ? '--metric' : f.pruneSeed !== undefined ? '--prune-seed' : '--adaptive'} needs --prune`,
      'add --prune <ratio>, e.g. --prune 0.7',
    );
  const adaptive =
    f.adaptive === undefined
      ? undefined
      : parseAdaptiveRule(typeof f.adaptive === 'string' ? f.adaptive : DEFAULT_ADAPTIVE_RULE);
  if (adaptive && ratio !== undefined) checkAdaptiveRatio(ratio);
  const metric = f.metric ?? 'params/latency';
  if (!pruneMetricNames().includes(metric))
    fail(`unknown pruning metric '${metric}'`, `use one of: ${pruneMetricNames().join(', ')}`);
  const pruneSeed = f.pruneSeed === undefined ? seed : parseIntOption('--prune-seed', f.pruneSeed, 0, 2 ** 32 - 1);
  const checkpoints =
    f.checkpoints !== undefined
      ? explicitCheckpoints(f.checkpoints, evals)
      : [...posterCheckpoints.filter((k) => k < evals), evals];
  const s = await searchClosed({
    space: f.space,
    accuracy: f.accuracy,
    latency: f.latency,
    constraints: f.constraint ?? [],
    allowMissing: f.allowMissing === true,
    quiet: f.json === true || f.quiet === true,
    strategy: f.strategy,
    evals,
    seed,
    population,
    sample,
    ...(ratio === undefined ? {} : { prune: { ratio, metric, seed: pruneSeed, ...(adaptive ? { adaptive } : {}) } }),
    unique: f.unique === true,
    checkpoints,
  });
  const json = searchRunJson(s, strategyOptions.effective);
  return { json, text: searchRunText(s) };
}

export function register(program: Command): void {
  program
    .command('search')
    .description('search a closed benchmark (optionally pruned) and report convergence to the true front')
    .requiredOption('--space <space>', 'search space name or user-defined space file (.json)')
    .requiredOption('--accuracy <source>', 'accuracy source, e.g. nb201:cifar100 or table:acc.csv#top1')
    .requiredOption('--latency <source>', 'latency source, e.g. help:pixel3, model:cortex-m7 or table:m7.csv#ms')
    .addOption(strategyFlag())
    .option('--evals <n>', 'evaluation budget (every evaluated architecture counts)', '3000')
    .option('--seed <n>', 'random seed', '0')
    .addOption(strategyOptionFlag('population'))
    .addOption(strategyOptionFlag('sample'))
    .option('--prune <ratio>', "prune the space first: share of each decision's blocks to remove, in [0, 1)")
    .option(
      '--metric <metric>',
      `pruning metric with --prune: ${pruneMetricNames().join(', ')} (default: params/latency)`,
    )
    .option('--prune-seed <n>', 'seed of the random pruning metric (default: --seed)')
    .option(
      '--adaptive [rule]',
      `with --prune: start in the pruned space and restore removed blocks by the rule, e.g. stall=5, after=25, every=25,step=1, soft=0.25 (default: ${DEFAULT_ADAPTIVE_RULE}; docs/pruning.md)`,
    )
    .option('--unique', 'count only architectures not evaluated before towards the budget')
    .option(
      '--checkpoints <list>',
      "evaluation counts to report, e.g. 10,100,1000 (default: the poster's up to --evals)",
    )
    .option(
      '--constraint <expr>',
      'hard constraint, repeatable: params<=N, macs<=N, flops<=N, weights<=BYTES[@int8|@fp32], peak<=BYTES[@...], latency<=MS, fits:<device> (docs/constraints.md)',
      (v: string, prev: string[] | undefined) => [...(prev ?? []), v],
    )
    .option('--allow-missing', 'search only the architectures both sources cover (others cost no evaluation)')
    .option('--out <run.json>', 'write the run (config, checkpoints, found front, evaluated architectures) as JSON')
    .option(
      '--found <F.csv>',
      'write the found front as CSV (index, arch, accuracy, latency, as hwnas front): input for hwnas metrics --points',
    )
    .option('--json', 'print the run as JSON')
    .option('--quiet', 'no progress bars on stderr (downloads, indexes built once)')
    .action(async (f: SearchFlags) => {
      checkOutputFiles(f);
      if (f.quiet || f.json) silenceProgress();
      const r = await runSearch(f);
      const text = toJson(r.json);
      // Both or neither: a --found that cannot be written leaves no run.json behind either.
      writeFilesAtomic([
        ...(f.out ? [[f.out, text] as const] : []),
        ...(f.found ? [[f.found, frontCsv(r.json.found)] as const] : []),
      ]);
      const wrote = [f.out ? `run written to ${f.out}\n` : '', f.found ? `found front written to ${f.found}\n` : ''];
      process.stdout.write(f.json ? text : `${r.text}${wrote.join('')}`);
    });
}

/**
 * --out and --found are checked before the search runs: an empty name would silently write nothing (one
 * file named twice, or an input named as an output, is refused for every command: src/io/same-file.ts).
 */
function checkOutputFiles(f: SearchFlags): void {
  for (const [flag, path] of [
    ['--out', f.out],
    ['--found', f.found],
  ] as const) {
    if (path === '') fail(`${flag} is empty`, `give a file name, or drop ${flag}`);
    if (path !== undefined) checkOutputFile(flag, path);
  }
}
