/**
 * A pruning result for people and programs: the kept choices per decision, optionally every scored block,
 * and the audit on the closed benchmark (text), or all of it as plain JSON data.
 */
import type { SearchSpace } from '../space/types.js';
import type { PruneAudit } from './audit.js';
import { frontLossText, LOSS_NOTE_RECALL } from './front-loss.js';
import type { PruneResult } from './prune.js';

/** Non-finite numbers become strings in JSON (JSON has no Infinity). */
export function jsonNumber(v: number): number | string {
  return Number.isFinite(v) ? v : String(v);
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
    lines.push(
      'IGD+ of the pruned front is the floor any search in the pruned space can reach; its GD is not (GD is not Pareto-compliant)',
    );
    if (audit.recall < LOSS_NOTE_RECALL) lines.push(`why: the pruned space ${frontLossText(audit.frontLoss)}`);
  }
  return `${lines.join('\n')}\n`;
}
