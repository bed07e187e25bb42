/**
 * What the dashboard shows of a study folder, as JSON for its pages: settings, status, every finished run
 * with its checkpoint metrics (the page aggregates them under its filters), the report's tables (poster
 * layout, pruning audit), per device the true front and the found fronts, and the discovered
 * architectures (first seed of each setting, as the report draws them, thinned to a bounded count).
 */
import { isHwnasError } from '../errors.js';
import { feasibleMask, parseConstraints } from '../problem/index.js';
import { summarize } from '../report/summary.js';
import { allTables } from '../report/tables.js';
import type { SearchSpace } from '../space/types.js';
import { pruningLabel, type StoredRun, type StudyConfig, type StudyData } from '../study/index.js';
import { archCounts, spaceOf } from './arch.js';
import { openSnapshot } from './snapshot.js';
import { type RunStatus, studyStatus } from './status.js';

/** At most this many discovered architectures per device are sent (evenly thinned, front points kept). */
export const MAX_DISCOVERED = 2500;
/** Front points get params/MACs/peak memory for their hover only up to this many per device. */
const MAX_COUNTED = 600;

export interface PointOut {
  arch: number;
  label: string;
  /** Accuracy, then latency on each device (the hover names every device). */
  acc: number;
  lat: number[];
  params?: number;
  macs?: number;
  peak?: number;
  /** Breaks a hard constraint of the study (shaded). */
  infeasible?: boolean;
}

export interface StudySummaryOut {
  id: string;
  kind: 'study';
  status: RunStatus;
  done: number;
  total: number;
  evals: number;
  bestHv: number | null;
}

export interface StudyView extends StudySummaryOut {
  space: string;
  config: StudyConfig;
  accuracy: { source: string; name: string; unit: string };
  devices: { source: string; name: string; unit: string }[];
  runs: {
    key: string;
    device: string;
    pruning: string;
    pruningLabel: string;
    strategy: string;
    seed: number;
    evals: number;
    size: number;
    recall: number;
    checkpoints: { evals: number; gd: number; igdPlus: number; hv: number; frontSize: number }[];
  }[];
  tables: { id: string; title: string; header: string[]; rows: string[][]; notes: string[] }[];
  fronts: { device: string; unit: string; truth: PointOut[]; found: { series: string; points: PointOut[] }[] }[];
  discovered: { device: string; unit: string; points: (PointOut & { setting: string })[]; total: number }[];
}

function totalRuns(c: StudyConfig): number {
  return c.devices.length * c.pruning.length * c.strategies.length * c.seeds.length;
}

function bestHv(runs: StoredRun[]): number | null {
  let best: number | null = null;
  for (const r of runs) {
    const last = r.checkpoints[r.checkpoints.length - 1];
    if (last && Number.isFinite(last.hv) && (best === null || last.hv > best)) best = last.hv;
  }
  return best;
}

/** The list page's line: reads only the config and the checkpoints, not the runs' blobs. */
export function studySummary(id: string, folder: string): StudySummaryOut {
  const { store } = openSnapshot(folder);
  try {
    const total = totalRuns(store.config());
    const p = store.progress();
    return {
      id,
      kind: 'study',
      status: studyStatus(folder, p.runs, total),
      done: p.runs,
      total,
      evals: p.evals,
      bestHv: p.bestFinalHv,
    };
  } finally {
    store.close();
  }
}

function firstSeedRuns(runs: StoredRun[]): Map<string, StoredRun> {
  const out = new Map<string, StoredRun>();
  for (const r of runs) {
    const k = `${r.device}\0${r.pruning}\0${r.strategy}`;
    const had = out.get(k);
    if (!had || r.seed < had.seed) out.set(k, r);
  }
  return out;
}

function settingLabel(config: StudyConfig, r: StoredRun): string {
  return config.strategies.length > 1 ? `${pruningLabel(r.pruning)} (${r.strategy})` : pruningLabel(r.pruning);
}

export function studyView(id: string, folder: string): StudyView {
  const { store } = openSnapshot(folder);
  let config: StudyConfig;
  let runs: StoredRun[];
  let data: StudyData;
  let archs: Map<string, Int32Array>;
  try {
    config = store.config();
    runs = store.loadRuns();
    data = store.loadData();
    archs = store.loadArchs([...firstSeedRuns(runs).values()].map((r) => r.key));
  } finally {
    store.close();
  }
  const done = runs.length;
  const total = totalRuns(config);
  const space = spaceOf(data.spaceId);
  const label = (a: number): string => {
    if (!space) return String(a);
    try {
      return space.format(a);
    } catch {
      return String(a);
    }
  };
  const acc = data.accuracy.values;
  const infeasible = infeasibleMasks(space, config, data);
  const point = (a: number, d: number, counted: boolean): PointOut => {
    const p: PointOut = { arch: a, label: label(a), acc: acc[a]!, lat: data.devices.map((dev) => dev.latency[a]!) };
    if (counted && space) Object.assign(p, archCounts(space, a));
    if (infeasible?.[d]?.[a] === 0) p.infeasible = true;
    return p;
  };
  const firsts = firstSeedRuns(runs);
  const fronts: StudyView['fronts'] = config.devices.map((device, d) => {
    const dev = data.devices[d]!;
    let counted = 0;
    const take = (a: number) => point(a, d, counted++ < MAX_COUNTED);
    const truth = Array.from(dev.front, take);
    const found: { series: string; points: PointOut[] }[] = [];
    for (const r of firsts.values()) {
      if (r.device !== device) continue;
      const last = r.fronts[r.fronts.length - 1];
      if (!last) continue;
      for (const f of r.fronts) {
        found.push({ series: `${settingLabel(config, r)} @ ${f.evals}`, points: Array.from(f.archs, take) });
      }
    }
    return { device, unit: dev.unit, truth, found };
  });
  const discovered: StudyView['discovered'] = config.devices.map((device, d) => {
    const dev = data.devices[d]!;
    const all: (PointOut & { setting: string })[] = [];
    for (const r of firsts.values()) {
      if (r.device !== device) continue;
      const evaluated = archs.get(r.key);
      if (!evaluated) continue;
      const setting = settingLabel(config, r);
      const seen = new Set<number>();
      for (const a of evaluated) {
        if (seen.has(a)) continue;
        seen.add(a);
        all.push({ ...point(a, d, false), setting });
      }
    }
    return { device, unit: dev.unit, points: thin(all, MAX_DISCOVERED), total: all.length };
  });
  const tables = allTables(summarize(config, runs)).map((t) => ({
    id: t.id,
    title: t.title,
    header: t.header,
    rows: t.rows,
    notes: t.notes,
  }));
  return {
    id,
    kind: 'study',
    status: studyStatus(folder, done, total),
    done,
    total,
    evals: runs.reduce((s, r) => s + r.evals, 0),
    bestHv: bestHv(runs),
    space: data.spaceId,
    config,
    accuracy: { source: data.accuracy.source, name: data.accuracy.name, unit: data.accuracy.unit },
    devices: data.devices.map((d) => ({ source: d.source, name: d.name, unit: d.unit })),
    runs: runs.map((r) => ({
      key: r.key,
      device: r.device,
      pruning: r.pruning,
      pruningLabel: pruningLabel(r.pruning),
      strategy: r.strategy,
      seed: r.seed,
      evals: r.evals,
      size: r.prune.size,
      recall: r.prune.recall,
      checkpoints: r.checkpoints.map((c) => ({
        evals: c.evals,
        gd: c.gd,
        igdPlus: c.igdPlus,
        hv: c.hv,
        frontSize: c.frontSize,
      })),
    })),
    tables,
    fronts,
    discovered,
  };
}

/** Every `n / max`-th item (a deterministic, even thinning), or all of them when few. */
export function thin<T>(items: T[], max: number): T[] {
  if (items.length <= max) return items;
  const out: T[] = [];
  for (let k = 0; k < max; k++) out.push(items[Math.floor((k * items.length) / max)]!);
  return out;
}

/** Per device, 1 where an architecture meets the study's hard constraints (undefined: no constraints). */
function infeasibleMasks(
  space: SearchSpace | undefined,
  config: StudyConfig,
  data: StudyData,
): Uint8Array[] | undefined {
  if (!space || !config.constraints || config.constraints.length === 0) return undefined;
  try {
    const cs = parseConstraints(config.constraints);
    return data.devices.map((d) => feasibleMask(space, cs, { latency: d.latency }).mask);
  } catch (e) {
    if (isHwnasError(e)) return undefined;
    throw e;
  }
}

/** The study's space and, for any architecture, its objectives on every source (accuracy, each device). */
export function studyObjectives(folder: string): {
  space: string;
  at: (arch: number) => { source: string; name: string; unit: string; value: number | null }[];
} {
  const { store } = openSnapshot(folder);
  let data: StudyData;
  try {
    data = store.loadData();
  } finally {
    store.close();
  }
  const v = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? null : x);
  const a = data.accuracy;
  return {
    space: data.spaceId,
    at: (arch) => [
      { source: a.source, name: a.name, unit: a.unit, value: v(a.values[arch]) },
      ...data.devices.map((d) => ({ source: d.source, name: d.name, unit: d.unit, value: v(d.latency[arch]) })),
    ],
  };
}
