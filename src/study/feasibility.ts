/**
 * The feasibility table of a study with constraints or `--allow-missing`: per device how many
 * architectures are covered (finite accuracy and latency) and feasible (covered and within every
 * constraint), and per pruning setting how many feasible ones the pruned space keeps. Written next to the
 * report's tables (`tables/feasibility.{csv,md}`) and printed by `hwnas reproduce`, so a reader sees on
 * which subset the fronts, GD values and audit were computed.
 */
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { writeFileAtomic } from '../io/atomic.js';
import { studyPaths } from './layout.js';
import type { Feasibility } from './prepare.js';

/** Whether the study restricts anything (else no table is written, so such folders stay as before). */
export function restricts(f: Feasibility): boolean {
  return f.constraints.length > 0 || f.allowMissing;
}

function range(min: number, max: number): string {
  return min === max ? String(min) : `${min}-${max}`;
}

function rows(f: Feasibility): string[][] {
  const out: string[][] = [];
  for (const d of f.devices) {
    for (const p of d.pruned) {
      out.push([
        d.source,
        String(f.size),
        String(d.covered),
        String(d.feasible),
        p.pruning,
        String(p.size),
        range(p.feasibleMin, p.feasibleMax),
      ]);
    }
  }
  return out;
}

const HEADER = ['device', 'architectures', 'covered', 'feasible', 'pruning', 'pruned size', 'feasible in pruned'];

/** One line naming the restrictions, e.g. `constraints: params<=1000000 fits:cortex-m7; --allow-missing`. */
export function feasibilityTitle(f: Feasibility): string {
  const parts = [
    f.constraints.length > 0 ? `constraints: ${f.constraints.join(' ')}` : 'no constraints',
    f.allowMissing ? '--allow-missing (sources may cover part of the space)' : '',
  ].filter((s) => s !== '');
  return parts.join('; ');
}

/** Terminal lines: per device the covered and feasible counts. */
export function feasibilityText(f: Feasibility): string {
  const lines = [`Feasibility (${feasibilityTitle(f)}):`];
  for (const c of f.perConstraint) lines.push(`  ${c.constraint}: ${c.feasible} of ${f.size} architectures`);
  for (const d of f.devices) {
    const pct = ((100 * d.feasible) / f.size).toFixed(1);
    const pruned = d.pruned
      .filter((p) => p.pruning !== 'none')
      .map((p) => `${p.pruning} ${range(p.feasibleMin, p.feasibleMax)} of ${p.size}`)
      .join(', ');
    lines.push(
      `  ${d.source}: ${d.covered} of ${f.size} covered, ${d.feasible} feasible (${pct} %); the true front, GD and audit use these${pruned ? `; pruned: ${pruned}` : ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export function feasibilityMarkdown(f: Feasibility): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const lines = [
    `Feasibility: ${esc(feasibilityTitle(f))}`,
    '',
    `| ${HEADER.join(' | ')} |`,
    `| ${HEADER.map(() => '---').join(' | ')} |`,
    ...rows(f).map((r) => `| ${r.map(esc).join(' | ')} |`),
  ];
  return `${lines.join('\n')}\n`;
}

export function feasibilityCsv(f: Feasibility): string {
  return stringify(rows(f), { header: true, columns: HEADER });
}

export function writeFeasibility(folder: string, f: Feasibility): string[] {
  const dir = studyPaths(folder).tables;
  const csv = join(dir, 'feasibility.csv');
  const md = join(dir, 'feasibility.md');
  writeFileAtomic(csv, feasibilityCsv(f));
  writeFileAtomic(md, feasibilityMarkdown(f));
  return [csv, md];
}
