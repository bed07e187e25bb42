/**
 * `hwnas prune <space> --latency SRC --metric params/latency --ratio 0.7`: score every block of every
 * decision and keep the best (1 - ratio) of each decision's choices. `--report` lists the scored blocks;
 * `--accuracy SRC` adds the audit on the closed benchmark: front recall and the best GD reachable.
 */
import type { Command } from 'commander';
import { fail } from '../errors.js';
import { resolveSource } from '../objectives/all.js';
import { checkAccuracySource, checkLatencySource } from '../objectives/roles.js';
import type { ObjectiveColumn } from '../objectives/types.js';
import { frontRecall, type PruneResult, parseRatioOption, pruneMetricNames, pruneSpace } from '../prune/index.js';
import { trueFront } from '../search/index.js';
import { getSpace } from '../space/all.js';
import { radices, type SearchSpace } from '../space/types.js';
import { parseIntOption, toJson } from './output.js';

/** Minimised objective table (n x 2): objective 0 = accuracy-like column (negated when maximised), 1 = latency. */
export function objectiveTable(space: SearchSpace, accuracy: ObjectiveColumn, latency: ObjectiveColumn): Float64Array {
  const n = space.size;
  const points = new Float64Array(2 * n);
  for (const [k, col] of [accuracy, latency].entries()) {
    if (col.values.length !== n) {
      fail(`source '${col.source}' has ${col.values.length} values but space '${space.id}' has ${n} architectures`);
    }
    const sign = col.direction === 'max' ? -1 : 1;
    for (let i = 0; i < n; i++) points[2 * i + k] = sign * col.values[i]!;
  }
  return points;
}

/** Non-finite numbers become strings in JSON (JSON has no Infinity). */
export function jsonNumber(v: number): number | string {
  return Number.isFinite(v) ? v : String(v);
}

interface PruneFlags {
  latency?: string;
  metric: string;
  ratio: string;
  seed?: string;
  report?: boolean;
  accuracy?: string;
  json?: boolean;
}

export interface PruneAudit {
  recall: number;
  bestGd: number;
  bestIgdPlus: number;
  frontSize: number;
  prunedFrontSize: number;
  /** Architectures with a value for both objectives (the front is exact over these). */
  rows: number;
}

export function auditPrune(
  space: SearchSpace,
  result: PruneResult,
  accuracy: ObjectiveColumn,
  latency: ObjectiveColumn,
): PruneAudit {
  const objectives = objectiveTable(space, accuracy, latency);
  const front = trueFront(objectives, 2);
  let rows = 0;
  for (let i = 0; i < space.size; i++)
    if (Number.isFinite(objectives[2 * i]!) && Number.isFinite(objectives[2 * i + 1]!)) rows++;
  const r = frontRecall({ allowed: result.allowed, radix: radices(space), objectives, m: 2, front });
  return {
    recall: r.recall,
    bestGd: r.bestGd,
    bestIgdPlus: r.bestIgdPlus,
    frontSize: front.length,
    prunedFrontSize: r.prunedFront.length,
    rows,
  };
}

export function pruneJson(space: SearchSpace, r: PruneResult, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    space: space.id,
    ...extra,
    metric: r.metric,
    ratio: r.ratio,
    size: r.size,
    fullSize: space.size,
    ...(r.r2 !== undefined ? { r2: r.r2 } : {}),
    decisions: space.decisions.map((dec, d) => ({
      name: dec.name,
      kept: r.allowed[d]!.map((c) => dec.choices[c]),
      removed: r.removed[d]!.map((c) => dec.choices[c]),
      blocks: dec.choices.map((choice, c) => ({
        choice,
        code: c,
        score: jsonNumber(r.scores[d]![c]!),
        ...(r.tiers ? { tier: r.tiers[d]![c] } : {}),
        ...(r.blockParams ? { params: r.blockParams[d]![c] } : {}),
        ...(r.blockLatency ? { latency: r.blockLatency[d]![c] } : {}),
        kept: r.allowed[d]!.includes(c),
      })),
    })),
  };
}

function fmt(v: number | undefined): string {
  if (v === undefined) return '-';
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  return Math.abs(v) >= 1e5 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : String(Number(v.toPrecision(6)));
}

function pad(cells: string[][]): string {
  const w = cells[0]!.map((_, j) => Math.max(...cells.map((r) => r[j]!.length)));
  return cells
    .map((r) =>
      r
        .map((c, j) => c.padEnd(w[j]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function pruneText(
  space: SearchSpace,
  r: PruneResult,
  latencySpec: string | undefined,
  report: boolean,
  audit?: PruneAudit,
): string {
  const lines: string[] = [];
  lines.push(
    `pruned ${space.id} with ${r.metric} at ratio ${r.ratio}${latencySpec ? ` (latency: ${latencySpec})` : ''}`,
  );
  lines.push(
    pad([
      ['decision', 'kept', 'kept choices'],
      ...space.decisions.map((dec, d) => [
        dec.name,
        `${r.allowed[d]!.length}/${dec.choices.length}`,
        r.allowed[d]!.map((c) => dec.choices[c]).join(', '),
      ]),
    ]),
  );
  if (report) {
    for (const [d, dec] of space.decisions.entries()) {
      lines.push('', `${dec.name}: blocks by score (best first)`);
      const kept = r.allowed[d]!;
      // removal order reversed is best-first for the removed; kept ones sorted the same way
      const keptSorted = [...kept].sort(
        (a, b) => (r.tiers ? r.tiers[d]![b]! - r.tiers[d]![a]! : 0) || r.scores[d]![b]! - r.scores[d]![a]! || b - a,
      );
      const rows = [...keptSorted, ...[...r.removed[d]!].reverse()];
      lines.push(
        pad([
          ['choice', 'score', ...(r.tiers ? ['tier'] : []), 'params', 'latency', 'status'],
          ...rows.map((c) => [
            dec.choices[c]!,
            fmt(r.scores[d]![c]!),
            ...(r.tiers ? [String(r.tiers[d]![c])] : []),
            fmt(r.blockParams?.[d]?.[c]),
            fmt(r.blockLatency?.[d]?.[c]),
            kept.includes(c) ? 'kept' : 'removed',
          ]),
        ]),
      );
    }
    lines.push('');
  }
  const share = (100 * r.size) / space.size;
  lines.push(`pruned space: ${r.size} of ${space.size} architectures (${share.toPrecision(3)} %)`);
  if (r.r2 !== undefined) {
    lines.push(
      `block latencies fitted additively from the per-architecture table: R^2 = ${r.r2.toFixed(4)}${r.r2 < 0.9 ? ' (low: block latencies do not add up on this device; the metric is unreliable)' : ''}`,
    );
  }
  if (audit) {
    lines.push(
      `front recall: ${(audit.recall * 100).toFixed(1)} % of the ${audit.frontSize} true-front architectures survive; best reachable in the pruned space: GD ${fmt(audit.bestGd)}, IGD+ ${fmt(audit.bestIgdPlus)}` +
        (audit.rows < space.size ? ` (front over the ${audit.rows} architectures with both values)` : ''),
    );
  }
  return `${lines.join('\n')}\n`;
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
    audit = auditPrune(space, result, accuracy, latency);
  }
  if (f.json) {
    return toJson({
      ...pruneJson(space, result, { latency: f.latency ?? null, seed }),
      ...(audit ? { audit: { accuracy: f.accuracy, ...audit } } : {}),
    });
  }
  return pruneText(space, result, f.latency, f.report === true, audit);
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
    .option('--accuracy <source>', 'audit on the closed benchmark: front recall and best reachable GD')
    .option('--json', 'print the result as JSON')
    .action(async (spaceName: string, f: PruneFlags) => {
      process.stdout.write(await runPrune(spaceName, f));
    });
}
