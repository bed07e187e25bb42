/**
 * `hwnas prune <space> --latency SRC --metric params/latency --ratio 0.7`: score every block of every
 * decision and keep the best (1 - ratio) of each decision's choices. `--report` lists the scored blocks;
 * `--accuracy SRC` adds the audit on the closed benchmark: front recall, the best IGD+ (and GD) reachable,
 * and, below 50 % recall, which removed blocks the true front uses.
 */
import type { Command } from 'commander';
import { fail } from '../errors.js';
import { toJson } from '../io/json.js';
import { parseIntOption } from '../io/numbers.js';
import { resolveSource } from '../objectives/all.js';
import { checkAccuracySource, checkLatencySource } from '../objectives/roles.js';
import {
  auditPruning,
  type PruneAudit,
  parseRatioOption,
  pruneJson,
  pruneMetricNames,
  pruneSpace,
  pruneText,
} from '../prune/index.js';
import { getSpace } from '../space/all.js';

interface PruneFlags {
  latency?: string;
  metric: string;
  ratio: string;
  seed?: string;
  report?: boolean;
  accuracy?: string;
  json?: boolean;
}

export async function runPrune(spaceName: string, f: PruneFlags): Promise<string> {
  const space = getSpace(spaceName);
  const ratio = parseRatioOption('--ratio', f.ratio);
  if (!pruneMetricNames().includes(f.metric))
    fail(`unknown pruning metric '${f.metric}'`, `use one of: ${pruneMetricNames().join(', ')}`);
  // Only the random metric draws; a seed given to another would be silently ignored.
  if (f.seed !== undefined && f.metric !== 'random')
    fail(
      `--seed only applies to the random metric, not '${f.metric}'`,
      `drop --seed (${f.metric} is deterministic) or use --metric random`,
    );
  const seed = f.seed === undefined ? 0 : parseIntOption('--seed', f.seed, 0, 2 ** 32 - 1);
  const quiet = f.json === true;
  const latency = f.latency ? await resolveSource(f.latency, { space, quiet, allowMissing: true }) : undefined;
  if (latency) checkLatencySource(latency);
  const result = pruneSpace({ space, latency, metric: f.metric, ratio, seed });
  let audit: PruneAudit | undefined;
  if (f.accuracy) {
    if (!latency) fail('--accuracy needs --latency: the audit compares fronts of accuracy and latency');
    const accuracy = await resolveSource(f.accuracy, { space, quiet, allowMissing: true });
    checkAccuracySource(accuracy);
    audit = auditPruning(space, result, accuracy, latency);
  }
  if (f.json) {
    return toJson({
      ...pruneJson(space, result, { latency: f.latency ?? null, seed }),
      ...(audit ? { audit: { accuracy: f.accuracy, ...auditFields(audit) } } : {}),
    });
  }
  return pruneText(space, result, f.latency, f.report === true, audit);
}

/** The audit's JSON fields as they were before the text gained the front-loss line. */
function auditFields(audit: PruneAudit): Omit<PruneAudit, 'frontLoss'> {
  const { frontLoss: _, ...fields } = audit;
  return fields;
}

export function register(program: Command): void {
  program
    .command('prune')
    .description('prune each decision of a space to its most efficient blocks before searching (the poster)')
    .argument('<space>', 'search space name or user-defined space file (.json)')
    .option('--latency <source>', 'latency source, e.g. model:cortex-m7, help:pixel3, table:m7.csv#ms')
    .option('--metric <metric>', `block metric: ${pruneMetricNames().join(', ')}`, 'params/latency')
    .requiredOption('--ratio <x>', "share of each decision's choices to remove, in [0, 1), e.g. 0.7")
    .option('--seed <n>', 'seed of the random metric, refused with other metrics (default: 0)')
    .option('--report', 'list every scored block, kept and removed')
    .option('--accuracy <source>', 'audit on the closed benchmark: front recall, best reachable IGD+ and GD')
    .option('--json', 'print the result as JSON')
    .action(async (spaceName: string, f: PruneFlags) => {
      process.stdout.write(await runPrune(spaceName, f));
    });
}
