/**
 * `hwnas search --space S --accuracy SRC --latency SRC --strategy re --evals 3000 --seed 0`: run a search
 * strategy on a closed benchmark (every architecture's objectives known), optionally in a pruned space,
 * and report the convergence (GD, mean GD, IGD+, HV) to the true front at the poster's checkpoints.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { fail } from '../errors.js';
import { resolveSource } from '../objectives/all.js';
import { countMask, coveredMask, feasibleMask, parseConstraints } from '../objectives/constraints.js';
import { checkAccuracySource, checkLatencySource } from '../objectives/roles.js';
import { paretoFrontIndices } from '../pareto/index.js';
import { parseRatioOption, pruneMetricNames, pruneSpace } from '../prune/index.js';
import { AllowedSpace } from '../search/allowed.js';
import {
  checkStrategyOptions,
  convergence,
  createStrategy,
  parseStrategyOptions,
  pickRows,
  posterCheckpoints,
  runClosed,
  trueFront,
} from '../search/index.js';
import { getSpace } from '../space/all.js';
import { radices } from '../space/types.js';
import { type FrontRow, frontCsv } from './front.js';
import { checkOutputFile, parseIntOption, toJson, writeFilesAtomic } from './output.js';
import { silenceProgress } from './progress.js';
import { objectiveTable } from './prune.js';
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

export async function runSearch(
  f: SearchFlags,
): Promise<{ json: Record<string, unknown> & { found: FrontRow[] }; text: string }> {
  checkStrategyOptions(f.strategy, f);
  const evals = parseIntOption('--evals', f.evals, 1, 100_000_000);
  const seed = parseIntOption('--seed', f.seed, 0, 2 ** 32 - 1);
  // The rules of the registry (search/options.ts), as for open-search and a study.
  const strategyOptions = parseStrategyOptions(f.strategy, f, { evals });
  const { population, sample } = strategyOptions.given;
  const ratio = f.prune === undefined ? undefined : parseRatioOption('--prune', f.prune);
  // Pruning options without --prune would be ignored: say so rather than run an unpruned search.
  if (ratio === undefined && (f.metric !== undefined || f.pruneSeed !== undefined))
    fail(
      `${f.metric !== undefined ? '--metric' : '--prune-seed'} needs --prune`,
      'add --prune <ratio>, e.g. --prune 0.7',
    );
  const metric = f.metric ?? 'params/latency';
  if (!pruneMetricNames().includes(metric))
    fail(`unknown pruning metric '${metric}'`, `use one of: ${pruneMetricNames().join(', ')}`);
  const pruneSeed = f.pruneSeed === undefined ? seed : parseIntOption('--prune-seed', f.pruneSeed, 0, 2 ** 32 - 1);
  const checkpoints =
    f.checkpoints !== undefined
      ? explicitCheckpoints(f.checkpoints, evals)
      : [...posterCheckpoints.filter((k) => k < evals), evals];
  const constraints = parseConstraints(f.constraint ?? []);

  const space = getSpace(f.space);
  const quiet = f.json === true || f.quiet === true;
  const accuracy = await resolveSource(f.accuracy, { space, quiet, allowMissing: true });
  const latency = await resolveSource(f.latency, { space, quiet, allowMissing: true });
  checkAccuracySource(accuracy);
  checkLatencySource(latency);
  const radix = radices(space);
  const objectives = objectiveTable(space, accuracy, latency);

  const pruned = ratio === undefined ? undefined : pruneSpace({ space, latency, metric, ratio, seed: pruneSeed });
  const allowed = pruned?.allowed;
  const searched = new AllowedSpace(radix, allowed);
  const indices = searched.indices();
  let missing = 0;
  for (const i of indices)
    if (!Number.isFinite(objectives[2 * i]!) || !Number.isFinite(objectives[2 * i + 1]!)) missing++;
  if (missing > 0 && f.allowMissing !== true) {
    fail(
      `${missing} of the ${indices.length} architectures searched have no finite accuracy or latency value`,
      'a closed-benchmark search needs both objectives for every architecture of the (pruned) space, or --allow-missing to search the covered ones',
    );
  }

  // Feasible = covered (both objectives finite) and within every constraint. Without constraints and with
  // complete data no mask is used at all: the run is the unconstrained one, byte for byte.
  const covered = coveredMask(space.size, [accuracy.values, latency.values]);
  const mask = constraints.length > 0 ? feasibleMask(space, constraints, { latency: latency.values }) : null;
  const feasible = covered;
  if (mask) for (let i = 0; i < feasible.length; i++) feasible[i]! &= mask.mask[i]!;
  let feasibleSearched = 0;
  for (const i of indices) feasibleSearched += feasible[i]!;
  const restricted = constraints.length > 0 || missing > 0;
  if (feasibleSearched === 0) {
    fail(
      `none of the ${indices.length} architectures searched is ${missing > 0 ? 'covered and ' : ''}within the constraints`,
      'relax --constraint, prune less, or cover more architectures',
    );
  }

  // With --unique every counted evaluation is a new architecture: a budget above their number cannot be
  // spent, and the checkpoints past what can be reached would silently vanish from the table.
  if (f.unique === true && evals > feasibleSearched)
    fail(
      `--unique --evals ${evals} is more than the ${feasibleSearched} architectures searched${pruned ? ` (pruned ${pruned.metric} ${pruned.ratio})` : ''}${restricted ? ' that are feasible' : ''}`,
      `lower --evals to at most ${feasibleSearched}, or drop --unique`,
    );

  const strategy = createStrategy(f.strategy, { radix, allowed, objectives: 2, seed, population, sample });
  const run = runClosed(strategy, objectives, 2, evals, {
    unique: f.unique === true,
    ...(restricted ? { feasible } : {}),
  });
  const rows = countMask(feasible);
  const front = constraints.length > 0 ? trueFront(objectives, 2, maskIndices(feasible)) : trueFront(objectives, 2);
  const conv = convergence(run.archs, objectives, 2, front, checkpoints);
  const distinct = [...new Set(run.archs)];
  const foundLocal = paretoFrontIndices(pickRows(objectives, 2, distinct), 2);
  const found = Array.from(foundLocal, (k) => {
    const i = distinct[k]!;
    return { index: i, arch: space.format(i), accuracy: accuracy.values[i]!, latency: latency.values[i]! };
  });
  const json = {
    space: space.id,
    accuracy: { source: accuracy.source, direction: accuracy.direction, unit: accuracy.unit },
    latency: { source: latency.source, direction: latency.direction, unit: latency.unit },
    objectives: [
      `${accuracy.direction === 'max' ? '-' : ''}accuracy`,
      `${latency.direction === 'max' ? '-' : ''}latency`,
    ],
    strategy: f.strategy,
    seed,
    evals,
    unique: f.unique === true,
    asks: run.asks,
    ...(restricted
      ? {
          constraints: constraints.map((c) => c.text),
          allowMissing: f.allowMissing === true,
          feasible: { space: rows, searched: feasibleSearched, infeasibleAsks: run.infeasible ?? 0 },
        }
      : {}),
    ...strategyOptions.effective,
    prune: pruned
      ? {
          metric: pruned.metric,
          ratio: pruned.ratio,
          seed: pruneSeed,
          size: pruned.size,
          ...(pruned.r2 !== undefined ? { r2: pruned.r2 } : {}),
          allowed: space.decisions.map((dec, d) => pruned.allowed[d]!.map((c) => dec.choices[c])),
        }
      : null,
    searchedSize: searched.size,
    trueFront: { size: front.length, rows },
    normalisation: 'ideal and nadir of the true front; HV reference 1.1 per objective',
    hvFront: conv.hvFront,
    checkpoints: conv.checkpoints,
    found,
    archs: Array.from(run.archs),
  };
  const cells = [
    ['evals', 'distinct', 'found', 'GD', 'mean GD', 'IGD+', 'HV/HV*'],
    ...conv.checkpoints.map((c) => [
      String(c.evals),
      String(c.distinct),
      String(c.found),
      c.gd.toFixed(4),
      c.gdMean.toFixed(4),
      c.igdPlus.toFixed(4),
      (c.hv / conv.hvFront).toFixed(4),
    ]),
  ];
  const w = cells[0]!.map((_, j) => Math.max(...cells.map((r) => r[j]!.length)));
  const table = cells.map((r) => r.map((c, j) => c.padStart(w[j]!)).join('  ')).join('\n');
  const head =
    `${f.strategy} on ${space.id} (${searched.size} of ${space.size} architectures${pruned ? `, pruned ${pruned.metric} ${pruned.ratio}` : ''}), ` +
    `seed ${seed}, ${run.archs.length} evaluations${f.unique ? ' (unique)' : ''}; true front: ${front.length} architectures`;
  const feas = restricted
    ? `feasible (covered${constraints.length > 0 ? ` and ${constraints.map((c) => c.text).join(' ')}` : ''}): ${rows} of ${space.size} architectures, ${feasibleSearched} of ${searched.size} searched; ${run.infeasible ?? 0} infeasible asks cost no evaluation; the true front is over the feasible ones\n`
    : '';
  // runClosed gives up after a long run of repeats (docs/search.md): say why the budget was not spent.
  const lost = checkpoints.filter((k) => k > run.archs.length);
  const stopped =
    run.archs.length < evals
      ? `stopped after ${run.archs.length} of ${evals} evaluations: the strategy kept asking for architectures it had evaluated${lost.length > 0 ? ` (checkpoint${lost.length === 1 ? '' : 's'} ${lost.join(', ')} left out)` : ''}\n`
      : '';
  return { json, text: `${head}\n${feas}${table}\n${stopped}` };
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
 * --out and --found are checked before the search runs. An empty name would silently write nothing, and
 * one file named twice would end up holding only the found front, the run JSON overwritten.
 */
function checkOutputFiles(f: SearchFlags): void {
  for (const [flag, path] of [
    ['--out', f.out],
    ['--found', f.found],
  ] as const) {
    if (path === '') fail(`${flag} is empty`, `give a file name, or drop ${flag}`);
    if (path !== undefined) checkOutputFile(flag, path);
  }
  if (f.out !== undefined && f.found !== undefined && resolve(f.out) === resolve(f.found))
    fail(
      `--out and --found name the same file (${f.found})`,
      'give two files: --out run.json (the whole run) and --found found.csv (the found front)',
    );
}

function maskIndices(mask: Uint8Array): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < mask.length; i++) if (mask[i] === 1) out.push(i);
  return Int32Array.from(out);
}
