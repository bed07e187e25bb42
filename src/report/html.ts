/**
 * One self-contained HTML page: study settings, every table and every plot inlined (SVG markup, with the
 * PNG as a data URI download link), no scripts and no external requests.
 */
import type { StudyConfig } from '../study/index.js';
import { escapeHtml, renderHtml, type Table } from './tables.js';

export interface RenderedPlot {
  id: string;
  title: string;
  svg: string;
  png: Uint8Array;
}

export const STYLE = `
body { font-family: 'DejaVu Sans', system-ui, sans-serif; margin: 2rem auto; max-width: 1200px; color: #222; }
h1 { font-size: 1.5rem; } h2 { margin-top: 2.5rem; border-bottom: 1px solid #ddd; } h3 { font-size: 1rem; }
table { border-collapse: collapse; font-size: 0.85rem; margin: 0.5rem 0; }
th, td { border: 1px solid #ddd; padding: 0.25rem 0.5rem; } td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
th { background: #f4f4f4; } p.note { font-size: 0.8rem; color: #555; }
figure { margin: 1.5rem 0; } figcaption { font-size: 0.85rem; color: #444; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; font-size: 0.9rem; } dt { font-weight: bold; }
`;

/** One plot inlined as SVG markup, with its PNG as a data-URI download link. */
export function figureHtml(p: RenderedPlot): string {
  return `<figure class="plot" id="plot-${p.id}" data-plot="${p.id}">
${p.svg}
<figcaption>${escapeHtml(p.title)} · <a download="${p.id}.png" href="data:image/png;base64,${Buffer.from(p.png).toString('base64')}">PNG</a></figcaption>
</figure>`;
}

/** Every plot inlined (`figureHtml`), one after the other. */
export function figuresHtml(plots: RenderedPlot[]): string {
  return plots.map(figureHtml).join(FIGURE_SEPARATOR);
}

/** Between two figures of `figuresHtml` (a streamed report writes the same bytes). */
export const FIGURE_SEPARATOR = '\n';

/** A definition list of settings (label, value), escaped. */
export function settingsList(items: [string, string][]): string {
  return `<dl>${items.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`;
}

function configList(c: StudyConfig, hash: string): string {
  const items: [string, string][] = [
    ['Space', c.space + (c.bloxData ? ` (release ${c.bloxData})` : '')],
    ['Accuracy', c.accuracy],
    ['Devices', c.devices.join(', ')],
    ['Pruning', c.pruning.join(', ')],
    ['Strategies', c.strategies.join(', ')],
    [
      'Seeds',
      c.seeds.length <= 12 ? c.seeds.join(', ') : `${c.seeds.length} (${c.seeds[0]}…${c.seeds[c.seeds.length - 1]})`,
    ],
    ['Evaluations', String(c.evals)],
    ['Checkpoints', c.checkpoints.join(', ')],
    ['Population / sample', `${c.population} / ${c.sample}`],
    ['Constraints', c.constraints && c.constraints.length > 0 ? c.constraints.join(' ') : 'none'],
    ['Missing values', c.allowMissing ? 'allowed (study runs on the covered subset)' : 'refused'],
    ['Config hash', hash],
  ];
  return settingsList(items);
}

export interface ReportPage {
  config: StudyConfig;
  hash: string;
  finished: number;
  total: number;
  tables: Table[];
  /** Markdown of the feasibility table when the study has constraints or allows missing values. */
  feasibility?: string;
}

/**
 * The report page around its figures: `head + figuresHtml(plots) + tail` is the page, so that a report
 * can be written figure by figure as each is rendered.
 */
export function reportHtmlParts(page: ReportPage): { head: string; tail: string } {
  const { config, hash, finished, total, tables, feasibility } = page;
  const status =
    finished < total
      ? `<p class="note"><strong>Incomplete study:</strong> ${finished} of ${total} runs finished; rerun <code>hwnas reproduce</code> on the folder to finish it.</p>`
      : `<p class="note">${finished} runs.</p>`;
  const head = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>hwnas study report</title>
<style>${STYLE}</style>
</head>
<body>
<h1>HW-NAS search-space pruning study</h1>
<p>Multi-objective search (accuracy, latency per device) in pruned and unpruned spaces; convergence measured against each device's true Pareto front in the space normalised by that front's ideal and nadir. Hypervolume reference point: (1.1, 1.1).</p>
${configList(config, hash)}
${status}
${feasibility ? `<h2>Feasibility</h2>\n<pre>${escapeHtml(feasibility)}</pre>` : ''}
<h2>Tables</h2>
${tables.map(renderHtml).join('\n')}
<h2>Plots</h2>
`;
  const tail = `
</body>
</html>
`;
  return { head, tail };
}
