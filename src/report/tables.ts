/**
 * The report's tables as plain rows, and their renderings: aligned text for the terminal, Markdown, CSV
 * (full precision, one column per statistic) and HTML. Number formats are fixed so outputs are stable.
 */
import { stringify } from 'csv-stringify/sync';
import type { Interval } from './stats.js';
import { INDICATORS, type Indicator, type StudySummary } from './summary.js';

export interface Table {
  id: string;
  title: string;
  /** Display header and cells (terminal, Markdown, HTML). */
  header: string[];
  rows: string[][];
  /** Machine-readable header and cells (CSV). */
  csvHeader: string[];
  csvRows: (string | number)[][];
  notes: string[];
}

/** Six significant digits: enough for any indicator, stable across platforms. */
export function num(v: number): string {
  if (Number.isNaN(v)) return '';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  return String(Number(v.toPrecision(6)));
}

function fixed(v: number, digits: number): string {
  return Number.isFinite(v) ? v.toFixed(digits) : '-';
}

function cell(iv: Interval, digits = 3): string {
  if (iv.n === 0) return '-';
  return Number.isFinite(iv.half) ? `${fixed(iv.mean, digits)} ± ${fixed(iv.half, digits)}` : fixed(iv.mean, digits);
}

function pct(v: number): string {
  return `${(v * 100).toFixed(1)}%`;
}

function size(v: number, varies: boolean): string {
  return varies ? `~${Math.round(v)}` : String(Math.round(v));
}

export function indicatorTable(s: StudySummary, id: Indicator): Table {
  const ind = INDICATORS.find((i) => i.id === id)!;
  const multi = s.strategies.length > 1;
  const lead = ['Device', 'Pruning', ...(multi ? ['Strategy'] : []), 'Space', 'Recall'];
  const rows = s.tables[id].map((r) => [
    r.device,
    r.pruningLabel,
    ...(multi ? [r.strategy] : []),
    size(r.size, r.sizeVaries),
    pct(r.recall),
    ...r.cells.map((c) => cell(c)),
  ]);
  const csvRows = s.tables[id].map((r) => [
    r.device,
    r.pruning,
    r.strategy,
    r.runs,
    num(r.size),
    num(r.recall),
    ...r.cells.flatMap((c) => [num(c.mean), num(c.half), c.n]),
  ]);
  return {
    id: ind.file,
    title: `${ind.title}, mean ± 95% interval over seeds, by evaluations`,
    header: [...lead, ...s.checkpoints.map(String)],
    rows,
    csvHeader: [
      'device',
      'pruning',
      'strategy',
      'runs',
      'space_size',
      'front_recall',
      ...s.checkpoints.flatMap((c) => [`mean_${c}`, `ci95_${c}`, `n_${c}`]),
    ],
    csvRows,
    notes: [
      `${ind.better === 'lower' ? 'Lower' : 'Higher'} is better. Space = architectures left after pruning (~ = mean over seeds); Recall = share of the true front left in it.`,
    ],
  };
}

export function timeToQualityTable(s: StudySummary): Table {
  const multi = s.strategies.length > 1;
  return {
    id: 'time-to-quality',
    title: `Time to quality: evaluations to reach the unpruned search's IGD+ at ${s.qualityEvals} evaluations`,
    header: ['Device', 'Pruning', ...(multi ? ['Strategy'] : []), 'Target IGD+', 'Evaluations', 'Reached'],
    rows: s.timeToQuality.map((r) => [
      r.device,
      r.pruningLabel,
      ...(multi ? [r.strategy] : []),
      fixed(r.target, 4),
      r.reached === 0 ? `> budget` : cell(r.evals, 0),
      `${r.reached}/${r.runs}`,
    ]),
    csvHeader: ['device', 'pruning', 'strategy', 'target_igd_plus', 'evals_mean', 'evals_ci95', 'reached', 'runs'],
    csvRows: s.timeToQuality.map((r) => [
      r.device,
      r.pruning,
      r.strategy,
      num(r.target),
      num(r.evals.mean),
      num(r.evals.half),
      r.reached,
      r.runs,
    ]),
    notes: [
      'Mean ± 95% interval over the runs that reached the target within the budget. Target: the mean IGD+ of the unpruned runs at that count; IGD+, not GD, because GD is not Pareto-compliant (one point near an end of the true front has GD ~0).',
      ...(s.timeToQualityNote ? [s.timeToQualityNote] : []),
    ],
  };
}

export function auditTable(s: StudySummary): Table {
  return {
    id: 'pruning-audit',
    title: 'Pruning audit: what each pruned space can reach',
    header: ['Device', 'Pruning', 'Space', 'Front recall', 'Best IGD+', 'Best GD', 'Additivity R²'],
    rows: s.audit.map((r) => [
      r.device,
      r.pruningLabel,
      size(r.size, r.sizeVaries),
      pct(r.recall),
      fixed(r.bestIgdPlus, 4),
      fixed(r.bestGd, 4),
      r.r2 === null ? '-' : fixed(r.r2, 4),
    ]),
    csvHeader: ['device', 'pruning', 'space_size', 'front_recall', 'best_igd_plus', 'best_gd', 'r2'],
    csvRows: s.audit.map((r) => [
      r.device,
      r.pruning,
      num(r.size),
      num(r.recall),
      num(r.bestIgdPlus),
      num(r.bestGd),
      r.r2 === null ? '' : num(r.r2),
    ]),
    notes: [
      "Front recall: share of the true front's architectures left in the pruned space.",
      "Best IGD+: IGD+ of the pruned space's own best front to the true front: the floor any search confined to it can reach (IGD+ never gets worse as a found set improves, so no subset of the pruned space does better).",
      'Best GD: GD of that same front. Not a floor: GD is not Pareto-compliant, so a search that finds a few points close to the true front (one near an end has GD ~0) can score below it.',
      'R²: fit of the additive block-latency model where the latency source has no per-block values.',
      ...(s.audit.some((r) => r.pruning.startsWith('adaptive:'))
        ? [
            'Adaptive rows describe the space the search starts in: it restores removed blocks as it goes, so their Best IGD+ is not a floor.',
          ]
        : []),
      ...s.auditNotes,
    ],
  };
}

/**
 * The line every table of an unfinished study carries (an interrupted `reproduce`, then `hwnas report`):
 * its means are over the finished runs only. Null when every run finished.
 */
export function partialNote(s: StudySummary): string | null {
  if (s.finishedRuns >= s.totalRuns) return null;
  return `partial: ${s.finishedRuns} of ${s.totalRuns} runs finished; values are over the finished runs only (rerun \`hwnas reproduce\` on the folder to finish the study)`;
}

export function allTables(s: StudySummary): Table[] {
  const tables = [...INDICATORS.map((i) => indicatorTable(s, i.id)), timeToQualityTable(s), auditTable(s)];
  const partial = partialNote(s);
  return partial === null ? tables : tables.map((t) => ({ ...t, notes: [partial, ...t.notes] }));
}

function widths(t: Table): number[] {
  return t.header.map((h, i) => Math.max(h.length, ...t.rows.map((r) => (r[i] ?? '').length)));
}

/** Aligned text for the terminal: device names are printed once per block, like the poster. */
export function renderText(t: Table): string {
  const w = widths(t);
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i < 2 ? c.padEnd(w[i]!) : c.padStart(w[i]!)))
      .join('  ')
      .trimEnd();
  const out = [t.title, line(t.header), w.map((x) => '-'.repeat(x)).join('  ')];
  let last = '';
  for (const r of t.rows) {
    const shown = [...r];
    if (r[0] === last) shown[0] = '';
    last = r[0]!;
    out.push(line(shown));
  }
  for (const n of t.notes) out.push(n);
  return `${out.join('\n')}\n`;
}

function mdEscape(s: string): string {
  return s.replace(/\|/g, '\\|');
}

export function renderMarkdown(t: Table): string {
  const out = [
    `## ${t.title}`,
    '',
    `| ${t.header.map(mdEscape).join(' | ')} |`,
    `|${t.header.map((_, i) => (i < 2 ? ' --- ' : ' ---: ')).join('|')}|`,
  ];
  for (const r of t.rows) out.push(`| ${r.map(mdEscape).join(' | ')} |`);
  out.push('');
  for (const n of t.notes) out.push(`${n}`, '');
  return `${out.join('\n').trimEnd()}\n`;
}

export function renderCsv(t: Table): string {
  return stringify([t.csvHeader, ...t.csvRows.map((r) => r.map(String))]);
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function renderHtml(t: Table): string {
  const head = t.header.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = t.rows
    .map((r) => `<tr>${r.map((c, i) => `<td${i < 2 ? '' : ' class="n"'}>${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('\n');
  const notes = t.notes.map((n) => `<p class="note">${escapeHtml(n)}</p>`).join('\n');
  return `<section class="table" id="table-${t.id}">\n<h3>${escapeHtml(t.title)}</h3>\n<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>\n${notes}\n</section>`;
}
