/**
 * The tables and the self-contained HTML page of an open-problem search: settings, a summary
 * (evaluations, failures, final HV and front size), the found front with every notation of its
 * architectures, the convergence trace, the failures (reasons grouped, then each one) and the plots.
 * Rendered with the study report's table, figure and style helpers; no scripts, no external requests.
 */
import { hvAt, timeToReach } from '../distributed/convergence.js';
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

/** Evaluations listed one by one with the fidelity they reached (all of them are in history.jsonl). */
export const REACHED_LISTED = 200;

export function rungsTable(d: OpenReportData): Table {
  const e = d.earlyStop!;
  return {
    id: 'open-rungs',
    title: `Early stopping (ASHA, eta ${e.eta}, min ${num(e.min)}, max ${num(e.max)}): rungs`,
    header: ['Rung', 'Fidelity', 'Entered', 'Promoted', 'Stopped'],
    rows: e.rungs.map((r) => [String(r.rung), num(r.level), String(r.entries), String(r.promoted), String(r.stopped)]),
    csvHeader: ['rung', 'fidelity', 'entered', 'promoted', 'stopped'],
    csvRows: e.rungs.map((r) => [r.rung, r.level, r.entries, r.promoted, r.stopped]),
    notes: [
      'An evaluation enters a rung when it reports a fidelity at or past the rung; the rung orders its entries by non-dominated rank, then crowding distance, then entry order, and promotes the newcomer when it is among the first floor(k/eta) of its k entries and fewer than floor(k/eta) were promoted. A stopped evaluation is told with the objectives of the report that stopped it.',
    ],
  };
}

export function reachedTable(d: OpenReportData): Table {
  const e = d.earlyStop!;
  const counts = new Map<string, { fidelity: string; n: number; stopped: number }>();
  for (const r of e.reached) {
    const key = r.fidelity === undefined ? 'no progress reported' : num(r.fidelity);
    const c = counts.get(key) ?? { fidelity: key, n: 0, stopped: 0 };
    c.n++;
    if (r.stopped) c.stopped++;
    counts.set(key, c);
  }
  const rows = [...counts.values()];
  return {
    id: 'open-fidelity',
    title: 'Fidelity reached by the successful evaluations',
    header: ['Fidelity', 'Evaluations', 'Stopped early'],
    rows: rows.map((c) => [c.fidelity, String(c.n), String(c.stopped)]),
    csvHeader: ['fidelity', 'evaluations', 'stopped'],
    csvRows: rows.map((c) => [c.fidelity, c.n, c.stopped]),
    notes: ['In order of first appearance. The fidelity of each evaluation is in the next table and in history.jsonl.'],
  };
}

export function reachedListTable(d: OpenReportData): Table {
  const shown = d.earlyStop!.reached.slice(0, REACHED_LISTED);
  const cell = (f?: number) => (f === undefined ? '' : num(f));
  return {
    id: 'open-fidelity-list',
    title: 'Fidelity reached per evaluation',
    header: ['Evaluation', 'Index', 'Fidelity', 'Stopped early'],
    rows: shown.map((r) => [String(r.n), String(r.arch), cell(r.fidelity), r.stopped ? 'yes' : 'no']),
    csvHeader: ['evaluation', 'index', 'fidelity', 'stopped'],
    csvRows: shown.map((r) => [r.n, r.arch, r.fidelity ?? '', r.stopped ? 1 : 0]),
    notes:
      d.earlyStop!.reached.length > shown.length
        ? [
            `The first ${shown.length} of ${d.earlyStop!.reached.length} (tell order); all of them are in history.jsonl.`,
          ]
        : ['In tell order.'],
  };
}

/** Wall-time fractions of the longer search at which the two curves are compared. */
const COMPARE_AT = [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1];

export function baselineTable(d: OpenReportData): Table {
  const b = d.baseline!;
  const end = Math.max(b.wallSeconds, b.baselineWallSeconds);
  const finalOf = (c: { hv: number[] }) => c.hv[c.hv.length - 1] ?? 0;
  const target = finalOf(b.baseline);
  const reach = timeToReach(b.curve, target);
  const rows: string[][] = COMPARE_AT.map((f) => [
    (f * end).toFixed(1),
    num(hvAt(b.curve, f * end)),
    num(hvAt(b.baseline, f * end)),
  ]);
  const label = (early: boolean) => (early ? 'with early stopping' : 'without early stopping');
  return {
    id: 'open-baseline',
    title: `Hypervolume against wall time: this search (${label(d.search.earlyStop !== undefined)}) and the baseline ${b.study} (${label(b.earlyStop)})`,
    header: ['Wall time (s)', 'HV, this search', 'HV, baseline'],
    rows,
    csvHeader: ['seconds', 'hv', 'baseline_hv'],
    csvRows: rows,
    notes: [
      `Both on one scale (${b.reference.kind === 'explicit' ? `explicit reference ${b.reference.ref.join(', ')}` : 'objectives normalised by the ideal and nadir of the successful evaluations of both searches, reference 1.1'}). Final HV: this search ${num(finalOf(b.curve))} in ${b.wallSeconds.toFixed(1)} s, baseline ${num(target)} in ${b.baselineWallSeconds.toFixed(1)} s. This search reaches the baseline's final HV ${reach === undefined ? 'never' : `after ${reach.toFixed(1)} s (${((100 * reach) / b.baselineWallSeconds).toFixed(0)}% of the baseline's wall time)`}.`,
    ],
  };
}

export function openTables(d: OpenReportData): Table[] {
  const tables = [summaryTable(d), frontTable(d), traceTable(d)];
  if (d.earlyStop) tables.push(rungsTable(d), reachedTable(d), reachedListTable(d));
  if (d.baseline) tables.push(baselineTable(d));
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
  // Only with --early-stop: the reports of other searches stay as they were.
  if (s.earlyStop)
    items.push([
      'Early stopping',
      `ASHA, eta ${s.earlyStop.eta}, rungs from fidelity ${s.earlyStop.min} to below ${s.earlyStop.max}; ${s.earlyStop.stopped} evaluations stopped early`,
    ]);
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
