/**
 * The study's figures as Vega-Lite specs, built from the stored runs: GD against evaluations (log x, one
 * line per pruning setting with its 95 % band), the true front against the fronts found at 200 (pruned)
 * and 2000 (unpruned) evaluations, and every architecture a run evaluated, coloured by pruning setting.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { StoredRun, StudyData } from '../study/index.js';
import { pruningLabel, type StudyConfig } from '../study/index.js';
import { meanInterval } from './stats.js';
import { traceAt } from './summary.js';

export interface PlotSpec {
  /** File stem, e.g. `gd-model-cortex-m7`. */
  id: string;
  title: string;
  spec: TopLevelSpec;
}

const WIDTH = 520;
const HEIGHT = 320;
const FONT = 'DejaVu Sans, sans-serif';
/** Size, font and background shared by every figure of the reports. */
export const BASE = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  width: WIDTH,
  height: HEIGHT,
  background: 'white',
  config: { font: FONT, legend: { labelLimit: 260 } },
} as const;

/** File-name-safe form of a source spec (`model:cortex-m7` -> `model-cortex-m7`). */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Log-spaced evaluation counts from 1 to `evals` (integers, unique) plus the checkpoints. */
export function evalGrid(evals: number, checkpoints: number[], points = 60): number[] {
  const set = new Set<number>(checkpoints.filter((c) => c <= evals));
  for (let k = 0; k < points; k++) set.add(Math.max(1, Math.round(evals ** (k / (points - 1)))));
  return [...set].sort((a, b) => a - b);
}

function seriesLabel(config: StudyConfig, pruning: string, strategy: string): string {
  return config.strategies.length > 1 ? `${pruningLabel(pruning)} (${strategy})` : pruningLabel(pruning);
}

function seriesOrder(config: StudyConfig): string[] {
  return config.pruning.flatMap((p) => config.strategies.map((s) => seriesLabel(config, p, s)));
}

export function gdPlot(config: StudyConfig, runs: StoredRun[], device: string): PlotSpec {
  const grid = evalGrid(config.evals, config.checkpoints);
  const values: { evals: number; setting: string; mean: number; lo: number; hi: number }[] = [];
  for (const pruning of config.pruning) {
    for (const strategy of config.strategies) {
      const rs = runs.filter((r) => r.device === device && r.pruning === pruning && r.strategy === strategy);
      if (rs.length === 0) continue;
      const setting = seriesLabel(config, pruning, strategy);
      for (const e of grid) {
        const iv = meanInterval(rs.map((r) => traceAt(r.trace, e)));
        const half = Number.isFinite(iv.half) ? iv.half : 0;
        values.push({ evals: e, setting, mean: iv.mean, lo: Math.max(0, iv.mean - half), hi: iv.mean + half });
      }
    }
  }
  const color = { field: 'setting', type: 'nominal', title: 'Pruning', sort: seriesOrder(config) } as const;
  const x = {
    field: 'evals',
    type: 'quantitative',
    scale: { type: 'log', domain: [1, config.evals] as number[], nice: false },
    title: 'Evaluations (log scale)',
  } as const;
  return {
    id: `gd-${slug(device)}`,
    title: `GD vs evaluations — ${device}`,
    spec: {
      ...BASE,
      title: {
        text: `Generational distance vs evaluations — ${device}`,
        subtitle: 'mean over seeds with 95% interval band; normalised by the true front',
      },
      data: { values },
      layer: [
        {
          mark: { type: 'area', opacity: 0.18 },
          encoding: {
            x,
            y: { field: 'lo', type: 'quantitative', title: 'GD (normalised)' },
            y2: { field: 'hi' },
            color,
          },
        },
        { mark: { type: 'line', strokeWidth: 2 }, encoding: { x, y: { field: 'mean', type: 'quantitative' }, color } },
      ],
    } as TopLevelSpec,
  };
}

/** The run of the lowest finished seed for a setting (the one whose fronts and archs are drawn). */
export function firstRun(runs: StoredRun[], device: string, pruning: string, strategy: string): StoredRun | undefined {
  let best: StoredRun | undefined;
  for (const r of runs) {
    if (r.device === device && r.pruning === pruning && r.strategy === strategy && (!best || r.seed < best.seed))
      best = r;
  }
  return best;
}

export function frontPlot(config: StudyConfig, runs: StoredRun[], data: StudyData, deviceIndex: number): PlotSpec {
  const device = config.devices[deviceIndex]!;
  const dev = data.devices[deviceIndex]!;
  const acc = data.accuracy.values;
  const lat = dev.latency;
  const early = config.frontsAt[0] ?? config.evals;
  const late = config.frontsAt[config.frontsAt.length - 1] ?? config.evals;
  const values: { series: string; latency: number; accuracy: number; order: number }[] = [];
  const order: string[] = ['true front'];
  dev.front.forEach((a, i) => {
    values.push({ series: 'true front', latency: lat[a]!, accuracy: acc[a]!, order: i });
  });
  for (const pruning of config.pruning) {
    for (const strategy of config.strategies) {
      const run = firstRun(runs, device, pruning, strategy);
      if (!run) continue;
      const at = pruning === 'none' ? late : early;
      const front = run.fronts.find((f) => f.evals === at);
      if (!front) continue;
      const series = `${seriesLabel(config, pruning, strategy)} @ ${at}`;
      order.push(series);
      front.archs.forEach((a, i) => {
        values.push({ series, latency: lat[a]!, accuracy: acc[a]!, order: i });
      });
    }
  }
  const enc = {
    x: { field: 'latency', type: 'quantitative', title: `Latency (${dev.unit})`, scale: { zero: false } },
    y: { field: 'accuracy', type: 'quantitative', title: `Accuracy (${data.accuracy.unit})`, scale: { zero: false } },
    color: { field: 'series', type: 'nominal', title: 'Front', sort: order },
    order: { field: 'order', type: 'quantitative' },
  } as const;
  return {
    id: `fronts-${slug(device)}`,
    title: `True front vs found fronts — ${device}`,
    spec: {
      ...BASE,
      title: {
        text: `True Pareto front vs found fronts — ${device}`,
        subtitle: `found at ${early} evaluations (pruned) and ${late} (unpruned), first seed`,
      },
      data: { values },
      layer: [
        { mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.5 }, encoding: enc },
        { mark: { type: 'point', filled: true, size: 28 }, encoding: enc },
      ],
    } as TopLevelSpec,
  };
}

/**
 * The runs whose evaluated architectures the discovered-space plots draw: the first seed of every
 * (device, pruning, strategy). The report loads only these runs' architecture lists from the store.
 */
export function plottedRuns(config: StudyConfig, runs: StoredRun[]): StoredRun[] {
  const out: StoredRun[] = [];
  for (const device of config.devices) {
    for (const pruning of config.pruning) {
      for (const strategy of config.strategies) {
        const run = firstRun(runs, device, pruning, strategy);
        if (run) out.push(run);
      }
    }
  }
  return out;
}

/**
 * Every distinct architecture the first-seed run of each setting evaluated, one point per architecture
 * and setting however often the run evaluated it (a search revisits architectures: one point each keeps
 * the figure, ~the distinct count instead of every evaluation, and the renderer's memory, small).
 */
export function discoveredPlot(
  config: StudyConfig,
  runs: StoredRun[],
  data: StudyData,
  deviceIndex: number,
  archs: ReadonlyMap<string, Int32Array>,
): PlotSpec {
  const device = config.devices[deviceIndex]!;
  const dev = data.devices[deviceIndex]!;
  const acc = data.accuracy.values;
  const lat = dev.latency;
  const values: { setting: string; latency: number; accuracy: number }[] = [];
  // One mark per architecture: `drawn[a] === mark` when a was already drawn for the current setting.
  const drawn = new Int32Array(acc.length);
  let mark = 0;
  for (const pruning of config.pruning) {
    for (const strategy of config.strategies) {
      const run = firstRun(runs, device, pruning, strategy);
      const evaluated = run && archs.get(run.key);
      if (!evaluated) continue;
      const setting = seriesLabel(config, pruning, strategy);
      mark++;
      for (const a of evaluated) {
        if (drawn[a] === mark) continue;
        drawn[a] = mark;
        values.push({ setting, latency: lat[a]!, accuracy: acc[a]! });
      }
    }
  }
  return {
    id: `discovered-${slug(device)}`,
    title: `Discovered architectures — ${device}`,
    spec: {
      ...BASE,
      title: {
        text: `Discovered architectures — ${device}`,
        subtitle: 'every architecture one run evaluated (first seed)',
      },
      data: { values },
      mark: { type: 'circle', size: 10, opacity: 0.45 },
      encoding: {
        x: { field: 'latency', type: 'quantitative', title: `Latency (${dev.unit})`, scale: { zero: false } },
        y: {
          field: 'accuracy',
          type: 'quantitative',
          title: `Accuracy (${data.accuracy.unit})`,
          scale: { zero: false },
        },
        color: { field: 'setting', type: 'nominal', title: 'Pruning', sort: seriesOrder(config) },
      },
    } as TopLevelSpec,
  };
}

/** A figure whose spec (and data) is built only when it is rendered, so that one figure's data is held at a time. */
export interface PlotRecipe {
  /** File stem, unique within the report. */
  id: string;
  build: () => PlotSpec;
}

/**
 * The study's figures in report order, as recipes: GD vs evaluations, true vs found fronts and the
 * discovered architectures, per device. `archs` holds the evaluated architectures of `plottedRuns`.
 */
export function studyPlots(
  config: StudyConfig,
  runs: StoredRun[],
  data: StudyData,
  archs: ReadonlyMap<string, Int32Array>,
): PlotRecipe[] {
  const recipes: PlotRecipe[] = [];
  config.devices.forEach((device, i) => {
    const stem = slug(device);
    recipes.push(
      { id: `gd-${stem}`, build: () => gdPlot(config, runs, device) },
      { id: `fronts-${stem}`, build: () => frontPlot(config, runs, data, i) },
      { id: `discovered-${stem}`, build: () => discoveredPlot(config, runs, data, i, archs) },
    );
  });
  // Two sources can slug alike (`a:b` and `a-b`): keep file names unique.
  const seen = new Map<string, number>();
  for (const r of recipes) {
    const n = seen.get(r.id) ?? 0;
    seen.set(r.id, n + 1);
    if (n > 0) r.id = `${r.id}-${n + 1}`;
  }
  return recipes;
}

/** Every figure built at once (tests, callers that want the specs). */
export function allPlots(
  config: StudyConfig,
  runs: StoredRun[],
  data: StudyData,
  archs: ReadonlyMap<string, Int32Array>,
): PlotSpec[] {
  return studyPlots(config, runs, data, archs).map((r) => ({ ...r.build(), id: r.id }));
}
