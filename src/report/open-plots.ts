/**
 * The figures of an open-problem search, as Vega-Lite specs: hypervolume against evaluations and against
 * wall time, front size against evaluations, the found front, and every evaluated architecture coloured
 * by whether it is on the final front. With 3 or more objectives the last two become pairwise projections.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ObjectiveSpec } from '../objectives/direction.js';
import type { OpenReportData } from './open.js';
import { BASE, type PlotSpec, slug } from './plots.js';

/** Above this many objectives only the pairs with the first objective are drawn (m - 1 plots). */
export const ALL_PAIRS_UP_TO = 4;

const ON_FRONT = 'on the final front';
const OFF_FRONT = 'not on the front';

function objectiveTitle(s: ObjectiveSpec): string {
  return `${s.name} (${s.direction === 'max' ? 'maximised' : 'minimised'})`;
}

/** Subtitle lines stay short: the figure is as wide as its widest title line. */
function hvSubtitle(d: OpenReportData): string[] {
  const r = d.search.reference;
  return r.kind === 'explicit'
    ? [`reference point ${r.ref.join(', ')}`, '(objectives minimised: maximised ones negated)']
    : [
        'objectives normalised by the ideal and nadir of all successful',
        'evaluations; reference point 1.1 per objective',
      ];
}

function curvePlot(
  d: OpenReportData,
  id: string,
  title: string,
  subtitle: string[],
  x: { field: 'evals' | 'seconds'; title: string },
  y: { field: 'hv' | 'front'; title: string },
): PlotSpec {
  const values = d.curve.map((c) => ({ evals: c.evals, seconds: c.seconds, hv: c.hv, front: c.front }));
  return {
    id,
    title,
    spec: {
      ...BASE,
      title: { text: title, subtitle },
      data: { values },
      mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2, point: values.length <= 60 },
      encoding: {
        x: { field: x.field, type: 'quantitative', title: x.title, scale: { zero: true, nice: false } },
        y: { field: y.field, type: 'quantitative', title: y.title, scale: { zero: true } },
      },
    } as TopLevelSpec,
  };
}

export function hvEvalsPlot(d: OpenReportData): PlotSpec {
  return curvePlot(
    d,
    'hv-evals',
    'Hypervolume vs evaluations',
    hvSubtitle(d),
    { field: 'evals', title: 'Evaluations told (failed included)' },
    { field: 'hv', title: 'Hypervolume' },
  );
}

export function hvTimePlot(d: OpenReportData): PlotSpec {
  return curvePlot(
    d,
    'hv-time',
    'Hypervolume vs wall time',
    [...hvSubtitle(d), 'wall time of the search over all its sessions'],
    { field: 'seconds', title: 'Wall time (s)' },
    { field: 'hv', title: 'Hypervolume' },
  );
}

export function frontSizePlot(d: OpenReportData): PlotSpec {
  return curvePlot(
    d,
    'front-size',
    'Front size vs evaluations',
    ['non-dominated distinct architectures among', 'the successful evaluations so far'],
    { field: 'evals', title: 'Evaluations told (failed included)' },
    { field: 'front', title: 'Front size' },
  );
}

/**
 * Axes of a 2-objective plot: the usual cost-vs-quality picture (minimised on x, maximised on y) when the
 * directions differ, else the first objective on x.
 */
export function axesOf(specs: readonly ObjectiveSpec[]): [ObjectiveSpec, ObjectiveSpec] {
  const [a, b] = [specs[0]!, specs[1]!];
  return a.direction === 'max' && b.direction === 'min' ? [b, a] : [a, b];
}

/** Data fields are `x` and `y`, never objective names: Vega reads dots in a field name as nesting. */
function axis(field: 'x' | 'y', s: ObjectiveSpec) {
  return { field, type: 'quantitative', title: objectiveTitle(s), scale: { zero: false } } as const;
}

export function frontPlot(d: OpenReportData): PlotSpec {
  const [x, y] = axesOf(d.specs);
  const values = d.front
    .map((f) => ({ x: f.objectives[x.name]!, y: f.objectives[y.name]! }))
    .sort((p, q) => p.x - q.x || p.y - q.y);
  const enc = { x: axis('x', x), y: axis('y', y) };
  return {
    id: 'front',
    title: 'Found Pareto front',
    spec: {
      ...BASE,
      title: {
        text: 'Found Pareto front',
        subtitle: `${d.front.length} non-dominated architectures of ${d.evaluated.length} distinct evaluated`,
      },
      data: { values },
      layer: [
        { mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.5, color: '#d62728' }, encoding: enc },
        { mark: { type: 'point', filled: true, size: 40, color: '#d62728' }, encoding: enc },
      ],
    } as TopLevelSpec,
  };
}

function scatter(
  d: OpenReportData,
  x: ObjectiveSpec,
  y: ObjectiveSpec,
  id: string,
  title: string,
  note: string,
): PlotSpec {
  // Off-front points first so the front is drawn on top.
  const values = [...d.evaluated]
    .sort((p, q) => Number(p.onFront) - Number(q.onFront))
    .map((p) => ({
      x: p.objectives[x.name]!,
      y: p.objectives[y.name]!,
      status: p.onFront ? ON_FRONT : OFF_FRONT,
    }));
  const failed = d.failedEvals.length;
  return {
    id,
    title,
    spec: {
      ...BASE,
      title: {
        text: title,
        subtitle: [
          `${d.ok} successful evaluations of ${d.evaluated.length} distinct architectures`,
          `${failed} failed (no objectives: listed in the report)`,
          ...(note ? [note] : []),
        ],
      },
      data: { values },
      mark: { type: 'circle', opacity: 0.75 },
      encoding: {
        x: axis('x', x),
        y: axis('y', y),
        color: {
          field: 'status',
          type: 'nominal',
          title: 'Architecture',
          scale: { domain: [ON_FRONT, OFF_FRONT], range: ['#d62728', '#9e9e9e'] },
        },
        size: {
          field: 'status',
          type: 'ordinal',
          scale: { domain: [ON_FRONT, OFF_FRONT], range: [45, 14] },
          legend: null,
        },
      },
    } as TopLevelSpec,
  };
}

export function evaluatedPlot(d: OpenReportData): PlotSpec {
  const [x, y] = axesOf(d.specs);
  return scatter(d, x, y, 'evaluated', 'Evaluated architectures', '');
}

/** Objective pairs drawn for 3+ objectives: all of them up to ALL_PAIRS_UP_TO objectives, else those with the first. */
export function objectivePairs(m: number): [number, number][] {
  const pairs: [number, number][] = [];
  for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) if (m <= ALL_PAIRS_UP_TO || i === 0) pairs.push([i, j]);
  return pairs;
}

export function pairPlots(d: OpenReportData): PlotSpec[] {
  const m = d.specs.length;
  const note = `projection of the ${m}-objective front: members can look dominated here`;
  return objectivePairs(m).map(([i, j]) => {
    const x = d.specs[i]!;
    const y = d.specs[j]!;
    return scatter(
      d,
      x,
      y,
      `pair-${slug(x.name)}-${slug(y.name)}`,
      `Evaluated architectures: ${x.name} vs ${y.name}`,
      note,
    );
  });
}

/** Fidelity each successful evaluation reached, by evaluation number: stopped early or not. */
export function fidelityPlot(d: OpenReportData): PlotSpec {
  const values = d
    .earlyStop!.reached.filter((r) => r.fidelity !== undefined)
    .map((r) => ({ n: r.n, fidelity: r.fidelity!, status: r.stopped ? 'stopped early' : 'ran to the end' }));
  return {
    id: 'fidelity',
    title: 'Fidelity reached per evaluation',
    spec: {
      ...BASE,
      title: { text: 'Fidelity reached per evaluation', subtitle: [`ASHA, eta ${d.earlyStop!.eta}`] },
      data: { values },
      mark: { type: 'circle', opacity: 0.8, size: 30 },
      encoding: {
        x: { field: 'n', type: 'quantitative', title: 'Evaluation (ask order)' },
        y: { field: 'fidelity', type: 'quantitative', title: 'Fidelity reached', scale: { zero: true } },
        color: {
          field: 'status',
          type: 'nominal',
          title: 'Evaluation',
          scale: { domain: ['stopped early', 'ran to the end'], range: ['#9e9e9e', '#d62728'] },
        },
      },
    } as TopLevelSpec,
  };
}

/** HV against wall time of this search and its --baseline, on one scale. */
export function baselinePlot(d: OpenReportData): PlotSpec {
  const b = d.baseline!;
  const label = (early: boolean, who: string) => `${who} (${early ? 'early stopping' : 'full evaluations'})`;
  // Each curve runs on to the end of its search (its last tell may be earlier).
  const points = (c: typeof b.curve, wall: number, run: string) => [
    ...c.seconds.map((s, i) => ({ seconds: s, hv: c.hv[i]!, run })),
    ...(c.hv.length > 0 && wall > c.seconds[c.seconds.length - 1]!
      ? [{ seconds: wall, hv: c.hv[c.hv.length - 1]!, run }]
      : []),
  ];
  const values = [
    ...points(b.curve, b.wallSeconds, label(d.search.earlyStop !== undefined, 'this search')),
    ...points(b.baseline, b.baselineWallSeconds, label(b.earlyStop, 'baseline')),
  ];
  return {
    id: 'hv-time-baseline',
    title: 'Hypervolume vs wall time, against the baseline',
    spec: {
      ...BASE,
      title: { text: 'Hypervolume vs wall time, against the baseline', subtitle: ['both searches on one HV scale'] },
      data: { values },
      mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 },
      encoding: {
        x: { field: 'seconds', type: 'quantitative', title: 'Wall time (s)', scale: { zero: true, nice: false } },
        y: { field: 'hv', type: 'quantitative', title: 'Hypervolume', scale: { zero: true } },
        color: { field: 'run', type: 'nominal', title: 'Search' },
      },
    } as TopLevelSpec,
  };
}

export function openPlots(d: OpenReportData): PlotSpec[] {
  const plots = [hvEvalsPlot(d), hvTimePlot(d), frontSizePlot(d)];
  if (d.earlyStop) plots.push(fidelityPlot(d));
  if (d.baseline) plots.push(baselinePlot(d));
  if (d.specs.length === 1) return plots;
  if (d.specs.length === 2) plots.push(frontPlot(d), evaluatedPlot(d));
  else plots.push(...pairPlots(d));
  // Two objective names can slug alike (`a.b` and `a-b`): keep file names unique.
  const seen = new Map<string, number>();
  for (const p of plots) {
    const n = seen.get(p.id) ?? 0;
    seen.set(p.id, n + 1);
    if (n > 0) p.id = `${p.id}-${n + 1}`;
  }
  return plots;
}
