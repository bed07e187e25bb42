/**
 * Everything a study folder shows, rebuilt from its store alone: tables (CSV, Markdown, terminal text),
 * plots (SVG, PNG), exports (CSV, JSON) and one self-contained HTML report. Output depends only on the
 * stored runs, never on timing, so a resumed study writes the same files as an uninterrupted one.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic.js';
import { AtomicFileStream } from '../io/atomic-stream.js';
import type { Feasibility } from '../study/index.js';
import {
  checkpointsCsv,
  configHash,
  feasibilityMarkdown,
  restricts,
  resultsJson,
  runsCsv,
  StudyStore,
  studyPaths,
  sweepStudyTemps,
  writeFailure,
  writeFeasibility,
} from '../study/index.js';
import { FIGURE_SEPARATOR, figureHtml, reportHtmlParts } from './html.js';
import { plottedRuns, studyPlots } from './plots.js';
import { renderEach } from './render.js';
import { type StudySummary, summarize } from './summary.js';
import { allTables, renderCsv, renderMarkdown, renderText, type Table } from './tables.js';

export interface WrittenReport {
  summary: StudySummary;
  tables: Table[];
  /** Terminal rendering of the tables. */
  text: string;
  files: string[];
}

export interface ReportOptions {
  /** Skip the SVG/PNG plots (faster; tests and the benchmark use it). */
  plots?: boolean;
  /**
   * Called as the report is written: `done` of `total` steps (exports, tables, then one per figure)
   * are finished and `next` is being written; last with done === total and next ''.
   */
  onProgress?: (done: number, total: number, next: string) => void;
}

export async function writeReport(folder: string, opts: ReportOptions = {}): Promise<WrittenReport> {
  const store = StudyStore.open(folder);
  sweepStudyTemps(folder);
  let config: ReturnType<StudyStore['config']>;
  let runs: ReturnType<StudyStore['loadRuns']>;
  let data: ReturnType<StudyStore['loadData']>;
  let feasibility: Feasibility | null;
  // Only the runs the figures draw have their evaluated architectures loaded.
  let archs: Map<string, Int32Array>;
  try {
    config = store.config();
    data = store.loadData();
    runs = store.loadRuns();
    feasibility = store.loadFeasibility() as Feasibility | null;
    archs = opts.plots === false ? new Map() : store.loadArchs(plottedRuns(config, runs).map((r) => r.key));
  } finally {
    store.close();
  }
  try {
    return await writeReportFiles(folder, opts, { config, runs, data, feasibility, archs });
  } catch (e) {
    writeFailure(e, folder, 'the report', 'the results in its study.sqlite are untouched');
  }
}

async function writeReportFiles(
  folder: string,
  opts: ReportOptions,
  loaded: {
    config: ReturnType<StudyStore['config']>;
    runs: ReturnType<StudyStore['loadRuns']>;
    data: ReturnType<StudyStore['loadData']>;
    feasibility: Feasibility | null;
    archs: Map<string, Int32Array>;
  },
): Promise<WrittenReport> {
  const { config, runs, data, feasibility, archs } = loaded;
  const plots = opts.plots === false ? [] : studyPlots(config, runs, data, archs);
  const steps = 2 + plots.length;
  let done = 0;
  const step = (next: string) => opts.onProgress?.(done++, steps, next);
  const hash = configHash(config);
  const paths = studyPaths(folder);
  const files: string[] = [];
  const write = (path: string, content: string | Uint8Array) => {
    writeFileAtomic(path, content);
    files.push(path);
  };

  step('exports');
  write(join(paths.results, 'runs.csv'), runsCsv(runs));
  write(join(paths.results, 'checkpoints.csv'), checkpointsCsv(runs));
  write(join(paths.results, 'results.json'), resultsJson(config, hash, runs));

  step('tables');
  const summary = summarize(config, runs);
  const tables = allTables(summary);
  for (const t of tables) {
    write(join(paths.tables, `${t.id}.csv`), renderCsv(t));
    write(join(paths.tables, `${t.id}.md`), renderMarkdown(t));
  }

  const restricted = feasibility && restricts(feasibility) ? feasibility : null;
  if (restricted) files.push(...writeFeasibility(folder, restricted));

  // The page is written as the figures render, each figure dropped once written: one is held at a time.
  const { head, tail } = reportHtmlParts({
    config,
    hash,
    finished: runs.length,
    total: summary.totalRuns,
    tables,
    feasibility: restricted ? feasibilityMarkdown(restricted) : undefined,
  });
  const page = AtomicFileStream.open(paths.report);
  try {
    page.write(head);
    let rendered = 0;
    if (plots.length > 0) step(plots[0]!.id);
    await renderEach(plots, paths.plots, write, (figure) => {
      page.write(rendered === 0 ? figureHtml(figure) : FIGURE_SEPARATOR + figureHtml(figure));
      rendered++;
      if (rendered < plots.length) step(plots[rendered]!.id);
    });
    page.write(tail);
    page.commit();
  } finally {
    page.abort();
  }
  files.push(paths.report);
  opts.onProgress?.(steps, steps, '');

  const text = tables.map(renderText).join('\n');
  return { summary, tables, text, files };
}
