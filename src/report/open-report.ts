/**
 * `plots/` (SVG, PNG) and `report.html` of an open-problem search folder, rebuilt from search.json and
 * history.jsonl alone. Output depends only on those files, so rebuilding it gives the same bytes.
 */
import { join } from 'node:path';
import { sweepOpenSearchTemps } from '../distributed/layout.js';
import { writeFileAtomic } from '../io/atomic.js';
import type { SearchSpace } from '../space/types.js';
import type { RenderedPlot } from './html.js';
import { type FailureGroup, loadOpenReport } from './open.js';
import { openReportHtml, openTables } from './open-html.js';
import { openPlots } from './open-plots.js';
import { renderPlots } from './render.js';
import { renderText, type Table } from './tables.js';

export interface OpenSummary {
  study: string;
  evals: number;
  told: number;
  ok: number;
  failed: number;
  distinct: number;
  front: number;
  hv: number;
  wallSeconds: number;
  stopped: boolean;
  failureReasons: FailureGroup[];
}

export interface WrittenOpenReport {
  summary: OpenSummary;
  tables: Table[];
  /** Terminal rendering of the summary and front tables. */
  text: string;
  /** Path of report.html. */
  report: string;
  files: string[];
}

export function openReportPaths(folder: string) {
  return { plots: join(folder, 'plots'), report: join(folder, 'report.html') };
}

export async function writeOpenReport(
  folder: string,
  opts: { plots?: boolean; space?: SearchSpace; baseline?: string } = {},
): Promise<WrittenOpenReport> {
  const d = loadOpenReport(folder, {
    ...(opts.space ? { space: opts.space } : {}),
    ...(opts.baseline !== undefined ? { baseline: opts.baseline } : {}),
  });
  sweepOpenSearchTemps(folder);
  const paths = openReportPaths(folder);
  const files: string[] = [];
  const write = (path: string, content: string | Uint8Array) => {
    writeFileAtomic(path, content);
    files.push(path);
  };
  const tables = openTables(d);
  const rendered: RenderedPlot[] = opts.plots === false ? [] : await renderPlots(openPlots(d), paths.plots, write);
  write(paths.report, openReportHtml(d, tables, rendered));
  const last = d.trace[d.trace.length - 1];
  const summary: OpenSummary = {
    study: d.search.study,
    evals: d.search.evals,
    told: d.tells.length,
    ok: d.ok,
    failed: d.failedEvals.length,
    distinct: d.evaluated.length,
    front: last?.front ?? 0,
    hv: last?.hv ?? 0,
    wallSeconds: d.search.wallSeconds,
    stopped: d.search.stopped,
    failureReasons: d.failureGroups,
  };
  const text = tables.slice(0, 2).map(renderText).join('\n');
  return { summary, tables, text, report: paths.report, files };
}
