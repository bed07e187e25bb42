/**
 * The tables and the self-contained HTML page of an open-problem search: settings, a summary
 * (evaluations, failures, final HV and front size), the found front with every notation of its
 * architectures, the convergence trace, the failures (reasons grouped, then each one) and the plots.
 * Rendered with the study report's table, figure and style helpers; no scripts, no external requests.
 */
import { fromMinimised, type ObjectiveSpec } from '../objectives/direction.js';
import { figuresHtml, type RenderedPlot, STYLE, settingsList } from './html.js';
import type { OpenReportData } from './open.js';
import { escapeHtml, num, renderHtml, type Table } from './tables.js';

/** Failed evaluations listed one by one in the HTML (all of them are in history.jsonl). */
export const FAILURES_LISTED = 200;

function objectiveHeader(s: ObjectiveSpec): string {
  return `${s.name} (${s.direction})`;
}

function median(xs: number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}

function share(k: number, n: number): string {
  return n > 0 ? ` (${((100 * k) / n).toFixed(1)}%)` : '';
}

export function summaryTable(d: OpenReportData): Table {
  const last = d.trace[d.trace.length - 1];
  const told = d.tells.length;
  const failed = d.failedEvals.length;
  const rows: [string, string, string | number][] = [
    ['Evaluations told', `${told} of ${d.search.evals}`, told],
    ['Successful evaluations', String(d.ok), d.ok],
    ['Failed evaluations', `${failed}${share(failed, told)}`, failed],
    ['Distinct architectures evaluated', String(d.evaluated.length), d.evaluated.length],
    ['Repeated evaluations of an architecture', String(d.ok - d.evaluated.length), d.ok - d.evaluated.length],
    ['Final front size', String(last?.front ?? 0), last?.front ?? 0],
    ['Final hypervolume', num(last?.hv ?? 0), num(last?.hv ?? 0)],
    ['Wall time (s)', d.search.wallSeconds.toFixed(3), num(d.search.wallSeconds)],
    ['Median evaluation time (ms)', num(median(d.tells.map((t) => t.ms))), num(median(d.tells.map((t) => t.ms)))],
    ['Resumed from the history', String(d.search.replayed), d.search.replayed],
  ];
  return {
    id: 'open-summary',
    title: 'Summary',
    header: ['Quantity', 'Value'],
    rows: rows.map(([k, v]) => [k, v]),
    csvHeader: ['quantity', 'value'],
    csvRows: rows.map(([k, , v]) => [k, v]),
    notes: [
      'Failed evaluations count towards the budget and are never told to the strategy. The front and its hypervolume are over the distinct architectures evaluated successfully (first result of each).',
    ],
  };
}

/** Notation names of the front's architectures, in the order the space gives them. */
function notationKeys(d: OpenReportData): string[] {
  const keys: string[] = [];
  for (const f of d.front) for (const k of Object.keys(f.notations)) if (!keys.includes(k)) keys.push(k);
  return keys.length > 0 ? keys : ['index'];
}

export function frontTable(d: OpenReportData): Table {
  const keys = notationKeys(d);
  const rows = d.front.map((f) => [
    ...keys.map((k) => (f.notations[k] === undefined ? '' : String(f.notations[k]))),
    String(f.n),
    ...d.specs.map((s) => num(f.objectives[s.name]!)),
  ]);
  return {
    id: 'open-front',
    title: `Found Pareto front: ${d.front.length} architectures`,
    header: [...keys, 'Evaluation', ...d.specs.map(objectiveHeader)],
    rows,
    csvHeader: [...keys, 'evaluation', ...d.specs.map((s) => s.name)],
    csvRows: d.front.map((f) => [
      ...keys.map((k) => f.notations[k] ?? ''),
      f.n,
      ...d.specs.map((s) => f.objectives[s.name]!),
    ]),
    notes: [
      `${d.spaceNote ? `${d.spaceNote[0]!.toUpperCase()}${d.spaceNote.slice(1)}.` : `Every notation of each architecture in space ${d.search.space}.`} Evaluation = number of its first successful evaluation (0-based, in ask order). Sorted like front.csv.`,
    ],
  };
}

export function traceTable(d: OpenReportData): Table {
  return {
    id: 'open-trace',
    title: 'Convergence: hypervolume and front size over evaluations and wall time',
    header: ['Evaluations', 'Wall time (s)', 'Successful', 'Front size', 'Hypervolume'],
    rows: d.trace.map((c) => [String(c.evals), c.seconds.toFixed(3), String(c.ok), String(c.front), num(c.hv)]),
    csvHeader: ['evals', 'seconds', 'ok', 'front', 'hv'],
    csvRows: d.trace.map((c) => [c.evals, c.seconds.toFixed(3), c.ok, c.front, num(c.hv)]),
    notes: ['The rows of trace.csv: at 1, 2, 5, 10, 20, 50, ... evaluations and at the end.'],
  };
}

export function failureGroupsTable(d: OpenReportData): Table {
  return {
    id: 'open-failure-reasons',
    title: `Failed evaluations by reason: ${d.failedEvals.length}`,
    header: ['Reason', 'Evaluations', 'First evaluation'],
    rows: d.failureGroups.map((g) => [g.reason, String(g.count), String(g.first)]),
    csvHeader: ['reason', 'count', 'first'],
    csvRows: d.failureGroups.map((g) => [g.reason, g.count, g.first]),
    notes: ['Reasons that differ only in the architecture they name are grouped, the architecture shown as <arch>.'],
  };
}

export function failuresTable(d: OpenReportData): Table {
  const shown = d.failedEvals.slice(0, FAILURES_LISTED);
  const format = (a: number): string => {
    if (!d.space) return String(a);
    try {
      return d.space.format(a);
    } catch {
      return String(a);
    }
  };
  return {
    id: 'open-failures',
    title: 'Failed evaluations',
    header: ['Evaluation', 'Architecture', 'Index', 'Reason', 'Worker'],
    rows: shown.map((f) => [String(f.n), format(f.arch), String(f.arch), f.reason, f.worker ?? 'in process']),
    csvHeader: ['evaluation', 'arch', 'index', 'reason', 'worker'],
    csvRows: shown.map((f) => [f.n, format(f.arch), f.arch, f.reason, f.worker ?? '']),
    notes:
      d.failedEvals.length > shown.length
        ? [
            `The first ${shown.length} of ${d.failedEvals.length}; all of them are in history.jsonl (tell records with ok false).`,
          ]
        : [],
  };
}

export function openTables(d: OpenReportData): Table[] {
  const tables = [summaryTable(d), frontTable(d), traceTable(d)];
  if (d.failedEvals.length > 0) tables.push(failureGroupsTable(d), failuresTable(d));
  return tables;
}

function referenceText(d: OpenReportData): string {
  const r = d.search.reference;
  // Stored minimised: maximised objectives come back negated.
  const units = (v: number[]) =>
    d.specs.map((s, k) => `${s.name} ${num(fromMinimised(v[k]!, s.direction))}`).join(', ');
  if (r.kind === 'explicit') return `explicit reference point: ${units(r.ref)}`;
  if (r.ideal.length === 0) return 'normalised (no successful evaluation yet)';
  return `normalised by all successful evaluations: ideal ${units(r.ideal)}; nadir ${units(r.nadir)}; reference 1.1 per objective`;
}

function settings(d: OpenReportData): [string, string][] {
  const s = d.search;
  const c = d.config;
  const items: [string, string][] = [
    ['Study', s.study],
    ['Space', s.space],
    ['Strategy', s.strategy],
  ];
  if (c.population !== undefined || c.sample !== undefined)
    items.push(['Population / sample', `${c.population ?? 'default'} / ${c.sample ?? 'default'}`]);
  items.push(
    ['Seed', String(s.seed)],
    ['Evaluation budget', String(s.evals)],
    ['Concurrency', String(s.concurrency)],
    ['Evaluation', s.evaluation],
    ['Objectives', d.specs.map(objectiveHeader).join(', ')],
    ['Budget per evaluation', c.budget === undefined ? 'none' : JSON.stringify(c.budget)],
    ['Hypervolume', referenceText(d)],
  );
  return items;
}

export function openReportHtml(d: OpenReportData, tables: Table[], plots: RenderedPlot[]): string {
  const s = d.search;
  const status = s.stopped
    ? `<p class="note"><strong>Stopped before its budget:</strong> ${d.tells.length} of ${s.evals} evaluations told; rerun the same <code>hwnas open-search</code> command to resume it.</p>`
    : `<p class="note">${d.tells.length} evaluations told, ${d.failedEvals.length} failed.</p>`;
  const many = d.specs.length > 2;
  const plotNote = many
    ? `<p class="note">${d.specs.length} objectives: the front is drawn as projections on pairs of objectives (${d.specs.length > 4 ? 'the first objective against each other one' : 'every pair'}).</p>`
    : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>hwnas open-search report: ${escapeHtml(s.study)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>HW-NAS open-problem search</h1>
<p>Asynchronous search in which every evaluation is a job (a training run, a measurement). There is no true front to compare against: convergence is the hypervolume and size of the front found so far, over evaluations and wall time.</p>
${settingsList(settings(d))}
${status}
<h2>Tables</h2>
${tables.map(renderHtml).join('\n')}
<h2>Plots</h2>
${plotNote}${plots.length === 0 ? '<p class="note">Plots were not rendered (--no-plots).</p>' : figuresHtml(plots)}
</body>
</html>
`;
}
